package bot

import "time"

// NewRound starts round number with roles at now, in the presenting phase.
// durations are the set's time boxes; missing or non-positive ones take the
// defaults. The map is copied so the round keeps the boxes it started with.
func NewRound(number int, roles RoundRoles, durations map[Phase]time.Duration, now time.Time) Round {
	ds := DefaultPhaseDurations()
	for _, ph := range Phases {
		if d, ok := durations[ph]; ok && d > 0 {
			ds[ph] = d
		}
	}
	return Round{
		Number:         number,
		Presenter:      roles.Presenter,
		Observer:       roles.Observer,
		Enablers:       append([]string(nil), roles.Enablers...),
		Title:          roles.Title,
		Phase:          PhasePresenting,
		PhaseStartedAt: now,
		Durations:      ds,
		StartedAt:      now,
	}
}

// Next moves the round to its next phase at now: presenting, questioning,
// action, process-review, then done. A done round is ECONFLICT.
func (r *Round) Next(now time.Time) error {
	next := PhaseDone
	found := false
	for i, ph := range Phases {
		if ph == r.Phase {
			found = true
			if i+1 < len(Phases) {
				next = Phases[i+1]
			}
		}
	}
	if !found {
		return Errorf(ECONFLICT, "Round %d is over. Start another with /als round start.", r.Number)
	}
	r.Phase = next
	r.PhaseStartedAt = now
	if next == PhaseDone {
		r.EndedAt = now
	}
	return nil
}

// End ends the round at now, whatever its phase. A done round is ECONFLICT.
func (r *Round) End(now time.Time) error {
	if r.Phase == PhaseDone {
		return Errorf(ECONFLICT, "Round %d is already over. Start another with /als round start.", r.Number)
	}
	r.Phase = PhaseDone
	r.PhaseStartedAt = now
	r.EndedAt = now
	return nil
}

// Deadline is when the current phase's time box is up; zero when done.
func (r *Round) Deadline() time.Time {
	if r.Phase == PhaseDone {
		return time.Time{}
	}
	return r.PhaseStartedAt.Add(r.box(r.Phase))
}

// Remaining is the time left in the current phase at now: negative once the
// time box is overrun, zero when the round is done.
func (r *Round) Remaining(now time.Time) time.Duration {
	if r.Phase == PhaseDone {
		return 0
	}
	return r.Deadline().Sub(now)
}

// box is the phase's time box, falling back to the default for rounds stored
// without one.
func (r *Round) box(ph Phase) time.Duration {
	if d := r.Durations[ph]; d > 0 {
		return d
	}
	return DefaultPhaseDurations()[ph]
}

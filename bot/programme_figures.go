package bot

// Computing a programme's figures (members, groups, sets, practice) from its records.

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// SetRecords are one set's records as the programme figures read them.
type SetRecords struct {
	Set         *Set
	Sessions    []*Session
	Commitments []*Commitment
	Feedback    []*Feedback
	Mentoring   []*MentoringSession
	Memberships []*Membership
	Log         []*LogEntry
}

// ProgrammeRecords are everything a programme's figures are made of.
type ProgrammeRecords struct {
	Programme      *Programme
	Sets           []SetRecords
	Questionnaires []*Questionnaire
	Sends          []*QuestionnaireSend
	Answers        []*Answer
}

// MemberFigures are one member's figures in their set (one entry per set
// they were a member of). Names and organisations are for the lead and the
// facilitators; the report shows only aggregates.
type MemberFigures struct {
	SetID             string
	UserID            string
	Name              string
	Org               string // "" when not given
	Withdrawn         bool
	Attended          int // held sessions they checked in to
	SessionsHeld      int // sessions held in their set
	Mentoring         int // mentoring sessions received
	FeedbackGiven     int // sessions rated
	CommitmentsMade   int
	ReportedOn        int // commitments with at least one report
	Done              int
	Cohort            bool // Attended >= EngagedAttendance and Mentoring >= EngagedMentoring
	AnsweredEnd       bool // answered an end-of-programme ("after") members' questionnaire
	Visits            int  // practice log: accompanied visits
	GroupSupervisions int  // practice log: group supervisions
}

// OutcomeFigures are one outcome's self-ratings before and after.
type OutcomeFigures struct {
	Key, Label    string
	Before, After Mean // every rating given at that stage
	// Change is the mean of (after - before) over the members who rated the
	// outcome at both stages; CohortChange and RestChange split those
	// members by the cohort.
	Change, CohortChange, RestChange Mean
}

// Group are the figures of a group of members: a set, an organisation, or
// the whole programme.
type Group struct {
	Name                   string
	Started                int // members who started: members now, and those who withdrew
	Withdrawn              int
	Finished               int     // Started - Withdrawn
	Attendance             []Count // members by sessions attended, most first
	Mentoring              []Count // members by mentoring sessions received, most first
	Cohort                 Rate    // attended >= 5 and >= 3 mentoring sessions, of Started
	FeedbackMembers        Rate    // members who rated at least one session, of Started
	QuestionnaireMembers   Rate    // members who answered an end-of-programme questionnaire, of Started
	Mentors                int     // people with the mentor role (0 for an organisation)
	MentorsLogging         Rate    // mentors who logged at least one mentoring session, of Mentors
	QuestionnaireMentors   Rate    // mentors who answered an end-of-programme mentors' questionnaire, of Mentors
	Ratings                Mean    // session ratings given by the group's members
	RatingCounts           [5]int  // how many ratings of 1..5
	CommitmentsMade        int
	ReportedOn             int
	Done                   int
	Outcomes               []OutcomeFigures // in the order of Outcomes()
	Visits                 int
	GroupSupervisions      int
	MembersLoggingPractice int // members with at least one practice log entry
}

// SessionPoint is one held session of a set: who of the set's starters came.
type SessionPoint struct {
	Number   int
	Date     string // YYYY-MM-DD in the set's zone
	Attended int
	Of       int // members who had started the set (withdrawn ones included)
}

// SetFigures are a set's group figures and its sessions.
type SetFigures struct {
	Group
	SetID    string
	Sessions []SessionPoint
}

// PracticeMonth is the practice log of one month.
type PracticeMonth struct {
	Month             string // YYYY-MM
	Visits            int
	GroupSupervisions int
}

// ProgrammeFigures are a programme's figures (docs/programmes.md defines
// each one).
type ProgrammeFigures struct {
	Programme      string
	Overall        Group
	Sets           []SetFigures
	Orgs           []Group // by name; members without one last
	Members        []MemberFigures
	Questionnaires []QuestionnaireFigures
	Practice       []PracticeMonth
}

// NoOrg names the group of members whose organisation is not known.
const NoOrg = "Organisation not given"

// ComputeProgrammeFigures computes every programme figure from the records.
// It is a pure function.
func ComputeProgrammeFigures(rec ProgrammeRecords) ProgrammeFigures {
	pf := ProgrammeFigures{}
	if rec.Programme != nil {
		pf.Programme = rec.Programme.Name
	}
	qs := map[string]*Questionnaire{}
	for _, q := range rec.Questionnaires {
		qs[q.ID] = q
	}
	// Answers by respondent within their set.
	type who struct{ set, user string }
	answers := map[who][]*Answer{}
	for _, a := range rec.Answers {
		answers[who{a.SetID, a.UserID}] = append(answers[who{a.SetID, a.UserID}], a)
	}
	answeredEnd := func(set, user string, role Role) bool {
		for _, a := range answers[who{set, user}] {
			if q := qs[a.QuestionnaireID]; q != nil && q.Role == role && q.Stage == StageAfter {
				return true
			}
		}
		// A mentor of several sets answers once: look in every set.
		if role == RoleMentor {
			for _, a := range rec.Answers {
				if q := qs[a.QuestionnaireID]; a.UserID == user && q != nil && q.Role == role && q.Stage == StageAfter {
					return true
				}
			}
		}
		return false
	}

	allMentors := map[string]bool{}
	allLogging := map[string]bool{}
	allMentorAnswered := map[string]bool{}
	// Per-member outcome ratings: member index -> outcome -> stage -> mean.
	ratings := []map[string]stageMeans{}
	memberRatings := [][]int{} // per member: the ratings they gave
	practice := map[string]*PracticeMonth{}

	for _, sr := range rec.Sets {
		set := sr.Set
		sf := SetFigures{SetID: set.ID, Group: Group{Name: set.Name}}
		// Who started: members now, then those who withdrew.
		first := len(pf.Members)
		idx := map[string]int{}
		orgs := map[string]*Membership{}
		for _, m := range sr.Memberships {
			orgs[m.UserID] = m
		}
		addMember := func(id, name string, withdrawn bool) {
			idx[id] = len(pf.Members)
			mf := MemberFigures{SetID: set.ID, UserID: id, Name: name, Withdrawn: withdrawn}
			if m := orgs[id]; m != nil {
				mf.Org = m.Org
			}
			pf.Members = append(pf.Members, mf)
			ratings = append(ratings, map[string]stageMeans{})
			memberRatings = append(memberRatings, nil)
		}
		for _, p := range set.Members() {
			addMember(p.User.ID, PersonName(set, p.User.ID), false)
		}
		for _, m := range sr.Memberships {
			if _, now := idx[m.UserID]; !now && m.Withdrawn != nil {
				name := m.Name
				if name == "" {
					name = "@" + m.UserID
				}
				addMember(m.UserID, name, true)
			}
		}
		member := func(id string) *MemberFigures {
			if i, ok := idx[id]; ok {
				return &pf.Members[i]
			}
			return nil
		}

		held := slices.DeleteFunc(slices.Clone(sr.Sessions), func(s *Session) bool { return !s.Held() })
		slices.SortFunc(held, func(a, b *Session) int { return a.Number - b.Number })
		heldNums := map[int]bool{}
		for _, s := range held {
			heldNums[s.Number] = true
			pt := SessionPoint{Number: s.Number, Date: s.Start.In(set.Location()).Format("2006-01-02"), Of: len(idx)}
			seen := map[string]bool{}
			for _, a := range s.Attendees {
				if m := member(a.UserID); m != nil && !seen[a.UserID] {
					seen[a.UserID] = true
					m.Attended++
					pt.Attended++
				}
			}
			sf.Sessions = append(sf.Sessions, pt)
		}
		for i := first; i < len(pf.Members); i++ {
			pf.Members[i].SessionsHeld = len(held)
		}
		for _, f := range sr.Feedback {
			if m := member(f.UserID); m != nil && heldNums[f.Session] && f.Rating >= 1 && f.Rating <= 5 {
				m.FeedbackGiven++
				memberRatings[idx[f.UserID]] = append(memberRatings[idx[f.UserID]], f.Rating)
			}
		}
		logging := map[string]bool{}
		for _, ms := range sr.Mentoring {
			logging[ms.MentorID] = true
			if m := member(ms.MenteeID); m != nil {
				m.Mentoring++
			}
		}
		for _, c := range sr.Commitments {
			m := member(c.UserID)
			if m == nil {
				continue
			}
			m.CommitmentsMade++
			if len(c.Reports) > 0 {
				m.ReportedOn++
			}
			if c.Status == CommitmentDone {
				m.Done++
			}
		}
		for _, e := range sr.Log {
			m := member(e.UserID)
			if m == nil {
				continue
			}
			month := e.Date[:min(7, len(e.Date))]
			pm := practice[month]
			if pm == nil {
				pm = &PracticeMonth{Month: month}
				practice[month] = pm
			}
			switch e.Kind {
			case LogVisit:
				m.Visits++
				pm.Visits++
			case LogGroupSupervision:
				m.GroupSupervisions++
				pm.GroupSupervisions++
			}
		}
		for i := first; i < len(pf.Members); i++ {
			m := &pf.Members[i]
			m.Cohort = m.Attended >= EngagedAttendance && m.Mentoring >= EngagedMentoring
			m.AnsweredEnd = answeredEnd(set.ID, m.UserID, RoleMember)
			for _, a := range answers[who{set.ID, m.UserID}] {
				q := qs[a.QuestionnaireID]
				if q == nil || q.Role != RoleMember || q.Stage == StageNone {
					continue
				}
				for _, qu := range q.Questions {
					n, err := strconv.Atoi(a.Values[qu.ID])
					if qu.Outcome == "" || qu.Kind != QuestionScale || err != nil {
						continue
					}
					sm := ratings[i][qu.Outcome]
					if sm == nil {
						sm = stageMeans{}
						ratings[i][qu.Outcome] = sm
					}
					if sm[q.Stage] == nil {
						sm[q.Stage] = &Mean{}
					}
					sm[q.Stage].add(float64(n))
				}
			}
		}

		// The set's mentors: people with the mentor role now.
		var mentors []string
		for _, p := range set.People {
			if p.Has(RoleMentor) {
				mentors = append(mentors, p.User.ID)
			}
		}
		sf.Group = aggregate(set.Name, pf.Members[first:], ratings[first:], memberRatings[first:])
		sf.Mentors = len(mentors)
		sf.MentorsLogging.Of, sf.QuestionnaireMentors.Of = len(mentors), len(mentors)
		for _, id := range mentors {
			allMentors[id] = true
			if logging[id] {
				sf.MentorsLogging.N++
				allLogging[id] = true
			}
			if answeredEnd(set.ID, id, RoleMentor) {
				sf.QuestionnaireMentors.N++
				allMentorAnswered[id] = true
			}
		}
		pf.Sets = append(pf.Sets, sf)
	}

	pf.Overall = aggregate("Overall", pf.Members, ratings, memberRatings)
	pf.Overall.Mentors = len(allMentors)
	pf.Overall.MentorsLogging = Rate{len(allLogging), len(allMentors)}
	pf.Overall.QuestionnaireMentors = Rate{len(allMentorAnswered), len(allMentors)}

	byOrg := map[string][]int{}
	for i, m := range pf.Members {
		byOrg[m.Org] = append(byOrg[m.Org], i)
	}
	names := make([]string, 0, len(byOrg))
	for o := range byOrg {
		names = append(names, o)
	}
	slices.SortFunc(names, func(a, b string) int {
		if (a == "") != (b == "") {
			if a == "" {
				return 1
			}
			return -1
		}
		return cmp.Compare(strings.ToLower(a), strings.ToLower(b))
	})
	for _, o := range names {
		var ms []MemberFigures
		var rs []map[string]stageMeans
		var gs [][]int
		for _, i := range byOrg[o] {
			ms, rs, gs = append(ms, pf.Members[i]), append(rs, ratings[i]), append(gs, memberRatings[i])
		}
		name := o
		if name == "" {
			name = NoOrg
		}
		pf.Orgs = append(pf.Orgs, aggregate(name, ms, rs, gs))
	}

	for _, pm := range practice {
		pf.Practice = append(pf.Practice, *pm)
	}
	slices.SortFunc(pf.Practice, func(a, b PracticeMonth) int { return cmp.Compare(a.Month, b.Month) })

	pf.Questionnaires = questionnaireFigures(rec, qs)
	return pf
}

// stageMeans are one member's self-ratings of one outcome, by stage.
type stageMeans map[Stage]*Mean

// aggregate sums the figures of a group's members. ratings[i] are member
// i's outcome self-ratings by stage, given[i] their session ratings.
func aggregate(name string, members []MemberFigures, ratings []map[string]stageMeans, given [][]int) Group {
	g := Group{Name: name, Started: len(members)}
	att, ment := map[int]int{}, map[int]int{}
	for i, m := range members {
		if m.Withdrawn {
			g.Withdrawn++
		}
		att[m.Attended]++
		ment[m.Mentoring]++
		if m.Cohort {
			g.Cohort.N++
		}
		if m.FeedbackGiven > 0 {
			g.FeedbackMembers.N++
		}
		if m.AnsweredEnd {
			g.QuestionnaireMembers.N++
		}
		for _, r := range given[i] {
			g.Ratings.add(float64(r))
			g.RatingCounts[r-1]++
		}
		g.CommitmentsMade += m.CommitmentsMade
		g.ReportedOn += m.ReportedOn
		g.Done += m.Done
		g.Visits += m.Visits
		g.GroupSupervisions += m.GroupSupervisions
		if m.Visits+m.GroupSupervisions > 0 {
			g.MembersLoggingPractice++
		}
	}
	g.Finished = g.Started - g.Withdrawn
	g.Cohort.Of, g.FeedbackMembers.Of, g.QuestionnaireMembers.Of = g.Started, g.Started, g.Started
	g.Attendance, g.Mentoring = counts(att), counts(ment)
	for _, o := range Outcomes() {
		of := OutcomeFigures{Key: o.Key, Label: o.Label}
		for i, m := range members {
			sm := ratings[i][o.Key]
			if sm == nil {
				continue
			}
			b, a := sm[StageBefore], sm[StageAfter]
			if b != nil {
				of.Before.Sum += b.Sum
				of.Before.N += b.N
			}
			if a != nil {
				of.After.Sum += a.Sum
				of.After.N += a.N
			}
			if a != nil && b != nil {
				d := a.Value() - b.Value()
				of.Change.add(d)
				if m.Cohort {
					of.CohortChange.add(d)
				} else {
					of.RestChange.add(d)
				}
			}
		}
		g.Outcomes = append(g.Outcomes, of)
	}
	return g
}

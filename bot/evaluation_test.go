package bot_test

import (
	"math"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

func TestComputeStats(t *testing.T) {
	member := func(id string) bot.Person {
		return bot.Person{User: bot.UserRef{ID: id, Name: id}, Roles: []bot.Role{bot.RoleMember}}
	}
	set := &bot.Set{ID: "s", Name: "S", People: []bot.Person{
		{User: bot.UserRef{ID: "fac"}, Roles: []bot.Role{bot.RoleFacilitator}},
		member("a"), member("b"),
		{User: bot.UserRef{ID: "gone"}}, // removed: no roles left
	}}
	att := func(ids ...string) []bot.Attendance {
		var out []bot.Attendance
		for _, id := range ids {
			out = append(out, bot.Attendance{UserID: id})
		}
		return out
	}
	sessions := []*bot.Session{
		{Number: 1, Status: bot.SessionClosed, Attendees: att("a", "b", "a", "gone"), Rounds: []bot.Round{{Presenter: "a", Observer: "b"}}},
		{Number: 2, Status: bot.SessionCancelled, Attendees: att("a")},
		{Number: 3, Status: bot.SessionOpen, Attendees: att("a")},
		{Number: 4, Status: bot.SessionScheduled},
	}
	commitments := []*bot.Commitment{
		{UserID: "a", Session: 1, Status: bot.CommitmentDone, Reports: []bot.Report{{Status: bot.ReportProgress}, {Status: bot.ReportDone}}},
		{UserID: "b", Session: 1, Status: bot.CommitmentDropped},
		{UserID: "b", Session: 0, Status: bot.CommitmentOpen, Reports: []bot.Report{{Status: bot.ReportBlocked}}},
		{UserID: "gone", Session: 3, Status: bot.CommitmentOpen},
	}
	feedback := []*bot.Feedback{{Session: 1, UserID: "a", Rating: 5}, {Session: 1, UserID: "b", Rating: 2}, {Session: 3, UserID: "a", Rating: 4}}
	mentoring := []*bot.MentoringSession{{MenteeID: "a"}, {MenteeID: "a"}, {MenteeID: "a"}, {MenteeID: "gone"}}

	tests := []struct {
		name string
		got  func(bot.Stats) float64
		want float64
	}{
		{"sessions held: open and closed only", func(s bot.Stats) float64 { return float64(s.SessionsHeld) }, 2},
		{"a attended once per session", func(s bot.Stats) float64 { return float64(s.Members[0].Attended) }, 2},
		{"b's attendance score", func(s bot.Stats) float64 { return s.Members[1].AttendanceScore }, 0.5},
		{"set attendance score", func(s bot.Stats) float64 { return s.AttendanceScore }, 3.0 / 4},
		{"presentations", func(s bot.Stats) float64 { return float64(s.Presentations) }, 1},
		{"observations", func(s bot.Stats) float64 { return float64(s.Observations) }, 1},
		{"commitments of members only", func(s bot.Stats) float64 { return float64(s.CommitmentsMade) }, 3},
		{"reported on", func(s bot.Stats) float64 { return float64(s.ReportedOn) }, 2},
		{"report-backs", func(s bot.Stats) float64 { return float64(s.ReportBacks) }, 3},
		{"done", func(s bot.Stats) float64 { return float64(s.Done) }, 1},
		{"dropped", func(s bot.Stats) float64 { return float64(s.Dropped) }, 1},
		{"session 1 commitments made", func(s bot.Stats) float64 { return float64(s.Sessions[0].CommitmentsMade) }, 2},
		{"session 1 commitments done", func(s bot.Stats) float64 { return float64(s.Sessions[0].CommitmentsDone) }, 1},
		{"session 3 counts everyone's commitments", func(s bot.Stats) float64 { return float64(s.Sessions[1].CommitmentsMade) }, 1},
		{"session 1 attendance: members once each", func(s bot.Stats) float64 { return float64(s.Sessions[0].Attendance) }, 2},
		{"mentoring of members", func(s bot.Stats) float64 { return float64(s.MentoringSessions) }, 3},
		{"feedback givers share", func(s bot.Stats) float64 { return s.FeedbackRate }, 1},
		{"mean rating", func(s bot.Stats) float64 { return s.MeanRating }, 11.0 / 3},
		{"session 1 mean rating", func(s bot.Stats) float64 { return s.Sessions[0].MeanRating }, 3.5},
		{"session 3 feedback rate", func(s bot.Stats) float64 { return s.Sessions[1].FeedbackRate }, 1},
		{"nobody attended five sessions", func(s bot.Stats) float64 { return float64(s.Engaged) }, 0},
	}
	st := bot.ComputeStats(set, sessions, commitments, feedback, mentoring)
	if len(st.Members) != 2 || len(st.Sessions) != 2 {
		t.Fatalf("members %d, sessions %d", len(st.Members), len(st.Sessions))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(st); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("an empty set has no NaN", func(t *testing.T) {
		st := bot.ComputeStats(&bot.Set{}, nil, nil, nil, nil)
		for _, f := range []float64{st.AttendanceScore, st.FeedbackRate, st.MeanRating, st.EngagedShare} {
			if f != 0 {
				t.Errorf("figure %v, want 0", f)
			}
		}
	})
}

func TestNextAnonymousID(t *testing.T) {
	tests := []struct {
		ids  []string
		want string
	}{
		{nil, "anon-1"},
		{[]string{"ana", "anon-1"}, "anon-2"},
		{[]string{"anon-7", "anon-2", "anon-x"}, "anon-8"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			set := &bot.Set{}
			for _, id := range tt.ids {
				set.People = append(set.People, bot.Person{User: bot.UserRef{ID: id}})
			}
			if got := bot.NextAnonymousID(set); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if !bot.IsAnonymous(tt.want) || bot.IsAnonymous("ana") {
				t.Error("IsAnonymous")
			}
		})
	}
}

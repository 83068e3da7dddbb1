package handlers_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// BenchmarkProgrammeCommands: the programme commands end to end on the
// embedded store, with their store round trips:
// go test -run=^$ -bench Programme ./handlers
func BenchmarkProgrammeCommands(b *testing.B) {
	setup := func(b *testing.B) *env {
		e := programmeEnv(b)
		e.dm("lee", "questionnaire create end from members-end")
		e.dm("lee", "questionnaire send end to members")
		e.dm("lee", "programme practice-log on")
		e.msgr.take()
		return e
	}
	answer := "questionnaire answer end analytical=%d supervision=3 standards=3 recording=3 decisions=3 sharing=3"
	benches := []struct {
		name string
		op   func(e *env, i int) error
	}{
		{"questionnaire answer (change)", func(e *env, i int) error {
			_, err := e.dm("ana", fmt.Sprintf(answer, i%5+1))
			return err
		}},
		{"log visit", func(e *env, i int) error {
			e.clock.Advance(time.Second) // one entry per member per instant
			_, err := e.do("ana", "log visit")
			return err
		}},
		{"my org", func(e *env, i int) error { _, err := e.do("ben", "my org Bath"); return err }},
		{"programme", func(e *env, i int) error { _, err := e.dm("lee", "programme"); return err }},
		{"programme report", func(e *env, i int) error { _, err := e.dm("lee", "programme report"); return err }},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			e := setup(b)
			if _, err := e.dm("ana", fmt.Sprintf(answer, 1)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			before := e.store.RoundTrips()
			for i := 0; i < b.N; i++ {
				if err := bb.op(e, i); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(e.store.RoundTrips()-before)/float64(b.N), "trips/op")
		})
	}
}

// BenchmarkComputeProgrammeFigures: the pure figures of a programme of two
// sets of ten members, six sessions, answers from everyone.
func BenchmarkComputeProgrammeFigures(b *testing.B) {
	rec := bot.ProgrammeRecords{Programme: &bot.Programme{Name: "Bench"}}
	q := &bot.Questionnaire{ID: "p/end", Role: bot.RoleMember, Stage: bot.StageAfter}
	for _, o := range bot.Outcomes() {
		q.Questions = append(q.Questions, bot.Question{ID: o.Key, Kind: bot.QuestionScale, Outcome: o.Key, Labels: bot.AgreementLabels()})
	}
	rec.Questionnaires = []*bot.Questionnaire{q}
	for s := range 2 {
		set := &bot.Set{ID: fmt.Sprint("shell:s", s), Name: fmt.Sprint("Set ", s)}
		sr := bot.SetRecords{Set: set}
		for m := range 10 {
			id := fmt.Sprint("u", s, "-", m)
			set.People = append(set.People, bot.Person{User: bot.UserRef{ID: id}, Roles: []bot.Role{bot.RoleMember}})
			sr.Memberships = append(sr.Memberships, &bot.Membership{UserID: id, Org: fmt.Sprint("Org ", m%4)})
			vals := map[string]string{}
			for _, o := range bot.Outcomes() {
				vals[o.Key] = fmt.Sprint(1 + m%5)
			}
			rec.Answers = append(rec.Answers, &bot.Answer{QuestionnaireID: q.ID, SetID: set.ID, UserID: id, Values: vals})
		}
		for n := 1; n <= 6; n++ {
			sess := &bot.Session{Number: n, Status: bot.SessionClosed}
			for _, p := range set.People {
				sess.Attendees = append(sess.Attendees, bot.Attendance{UserID: p.User.ID})
				sr.Feedback = append(sr.Feedback, &bot.Feedback{UserID: p.User.ID, Session: n, Rating: 4})
			}
			sr.Sessions = append(sr.Sessions, sess)
		}
		rec.Sets = append(rec.Sets, sr)
	}
	b.ReportAllocs()
	for b.Loop() {
		bot.ComputeProgrammeFigures(rec)
	}
}

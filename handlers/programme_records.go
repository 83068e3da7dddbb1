package handlers

import (
	"context"
	"fmt"

	"github.com/alsbot/alsbot/bot"
)

// LoadProgramme reads everything a programme's figures are made of: for
// each of its sets the set and its records (seven round trips a set), then
// the questionnaires, sendings and answers (three more). It is read for an
// overview or the report, never on a member's hot path.
func LoadProgramme(ctx context.Context, store bot.Store, ps bot.ProgrammeStore, prog *bot.Programme) (bot.ProgrammeRecords, error) {
	rec := bot.ProgrammeRecords{Programme: prog}
	links, err := ps.ListProgrammeSets(ctx, prog.ID)
	if err != nil {
		return rec, fmt.Errorf("list the sets of programme %s: %w", prog.ID, err)
	}
	for _, l := range links {
		set, err := store.GetSet(ctx, l.SetID)
		if err != nil {
			return rec, fmt.Errorf("read set %s of programme %s: %w", l.SetID, prog.ID, err)
		}
		r, err := LoadRecords(ctx, store, set)
		if err != nil {
			return rec, err
		}
		sr := bot.SetRecords{Set: set, Sessions: r.Sessions, Commitments: r.Commitments, Feedback: r.Feedback, Mentoring: r.Mentoring}
		if sr.Memberships, err = ps.ListMemberships(ctx, set.ID); err != nil {
			return rec, fmt.Errorf("list memberships of %s: %w", set.ID, err)
		}
		if sr.Log, err = ps.ListLogEntries(ctx, set.ID); err != nil {
			return rec, fmt.Errorf("list the practice log of %s: %w", set.ID, err)
		}
		rec.Sets = append(rec.Sets, sr)
	}
	if rec.Questionnaires, err = ps.ListQuestionnaires(ctx, prog.ID); err != nil {
		return rec, fmt.Errorf("list questionnaires of %s: %w", prog.ID, err)
	}
	if rec.Sends, err = ps.ListSends(ctx, prog.ID); err != nil {
		return rec, fmt.Errorf("list questionnaire sendings of %s: %w", prog.ID, err)
	}
	if rec.Answers, err = ps.ListAnswers(ctx, prog.ID); err != nil {
		return rec, fmt.Errorf("list answers of %s: %w", prog.ID, err)
	}
	return rec, nil
}

package mongo

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/bot"
)

// Programme records are anonymised here, not deleted: a forgotten member's
// ratings still count (as the set's anonymous id, like feedback), and a
// programme, its set links and its questionnaires must not vanish because
// one person named in them asked to be forgotten.

// anonymiseProgrammeRecords rewrites what a set's programme records hold of
// userID: their membership (organisation kept, withdrawal reason erased),
// practice log (notes erased) and questionnaire answers (ratings and
// choices kept, free text and name erased), all under anon.
func (s *Store) anonymiseProgrammeRecords(ctx context.Context, setID, userID, anon string, er *bot.Erasure) error {
	if m, err := s.GetMembership(ctx, bot.MembershipID(setID, userID)); err == nil {
		m.ID, m.UserID, m.Name = bot.MembershipID(setID, anon), anon, ""
		if m.Withdrawn != nil {
			m.Withdrawn.Reason, m.Withdrawn.By = "", ""
		}
		if err := s.PutMembership(ctx, m); err != nil {
			return err
		}
		if err := s.deleteID(ctx, collMemberships, bot.MembershipID(setID, userID)); err != nil {
			return err
		}
		er.Other++
	} else if bot.ErrorCode(err) != bot.ENOTFOUND {
		return err
	}

	entries, err := s.ListLogEntries(ctx, setID)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.UserID != userID {
			continue
		}
		old := e.ID
		e.ID, e.UserID, e.Note = bot.LogEntryID(setID, anon, e.Kind, e.LoggedAt), anon, ""
		if err := s.AddLogEntry(ctx, e); err != nil && bot.ErrorCode(err) != bot.EEXISTS {
			return err
		}
		if err := s.deleteID(ctx, collPracticeLog, old); err != nil {
			return err
		}
		er.Other++
	}

	var answers []*bot.Answer
	answers, err = list[bot.Answer](ctx, s.db.Collection(collAnswers), bson.D{{Key: "set_id", Value: setID}, {Key: "user_id", Value: userID}},
		bson.D{{Key: "_id", Value: 1}}, "list answers")
	if err != nil {
		return err
	}
	for _, a := range answers {
		q, err := s.GetQuestionnaire(ctx, a.QuestionnaireID)
		if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
			return err
		}
		for k := range a.Values {
			if q == nil || q.Question(k) == nil || q.Question(k).Kind == bot.QuestionText {
				delete(a.Values, k)
			}
		}
		old := a.ID
		// Anonymous ids are per set: the key keeps the set so two sets'
		// "anon-1" do not collide on a programme-wide questionnaire.
		a.ID, a.UserID, a.Name, a.ShowName = bot.AnswerID(a.QuestionnaireID, setID+"/"+anon), anon, "", false
		if err := s.InsertAnswer(ctx, a); err != nil && bot.ErrorCode(err) != bot.EEXISTS {
			return err
		}
		if err := s.deleteID(ctx, collAnswers, old); err != nil {
			return err
		}
		er.Other++
	}
	return nil
}

// forgetProgrammeRoles takes userID out of programme-wide documents: the
// leads of programmes (a programme keeps an anonymous lead rather than
// none), who added a set or wrote a questionnaire, and questionnaire
// recipients (replaced, so response rates keep their denominator).
func (s *Store) forgetProgrammeRoles(ctx context.Context, userID string) error {
	progs, err := s.FindProgrammes(ctx, "", "")
	if err != nil {
		return err
	}
	for _, p := range progs {
		links, err := s.ListProgrammeSets(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, l := range links {
			if l.AddedBy == userID {
				l.AddedBy = ""
				if err := s.replaceByID(ctx, collProgrammeSets, l.SetID, l); err != nil {
					return err
				}
			}
		}
		qs, err := s.ListQuestionnaires(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, q := range qs {
			if q.CreatedBy == userID {
				q.CreatedBy = ""
				if err := s.replaceByID(ctx, collQuestionnaires, q.ID, q); err != nil {
					return err
				}
			}
		}
		sends, err := s.ListSends(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, sd := range sends {
			i := slices.Index(sd.Recipients, userID)
			if i < 0 && sd.SentBy != userID {
				continue
			}
			if i >= 0 {
				sd.Recipients[i] = "anon-recipient"
			}
			if sd.SentBy == userID {
				sd.SentBy = ""
			}
			if err := s.replaceByID(ctx, collSends, sd.ID, sd); err != nil {
				return err
			}
		}
		if !p.IsLead(userID) {
			continue
		}
		for try := 0; ; try++ {
			for i := range p.Leads {
				if p.Leads[i].ID == userID {
					p.Leads[i] = bot.UserRef{ID: "anon-lead", Name: "a former lead"}
				}
			}
			err := s.SaveProgramme(ctx, p)
			if err == nil {
				break
			}
			if bot.ErrorCode(err) != bot.ECONFLICT || try == saveTries-1 {
				return err
			}
			if p, err = s.GetProgramme(ctx, p.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// purgeProgrammeTexts erases the texts a set's programme records hold
// (retention): withdrawal reasons, practice log notes, free-text answers
// of the set's respondents.
func (s *Store) purgeProgrammeTexts(ctx context.Context, setID string) (int, error) {
	n := 0
	ms, err := s.ListMemberships(ctx, setID)
	if err != nil {
		return n, err
	}
	for _, m := range ms {
		if m.Withdrawn != nil && m.Withdrawn.Reason != "" {
			m.Withdrawn.Reason = ""
			if err := s.PutMembership(ctx, m); err != nil {
				return n, err
			}
			n++
		}
	}
	entries, err := s.ListLogEntries(ctx, setID)
	if err != nil {
		return n, err
	}
	for _, e := range entries {
		if e.Note != "" {
			e.Note = ""
			if err := s.replaceByID(ctx, collPracticeLog, e.ID, e); err != nil {
				return n, err
			}
			n++
		}
	}
	answers, err := list[bot.Answer](ctx, s.db.Collection(collAnswers), bson.D{{Key: "set_id", Value: setID}}, bson.D{{Key: "_id", Value: 1}}, "list answers")
	if err != nil {
		return n, err
	}
	for _, a := range answers {
		q, err := s.GetQuestionnaire(ctx, a.QuestionnaireID)
		if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
			return n, err
		}
		changed := false
		for k := range a.Values {
			if q == nil || q.Question(k) == nil || q.Question(k).Kind == bot.QuestionText {
				delete(a.Values, k)
				changed = true
			}
		}
		if changed {
			a.Name = ""
			if err := s.ReplaceAnswer(ctx, a); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// deleteID deletes document id of coll.
func (s *Store) deleteID(ctx context.Context, coll, id string) error {
	_, err := s.db.Collection(coll).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return mapErr(err, "delete from "+coll)
}

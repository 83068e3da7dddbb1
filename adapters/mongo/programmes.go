package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alsbot/alsbot/bot"
)

// Collections of programmes. Every document a command reads on its hot path
// is read by _id (natural keys: the set's id for its programme link,
// "<set>/<user>" for a membership, "<questionnaire>/<user>" for an answer);
// the lists are read only for an overview or the report.
const (
	collProgrammes     = "programmes"
	collProgrammeSets  = "programme_sets" // _id: set id, so a set is in at most one programme
	collMemberships    = "memberships"
	collQuestionnaires = "questionnaires"
	collSends          = "questionnaire_sends"
	collAnswers        = "answers" // _id: "<questionnaire>/<user>": one answer each, inserted into the _id index
	collPracticeLog    = "practice_log"
)

var _ bot.ProgrammeStore = (*Store)(nil)

// programmeIndexes are created by Open with the others.
func programmeIndexes() []collIndex {
	return []collIndex{
		{collProgrammes, bson.D{{Key: "leads.id", Value: 1}}},
		{collProgrammeSets, bson.D{{Key: "programme_id", Value: 1}}},
		{collMemberships, bson.D{{Key: "set_id", Value: 1}}},
		{collQuestionnaires, bson.D{{Key: "programme_id", Value: 1}}},
		{collSends, bson.D{{Key: "programme_id", Value: 1}}},
		{collAnswers, bson.D{{Key: "programme_id", Value: 1}, {Key: "questionnaire_id", Value: 1}}},
		{collPracticeLog, bson.D{{Key: "set_id", Value: 1}, {Key: "date", Value: 1}}},
	}
}

// CreateProgramme stores a new programme; EEXISTS when its name is taken.
func (s *Store) CreateProgramme(ctx context.Context, p *bot.Programme) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	return s.insert(ctx, collProgrammes, "programme", p)
}

// GetProgramme reads programme id.
func (s *Store) GetProgramme(ctx context.Context, id string) (*bot.Programme, error) {
	return getDoc[bot.Programme](ctx, s, collProgrammes, "programme", id)
}

// SaveProgramme writes p when the stored version equals p.Version and then
// increments p.Version; ECONFLICT on a stale version.
func (s *Store) SaveProgramme(ctx context.Context, p *bot.Programme) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	doc := *p
	doc.Version++
	if err := s.replace(ctx, collProgrammes, "programme", p.ID, p.Version, &doc); err != nil {
		return err
	}
	p.Version = doc.Version
	return nil
}

// FindProgrammes returns the programmes of platform (any when empty) that
// userID leads (every one when empty), by creation.
func (s *Store) FindProgrammes(ctx context.Context, platform bot.Platform, userID string) ([]*bot.Programme, error) {
	filter := where(where(bson.D{}, "platform", platform), "leads.id", userID)
	return list[bot.Programme](ctx, s.db.Collection(collProgrammes), filter,
		bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}, "find programmes")
}

// AddProgrammeSet links a set to a programme by inserting the set's id into
// the _id index: of two people adding one set at once, exactly one wins.
func (s *Store) AddProgrammeSet(ctx context.Context, ps *bot.ProgrammeSet) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	return s.insert(ctx, collProgrammeSets, "set's programme", ps)
}

// ProgrammeOfSet reads the programme link of set setID.
func (s *Store) ProgrammeOfSet(ctx context.Context, setID string) (*bot.ProgrammeSet, error) {
	return getDoc[bot.ProgrammeSet](ctx, s, collProgrammeSets, "set's programme", setID)
}

// ListProgrammeSets returns a programme's set links by the time they were added.
func (s *Store) ListProgrammeSets(ctx context.Context, programmeID string) ([]*bot.ProgrammeSet, error) {
	return list[bot.ProgrammeSet](ctx, s.db.Collection(collProgrammeSets), bson.D{{Key: "programme_id", Value: programmeID}},
		bson.D{{Key: "added_at", Value: 1}, {Key: "_id", Value: 1}}, "list programme sets")
}

// PutMembership stores m by its _id, replacing the earlier one.
func (s *Store) PutMembership(ctx context.Context, m *bot.Membership) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	return s.put(ctx, collMemberships, "membership", m.ID, m)
}

// GetMembership reads membership id.
func (s *Store) GetMembership(ctx context.Context, id string) (*bot.Membership, error) {
	return getDoc[bot.Membership](ctx, s, collMemberships, "membership", id)
}

// ListMemberships returns a set's memberships by user id.
func (s *Store) ListMemberships(ctx context.Context, setID string) ([]*bot.Membership, error) {
	return list[bot.Membership](ctx, s.db.Collection(collMemberships), bson.D{{Key: "set_id", Value: setID}},
		bson.D{{Key: "user_id", Value: 1}}, "list memberships")
}

// CreateQuestionnaire stores a new questionnaire; EEXISTS when its name is taken.
func (s *Store) CreateQuestionnaire(ctx context.Context, q *bot.Questionnaire) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	return s.insert(ctx, collQuestionnaires, "questionnaire", q)
}

// GetQuestionnaire reads questionnaire id.
func (s *Store) GetQuestionnaire(ctx context.Context, id string) (*bot.Questionnaire, error) {
	return getDoc[bot.Questionnaire](ctx, s, collQuestionnaires, "questionnaire", id)
}

// ListQuestionnaires returns a programme's questionnaires by name.
func (s *Store) ListQuestionnaires(ctx context.Context, programmeID string) ([]*bot.Questionnaire, error) {
	return list[bot.Questionnaire](ctx, s.db.Collection(collQuestionnaires), bson.D{{Key: "programme_id", Value: programmeID}},
		bson.D{{Key: "name", Value: 1}}, "list questionnaires")
}

// CreateSend stores a new sending; EEXISTS when its id is taken.
func (s *Store) CreateSend(ctx context.Context, qs *bot.QuestionnaireSend) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	return s.insert(ctx, collSends, "questionnaire sending", qs)
}

// GetSend reads sending id.
func (s *Store) GetSend(ctx context.Context, id string) (*bot.QuestionnaireSend, error) {
	return getDoc[bot.QuestionnaireSend](ctx, s, collSends, "questionnaire sending", id)
}

// SaveSend is SaveProgramme for sendings.
func (s *Store) SaveSend(ctx context.Context, qs *bot.QuestionnaireSend) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	doc := *qs
	doc.Version++
	if err := s.replace(ctx, collSends, "questionnaire sending", qs.ID, qs.Version, &doc); err != nil {
		return err
	}
	qs.Version = doc.Version
	return nil
}

// ListSends returns a programme's sendings by time sent.
func (s *Store) ListSends(ctx context.Context, programmeID string) ([]*bot.QuestionnaireSend, error) {
	return list[bot.QuestionnaireSend](ctx, s.db.Collection(collSends), bson.D{{Key: "programme_id", Value: programmeID}},
		bson.D{{Key: "sent_at", Value: 1}, {Key: "_id", Value: 1}}, "list questionnaire sendings")
}

// InsertAnswer stores a first answer by inserting into the _id index, so
// two submissions of one person at once keep exactly one; EEXISTS when the
// person has answered already (the caller then replaces, if still open).
func (s *Store) InsertAnswer(ctx context.Context, a *bot.Answer) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	return s.insert(ctx, collAnswers, "answer", a)
}

// ReplaceAnswer overwrites an existing answer by _id.
func (s *Store) ReplaceAnswer(ctx context.Context, a *bot.Answer) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	defer s.lockDoc(collAnswers, a.ID)()
	res, err := s.db.Collection(collAnswers).ReplaceOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, a)
	if err != nil {
		return mapErr(err, "save answer")
	}
	if res.MatchedCount == 0 {
		return notFound("answer")
	}
	return nil
}

// GetAnswer reads answer id.
func (s *Store) GetAnswer(ctx context.Context, id string) (*bot.Answer, error) {
	return getDoc[bot.Answer](ctx, s, collAnswers, "answer", id)
}

// ListAnswers returns a programme's answers by questionnaire, then user.
func (s *Store) ListAnswers(ctx context.Context, programmeID string) ([]*bot.Answer, error) {
	return list[bot.Answer](ctx, s.db.Collection(collAnswers), bson.D{{Key: "programme_id", Value: programmeID}},
		bson.D{{Key: "questionnaire_id", Value: 1}, {Key: "user_id", Value: 1}}, "list answers")
}

// AddLogEntry stores a new practice log entry; EEXISTS when its id is taken.
func (s *Store) AddLogEntry(ctx context.Context, e *bot.LogEntry) error {
	if err := s.beforeWrite(ctx); err != nil {
		return err
	}
	return s.insert(ctx, collPracticeLog, "practice log entry", e)
}

// ListLogEntries returns a set's practice log by date, then log time.
func (s *Store) ListLogEntries(ctx context.Context, setID string) ([]*bot.LogEntry, error) {
	return list[bot.LogEntry](ctx, s.db.Collection(collPracticeLog), bson.D{{Key: "set_id", Value: setID}},
		bson.D{{Key: "date", Value: 1}, {Key: "logged_at", Value: 1}}, "list practice log")
}

// put writes doc under id, inserting or replacing it, in one round trip.
func (s *Store) put(ctx context.Context, coll, what, id string, doc any) error {
	defer s.lockDoc(coll, id)()
	_, err := s.db.Collection(coll).ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc, options.Replace().SetUpsert(true))
	return mapErr(err, "store "+what)
}

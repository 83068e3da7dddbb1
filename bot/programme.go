package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Programme is a commissioned run of several sets (e.g. a West and an East
// set of front-line managers from many organisations), evaluated as one.
// Its ID is the natural key "<platform>:programme:<slug of the name>", so a
// programme is read by _id and two programmes of one name cannot exist.
// Which sets belong to it is kept as one ProgrammeSet document per set, so
// "a set belongs to at most one programme" is a unique index, not a check.
type Programme struct {
	ID          string    `bson:"_id"`
	Name        string    `bson:"name"`
	Platform    Platform  `bson:"platform"`
	Leads       []UserRef `bson:"leads"`
	PracticeLog bool      `bson:"practice_log,omitempty"` // members may `log visit` / `log group-supervision`
	CreatedAt   time.Time `bson:"created_at"`
	Version     int64     `bson:"version"` // compare-and-set, as Set.Version
}

// ProgrammeID is the natural key of the programme called name on platform.
func ProgrammeID(platform Platform, name string) string {
	return string(platform) + ":programme:" + Slug(name)
}

// Slug lower-cases name and joins its words with '-': "West  Set" -> "west-set".
func Slug(name string) string {
	return strings.Join(strings.Fields(strings.ToLower(name)), "-")
}

// IsLead reports whether user id leads the programme.
func (p *Programme) IsLead(id string) bool {
	return slices.ContainsFunc(p.Leads, func(u UserRef) bool { return u.ID == id })
}

// ProgrammeSet records that a set belongs to a programme. Its ID is the
// set's id: inserting it into the _id index is what keeps a set in at most
// one programme, even when two people add it at the same moment.
type ProgrammeSet struct {
	SetID       string    `bson:"_id"`
	ProgrammeID string    `bson:"programme_id"`
	AddedBy     string    `bson:"added_by"`
	AddedAt     time.Time `bson:"added_at"`
}

// Membership is what a programme knows of one member of one set beyond the
// set's own document: their organisation and, when they left, the
// withdrawal. It outlives the member's role in the set, so that members who
// started and withdrew are still counted. Its ID is "<set id>/<user id>".
type Membership struct {
	ID        string      `bson:"_id"`
	SetID     string      `bson:"set_id"`
	UserID    string      `bson:"user_id"`
	Name      string      `bson:"name,omitempty"`
	Org       string      `bson:"org,omitempty"`
	Withdrawn *Withdrawal `bson:"withdrawn,omitempty"`
	UpdatedAt time.Time   `bson:"updated_at"`
}

// MembershipID is the natural key of user's membership of set setID.
func MembershipID(setID, userID string) string { return setID + "/" + userID }

// Withdrawal is a member leaving a set before its end. Reason is
// confidential to the set's facilitators: it is never shown in programme
// figures or the report.
type Withdrawal struct {
	Date   string    `bson:"date"` // YYYY-MM-DD in the set's zone
	Reason string    `bson:"reason,omitempty"`
	By     string    `bson:"by"` // the facilitator who recorded it
	At     time.Time `bson:"at"`
}

// MaxOrgLen is the longest organisation name kept.
const MaxOrgLen = 120

// CheckOrg validates an organisation name and returns it trimmed.
func CheckOrg(org string) (string, error) {
	org = strings.Join(strings.Fields(org), " ")
	switch {
	case org == "":
		return "", Errorf(EINVALID, "Give the organisation's name, e.g. `my org \"Bristol City Council\"`.")
	case len(org) > MaxOrgLen:
		return "", Errorf(EINVALID, "That organisation name is %d characters long; keep it to %d.", len(org), MaxOrgLen)
	}
	return org, nil
}

// QuestionKind is the kind of a questionnaire question.
type QuestionKind string

const (
	QuestionScale  QuestionKind = "scale"  // 1 to 5, with labels
	QuestionChoice QuestionKind = "choice" // one of Options
	QuestionText   QuestionKind = "text"   // free text, confidential
)

// Question is one question of a questionnaire. Outcome, on a scale question,
// names the programme outcome it rates (Outcomes), so that the same outcome
// asked before and after the programme can be compared.
type Question struct {
	ID       string       `json:"id" bson:"id"`
	Kind     QuestionKind `json:"kind" bson:"kind"`
	Text     string       `json:"text" bson:"text"`
	Labels   []string     `json:"labels,omitempty" bson:"labels,omitempty"`   // scale: five labels, 1 to 5
	Options  []string     `json:"options,omitempty" bson:"options,omitempty"` // choice
	Required bool         `json:"required,omitempty" bson:"required,omitempty"`
	Outcome  string       `json:"outcome,omitempty" bson:"outcome,omitempty"`
}

// Stage says when in a programme a questionnaire is asked; outcome change
// compares an outcome's "before" answers with its "after" answers.
type Stage string

const (
	StageNone   Stage = ""
	StageBefore Stage = "before"
	StageAfter  Stage = "after"
)

// Questionnaire is a set of questions a programme asks one role. Its ID is
// "<programme id>/<name>".
type Questionnaire struct {
	ID          string     `json:"-" bson:"_id"`
	ProgrammeID string     `json:"-" bson:"programme_id"`
	Name        string     `json:"name" bson:"name"`
	Title       string     `json:"title" bson:"title"`
	Intro       string     `json:"intro,omitempty" bson:"intro,omitempty"`
	Role        Role       `json:"role" bson:"role"` // who it is written for: member or mentor
	Stage       Stage      `json:"stage,omitempty" bson:"stage,omitempty"`
	Questions   []Question `json:"questions" bson:"questions"`
	CreatedBy   string     `json:"-" bson:"created_by"`
	CreatedAt   time.Time  `json:"-" bson:"created_at"`
}

// QuestionnaireID is the natural key of the questionnaire name of programme.
func QuestionnaireID(programmeID, name string) string { return programmeID + "/" + Slug(name) }

// Question returns the question with id, or nil.
func (q *Questionnaire) Question(id string) *Question {
	for i := range q.Questions {
		if q.Questions[i].ID == id {
			return &q.Questions[i]
		}
	}
	return nil
}

// Outcome is one of the outcomes a programme aims for.
type Outcome struct{ Key, Label string }

// Outcomes are the six outcomes the programme's evaluation asks about: the
// keys outcome questions use, and how the report names them, in the order
// the report lists them.
func Outcomes() []Outcome {
	return []Outcome{
		{"analytical", "Managers more analytical, reflective and enquiring"},
		{"supervision", "More creative supervision"},
		{"standards", "A model of practice standards"},
		{"recording", "Better recording, analysis and consistency of thresholds"},
		{"decisions", "Better decision-making"},
		{"sharing", "Learning shared across the region"},
	}
}

// OutcomeLabel returns the label of outcome key, or the key itself.
func OutcomeLabel(key string) string {
	for _, o := range Outcomes() {
		if o.Key == key {
			return o.Label
		}
	}
	return key
}

// Limits of a questionnaire.
const (
	MaxQuestions     = 30
	MaxQuestionLen   = 300
	MaxOptions       = 10
	MaxOptionLen     = 75 // Slack's option text limit
	MaxAnswerTextLen = MaxTextLen
)

// Validate checks a questionnaire and says what is wrong in one sentence.
func (q *Questionnaire) Validate() error {
	bad := func(format string, args ...any) error {
		return Errorf(EINVALID, "Questionnaire %q: %s", q.Name, fmt.Sprintf(format, args...))
	}
	if Slug(q.Name) == "" {
		return Errorf(EINVALID, "A questionnaire needs a name.")
	}
	if strings.TrimSpace(q.Title) == "" {
		return bad("give it a title.")
	}
	if q.Role != RoleMember && q.Role != RoleMentor {
		return bad("role must be %q or %q, not %q.", RoleMember, RoleMentor, q.Role)
	}
	if q.Stage != StageNone && q.Stage != StageBefore && q.Stage != StageAfter {
		return bad("stage must be %q, %q or empty, not %q.", StageBefore, StageAfter, q.Stage)
	}
	if len(q.Questions) == 0 || len(q.Questions) > MaxQuestions {
		return bad("it needs 1 to %d questions, not %d.", MaxQuestions, len(q.Questions))
	}
	seen := map[string]bool{}
	for i, qu := range q.Questions {
		n := i + 1
		switch {
		case qu.ID == "" || strings.ContainsAny(qu.ID, " ./$"):
			return bad("question %d needs an id without spaces, dots or '$'.", n)
		case seen[qu.ID]:
			return bad("question id %q is used twice.", qu.ID)
		case strings.TrimSpace(qu.Text) == "" || len(qu.Text) > MaxQuestionLen:
			return bad("question %q needs a text of 1 to %d characters.", qu.ID, MaxQuestionLen)
		}
		seen[qu.ID] = true
		switch qu.Kind {
		case QuestionScale:
			if len(qu.Labels) != 5 {
				return bad("scale question %q needs five labels (for 1 to 5), not %d.", qu.ID, len(qu.Labels))
			}
		case QuestionChoice:
			if len(qu.Options) < 2 || len(qu.Options) > MaxOptions {
				return bad("choice question %q needs 2 to %d options, not %d.", qu.ID, MaxOptions, len(qu.Options))
			}
			for _, o := range qu.Options {
				if strings.TrimSpace(o) == "" || len(o) > MaxOptionLen {
					return bad("an option of %q is empty or longer than %d characters.", qu.ID, MaxOptionLen)
				}
			}
		case QuestionText:
		default:
			return bad("question %q has kind %q; use scale, choice or text.", qu.ID, qu.Kind)
		}
		if qu.Outcome != "" {
			if qu.Kind != QuestionScale {
				return bad("question %q names an outcome but is not a scale question.", qu.ID)
			}
			if OutcomeLabel(qu.Outcome) == qu.Outcome {
				return bad("question %q names the unknown outcome %q.", qu.ID, qu.Outcome)
			}
		}
	}
	return nil
}

// Scope is who a questionnaire is sent to: the members or mentors of one
// set, or of every set of the programme.
type Scope string

const (
	ScopeSet       Scope = "set"
	ScopeProgramme Scope = "programme"
)

// QuestionnaireSend is one sending of a questionnaire to a role. Its ID is
// "<questionnaire id>/<role>/<set id or 'programme'>"; sending again to the
// same people extends the close date rather than making a second sending.
type QuestionnaireSend struct {
	ID              string    `bson:"_id"`
	QuestionnaireID string    `bson:"questionnaire_id"`
	ProgrammeID     string    `bson:"programme_id"`
	Role            Role      `bson:"role"`
	Scope           Scope     `bson:"scope"`
	SetID           string    `bson:"set_id,omitempty"` // with ScopeSet
	Recipients      []string  `bson:"recipients"`       // user ids, as sent
	SentBy          string    `bson:"sent_by"`
	SentAt          time.Time `bson:"sent_at"`
	Closes          time.Time `bson:"closes"`    // answers are taken (and changed) until then
	Reminders       int       `bson:"reminders"` // reminders sent so far, at most MaxReminders
	Version         int64     `bson:"version"`
}

// MaxReminders is how many reminders a recipient gets before the close date.
const MaxReminders = 2

// DefaultAnswerWindow is how long a questionnaire is open when no date is given.
const DefaultAnswerWindow = 14 * 24 * time.Hour

// SendID is the natural key of a sending of questionnaire qid.
func SendID(qid string, role Role, scope Scope, setID string) string {
	where := "programme"
	if scope == ScopeSet {
		where = setID
	}
	return qid + "/" + string(role) + "/" + where
}

// Open reports whether answers are still taken at t.
func (s *QuestionnaireSend) Open(t time.Time) bool { return t.Before(s.Closes) }

// Answer is one person's answers to one questionnaire: its own document
// under "<questionnaire id>/<user id>", inserted into the _id index (so two
// submissions at once keep one) and replaced by its author until the
// questionnaire closes. Answers are confidential: figures and comments are
// shown without the author unless ShowName is set.
type Answer struct {
	ID              string            `bson:"_id"`
	QuestionnaireID string            `bson:"questionnaire_id"`
	ProgrammeID     string            `bson:"programme_id"`
	SetID           string            `bson:"set_id"` // the respondent's set
	UserID          string            `bson:"user_id"`
	Role            Role              `bson:"role"`
	Values          map[string]string `bson:"values"`              // question id -> "1".."5", an option, or text
	ShowName        bool              `bson:"show_name,omitempty"` // the respondent agreed to be named beside their comments
	Name            string            `bson:"name,omitempty"`      // kept only when ShowName
	At              time.Time         `bson:"at"`
	UpdatedAt       time.Time         `bson:"updated_at"`
}

// AnswerID is the natural key of user's answer to questionnaire qid.
func AnswerID(qid, userID string) string { return qid + "/" + userID }

// ShowNameField is the form field in which a respondent agrees to be named.
const ShowNameField = "show_name"

// CheckAnswers validates submitted form values against q and returns the
// values to keep (unknown fields dropped, texts trimmed).
func (q *Questionnaire) CheckAnswers(values map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for _, qu := range q.Questions {
		v := strings.TrimSpace(values[qu.ID])
		if v == "" {
			if qu.Required {
				return nil, Errorf(EINVALID, "Please answer %q; nothing was saved.", qu.Text)
			}
			continue
		}
		switch qu.Kind {
		case QuestionScale:
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 5 {
				return nil, Errorf(EINVALID, "The answer to %q must be a number from 1 to 5; nothing was saved.", qu.Text)
			}
		case QuestionChoice:
			if !slices.Contains(qu.Options, v) {
				return nil, Errorf(EINVALID, "The answer to %q must be one of: %s; nothing was saved.", qu.Text, strings.Join(qu.Options, ", "))
			}
		case QuestionText:
			if len(v) > MaxAnswerTextLen {
				return nil, Errorf(EINVALID, "The answer to %q is %d characters long; keep it to %d. Nothing was saved.", qu.Text, len(v), MaxAnswerTextLen)
			}
		}
		out[qu.ID] = v
	}
	if len(out) == 0 {
		return nil, Errorf(EINVALID, "The form came back empty; nothing was saved.")
	}
	return out, nil
}

// QuestionnaireForm is the DM form a recipient fills in: one field per
// question (scales and choices as choices, texts as multi-line text), the
// earlier answers as starting values, and a last choice whether their name
// may be shown beside their comments (default no). Submitting it runs
// "questionnaire answer <name>" in the recipient's set.
func QuestionnaireForm(q *Questionnaire, setID string, earlier *Answer) *Form {
	f := &Form{
		ID:      "questionnaire",
		Title:   q.Title,
		Submit:  "Send",
		Command: "questionnaire answer " + Slug(q.Name),
		SetID:   setID,
	}
	val := func(id string) string {
		if earlier == nil {
			return ""
		}
		return earlier.Values[id]
	}
	for _, qu := range q.Questions {
		ff := FormField{Name: qu.ID, Label: qu.Text, Required: qu.Required, Value: val(qu.ID)}
		switch qu.Kind {
		case QuestionScale:
			ff.Kind = FieldChoice
			for i, l := range qu.Labels {
				n := strconv.Itoa(i + 1)
				ff.Options = append(ff.Options, Option{Label: n + " " + l, Value: n})
			}
		case QuestionChoice:
			ff.Kind = FieldChoice
			for _, o := range qu.Options {
				ff.Options = append(ff.Options, Option{Label: o, Value: o})
			}
		default:
			ff.Kind, ff.Multiline, ff.MaxLen = FieldText, true, MaxAnswerTextLen
		}
		f.Fields = append(f.Fields, ff)
	}
	show := "no"
	if earlier != nil && earlier.ShowName {
		show = "yes"
	}
	f.Fields = append(f.Fields, FormField{
		Name: ShowNameField, Label: "May the report show your name beside your comments?", Kind: FieldChoice, Required: true, Value: show,
		Options: []Option{{Label: "No, keep my comments anonymous", Value: "no"}, {Label: "Yes, show my name", Value: "yes"}},
	})
	return f
}

// LogKind is a kind of practice log entry.
type LogKind string

const (
	LogVisit            LogKind = "visit"             // accompanied a social worker on a visit
	LogGroupSupervision LogKind = "group-supervision" // ran a group supervision
)

// LogEntry is a member's practice log entry between sessions. Its ID is
// "<set id>/log/<user id>/<kind>/<logged at, unix nanoseconds>". The note is
// confidential like a commitment: the author and the set's facilitators.
type LogEntry struct {
	ID       string    `bson:"_id"`
	SetID    string    `bson:"set_id"`
	UserID   string    `bson:"user_id"`
	Kind     LogKind   `bson:"kind"`
	Date     string    `bson:"date"` // YYYY-MM-DD in the set's zone
	Note     string    `bson:"note,omitempty"`
	LoggedAt time.Time `bson:"logged_at"`
}

// LogEntryID is the natural key of user's practice log entry of kind at t.
func LogEntryID(setID, userID string, kind LogKind, t time.Time) string {
	return setID + "/log/" + userID + "/" + string(kind) + "/" + strconv.FormatInt(t.UnixNano(), 10)
}

// ProgrammeStore keeps programmes and what they add to sets.
type ProgrammeStore interface {
	CreateProgramme(ctx context.Context, p *Programme) error // EEXISTS when the name is taken
	GetProgramme(ctx context.Context, id string) (*Programme, error)
	SaveProgramme(ctx context.Context, p *Programme) error // compare-and-set on Version
	// FindProgrammes returns the programmes user id leads, or every one with
	// an empty id.
	FindProgrammes(ctx context.Context, platform Platform, userID string) ([]*Programme, error)

	// AddProgrammeSet records that a set belongs to a programme; EEXISTS
	// when the set already belongs to one (this or another).
	AddProgrammeSet(ctx context.Context, ps *ProgrammeSet) error
	// ProgrammeOfSet returns the programme link of a set; ENOTFOUND when none.
	ProgrammeOfSet(ctx context.Context, setID string) (*ProgrammeSet, error)
	ListProgrammeSets(ctx context.Context, programmeID string) ([]*ProgrammeSet, error) // by time added

	// PutMembership stores m, replacing the one with the same ID.
	PutMembership(ctx context.Context, m *Membership) error
	GetMembership(ctx context.Context, id string) (*Membership, error)
	ListMemberships(ctx context.Context, setID string) ([]*Membership, error)

	CreateQuestionnaire(ctx context.Context, q *Questionnaire) error // EEXISTS when the name is taken
	GetQuestionnaire(ctx context.Context, id string) (*Questionnaire, error)
	ListQuestionnaires(ctx context.Context, programmeID string) ([]*Questionnaire, error) // by name

	CreateSend(ctx context.Context, s *QuestionnaireSend) error // EEXISTS when the id is taken
	GetSend(ctx context.Context, id string) (*QuestionnaireSend, error)
	SaveSend(ctx context.Context, s *QuestionnaireSend) error // compare-and-set on Version
	ListSends(ctx context.Context, programmeID string) ([]*QuestionnaireSend, error)

	// InsertAnswer stores a first answer; EEXISTS when the person answered.
	InsertAnswer(ctx context.Context, a *Answer) error
	// ReplaceAnswer overwrites an existing answer by _id; ENOTFOUND when none.
	ReplaceAnswer(ctx context.Context, a *Answer) error
	GetAnswer(ctx context.Context, id string) (*Answer, error)
	ListAnswers(ctx context.Context, programmeID string) ([]*Answer, error) // by questionnaire, then user

	AddLogEntry(ctx context.Context, e *LogEntry) error // EEXISTS when the id is taken
	ListLogEntries(ctx context.Context, setID string) ([]*LogEntry, error)
}

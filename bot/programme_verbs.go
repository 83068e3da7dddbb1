package bot

import (
	"errors"
	"strconv"
	"strings"
)

// The verbs of programmes (issue 16): programmes of sets, organisations and
// withdrawals, questionnaires and the practice log. registry.go appends
// programmeSpecs to the registry.

const (
	VerbProgramme            Verb = "programme"
	VerbProgrammeCreate      Verb = "programme create"
	VerbProgrammeAddSet      Verb = "programme add-set"
	VerbProgrammeLead        Verb = "programme lead"
	VerbProgrammeReport      Verb = "programme report"
	VerbProgrammePracticeLog Verb = "programme practice-log"
	VerbMemberOrg            Verb = "member"
	VerbMyOrg                Verb = "my org"
	VerbLogVisit             Verb = "log visit"
	VerbLogGroupSupervision  Verb = "log group-supervision"
	VerbQuestionnaireCreate  Verb = "questionnaire create"
	VerbQuestionnaireSend    Verb = "questionnaire send"
	VerbQuestionnaireAnswer  Verb = "questionnaire answer"
	VerbQuestionnaires       Verb = "questionnaires"
)

const (
	groupProgrammes     = "Programmes"
	maxProgrammeNameLen = 80
	programmeAnyone     = RoleAnyone // programme verbs check leads and facilitators themselves
)

// ProgrammeNameArgs: programme create <name>, programme [<name>],
// programme report [<name>]; Name is empty when not given.
type ProgrammeNameArgs struct{ Name string }

// ProgrammeAddSetArgs: programme add-set [<set>] [to <programme>].
type ProgrammeAddSetArgs struct{ Set, Programme string }

// ProgrammeLeadArgs: programme lead add @a.
type ProgrammeLeadArgs struct{ People []string }

// PracticeLogArgs: programme practice-log on|off.
type PracticeLogArgs struct{ On bool }

// MemberOrgArgs: member @a org "<organisation>".
type MemberOrgArgs struct{ Person, Org string }

// MyOrgArgs: my org <organisation>.
type MyOrgArgs struct{ Org string }

// LogArgs: log visit|group-supervision [<date>] [<note>].
type LogArgs struct {
	Kind LogKind
	Date DateSpec // zero: today; resolved into the past (ResolvePast)
	Note string
}

// QuestionnaireCreateArgs: questionnaire create <name> from <ready one>, or
// questionnaire create <name> for members|mentors [before|after]: <questions>,
// or questionnaire create {<the file format>}. Exactly one of From,
// Questionnaire is set.
type QuestionnaireCreateArgs struct {
	Name          string
	From          string         // a shipped questionnaire's name
	Questionnaire *Questionnaire // written inline (Name, Role, Stage, Questions; ids q1, q2...)
	JSON          string         // the file format, pasted
}

// QuestionnaireSendArgs: questionnaire send <name> to members|mentors
// [set|programme] [by <date>].
type QuestionnaireSendArgs struct {
	Name  string
	Role  Role
	Scope Scope    // "" when not given: the programme for a lead, else the set
	By    DateSpec // zero: the default answer window; resolved into the future
}

// QuestionnaireAnswerArgs: questionnaire answer <name> <id>=<value>...
// (typed), or the questionnaire form's values.
type QuestionnaireAnswerArgs struct {
	Name   string
	Values map[string]string
}

// programmeSpecs are the registry entries of the programme verbs, in help
// order; registry.go appends them to its table.
func programmeSpecs() []Spec {
	return []Spec{
		{Verb: VerbProgrammeCreate, Group: groupProgrammes, Usage: "programme create <name>", Desc: "Creates a programme of sets; you become its lead.", Example: "programme create South West 2026",
			Anywhere: true, Role: programmeAnyone, Writes: true, parse: parseProgrammeName(true)},
		{Verb: VerbProgrammeAddSet, Group: groupProgrammes, Usage: "programme add-set [<set>] [to <programme>]", Desc: "Adds a set (this channel's by default) to a programme (the one you lead by default); by its facilitator or the lead.", Example: "programme add-set West set to South West 2026",
			Anywhere: true, Role: programmeAnyone, Writes: true, parse: parseProgrammeAddSet},
		{Verb: VerbProgrammeLead, Group: groupProgrammes, Usage: "programme lead add @a", Desc: "Adds a lead to your programme.", Example: "programme lead add @lee",
			Anywhere: true, Role: programmeAnyone, Writes: true, parse: parseProgrammeLead},
		{Verb: VerbProgramme, Group: groupProgrammes, Usage: "programme [<name>]", Desc: "The programme's figures by set, organisation and overall (leads only).", Example: "programme",
			Anywhere: true, Role: programmeAnyone, OnArchived: true, parse: parseProgrammeName(false)},
		{Verb: VerbProgrammeReport, Group: groupProgrammes, Usage: "programme report [<name>]", Desc: "The programme's evaluation report, one HTML file (leads only).", Example: "programme report",
			Anywhere: true, Role: programmeAnyone, OnArchived: true, parse: parseProgrammeName(false)},
		{Verb: VerbProgrammePracticeLog, Group: groupProgrammes, Usage: "programme practice-log on|off", Desc: "Whether members of the programme's sets keep a practice log.", Example: "programme practice-log on",
			Anywhere: true, Role: programmeAnyone, Writes: true, parse: parsePracticeLog},
		{Verb: VerbMemberOrg, Group: groupProgrammes, Usage: `member @a org "<organisation>"`, Desc: "Records a member's organisation.", Example: `member @ana org "Bristol City Council"`,
			Role: fac, Deny: "record members' organisations", Writes: true, parse: parseMemberOrg},
		{Verb: VerbMyOrg, Group: groupProgrammes, Usage: "my org <organisation>", Desc: "Records your organisation.", Example: "my org Bath and North East Somerset Council",
			Role: mem, Deny: "record their organisation", Writes: true, parse: parseMyOrg},
		{Verb: VerbLogVisit, Group: groupProgrammes, Usage: "log visit [<date>] [<note>]", Desc: "Logs a visit you accompanied a social worker on (where the programme keeps a practice log).", Example: "log visit 02/03/2026 Debriefed in the car afterwards",
			Role: mem, Deny: "keep a practice log", Writes: true, parse: parseLog(LogVisit), form: formLog(LogVisit)},
		{Verb: VerbLogGroupSupervision, Group: groupProgrammes, Usage: "log group-supervision [<date>] [<note>]", Desc: "Logs a group supervision you ran.", Example: "log group-supervision Used a reflective model",
			Role: mem, Deny: "keep a practice log", Writes: true, parse: parseLog(LogGroupSupervision), form: formLog(LogGroupSupervision)},
		{Verb: VerbQuestionnaireCreate, Group: groupProgrammes, Usage: "questionnaire create <name> from <ready one>", Desc: "Defines a questionnaire from a ready one (members-end, mentors-end, outcomes-start); or write `questionnaire create <name> for members|mentors [before|after] <questions>` with questions separated by ';' (scale <text>, choice <text> = <a> | <b>, text <text>); or paste the JSON file format.", Example: "questionnaire create end from members-end",
			Anywhere: true, Role: programmeAnyone, Writes: true, parse: parseQuestionnaireCreate},
		{Verb: VerbQuestionnaireSend, Group: groupProgrammes, Usage: "questionnaire send <name> to members|mentors [set|programme] [by <date>]", Desc: "Sends a questionnaire by direct message; answers are taken until the date (default two weeks).", Example: "questionnaire send end to members by 31/07/2026",
			Anywhere: true, Role: programmeAnyone, Writes: true, parse: parseQuestionnaireSend},
		// Anywhere: the handler finds the set itself, so a mentor of two
		// sets can answer by typing in a DM (the pipeline would ask which set).
		{Verb: VerbQuestionnaireAnswer, Group: groupProgrammes, Usage: "questionnaire answer <name> <question>=<answer>…", Desc: "Answers (or changes your answer to) a questionnaire sent to you.", Example: `questionnaire answer end analytical=4 helped="Time to think"`,
			Anywhere: true, Role: programmeAnyone, Writes: true, parse: parseQuestionnaireAnswer, form: formQuestionnaireAnswer},
		{Verb: VerbQuestionnaires, Group: groupProgrammes, Usage: "questionnaires", Desc: "Lists the programme's questionnaires and how many answered (leads and facilitators).", Example: "questionnaires",
			Anywhere: true, Role: programmeAnyone, OnArchived: true, parse: noArgs},
	}
}

func parseProgrammeName(required bool) func(p parser, args []token) (any, error) {
	return func(p parser, args []token) (any, error) {
		s, err := p.text(args)
		if err != nil {
			return nil, err
		}
		s = strings.Join(strings.Fields(strings.Trim(s, `"“”`)), " ")
		switch {
		case required && s == "":
			return nil, p.fail("The programme needs a name.")
		case len(s) > maxProgrammeNameLen:
			return nil, p.fail("Keep the programme's name to %d characters.", maxProgrammeNameLen)
		}
		return ProgrammeNameArgs{Name: s}, nil
	}
}

// parseProgrammeAddSet: [<set words>] [to <programme words>].
func parseProgrammeAddSet(p parser, args []token) (any, error) {
	var set, prog []string
	cur := &set
	for _, t := range args {
		if !t.quoted && t.lower() == "to" && cur == &set {
			cur = &prog
			continue
		}
		*cur = append(*cur, t.val)
	}
	a := ProgrammeAddSetArgs{Set: strings.Join(set, " "), Programme: strings.Join(prog, " ")}
	if cur == &prog && a.Programme == "" {
		return nil, p.fail("Name the programme after to.")
	}
	if len(a.Set) > MaxTextLen || len(a.Programme) > maxProgrammeNameLen {
		return nil, p.fail("That name is too long.")
	}
	return a, nil
}

func parseProgrammeLead(p parser, args []token) (any, error) {
	if len(args) < 2 || args[0].quoted || args[0].lower() != "add" {
		return nil, p.fail("Write programme lead add and mention the new lead, e.g. @lee.")
	}
	var ms []string
	for _, t := range args[1:] {
		if !t.isMention() {
			return nil, p.fail("%q is not a mention; mention people with @, e.g. @lee.", clip(t.val, 40))
		}
		ms = append(ms, t.mention())
	}
	return ProgrammeLeadArgs{People: ms}, nil
}

func parsePracticeLog(p parser, args []token) (any, error) {
	if len(args) == 1 {
		switch args[0].lower() {
		case "on":
			return PracticeLogArgs{On: true}, nil
		case "off":
			return PracticeLogArgs{}, nil
		}
	}
	return nil, p.fail("Write programme practice-log on or programme practice-log off.")
}

func parseMemberOrg(p parser, args []token) (any, error) {
	if len(args) < 3 || !args[0].isMention() || args[1].quoted || args[1].lower() != "org" {
		return nil, p.fail("Mention the member, then org, then the organisation's name.")
	}
	org, err := p.orgName(args[2:])
	if err != nil {
		return nil, err
	}
	return MemberOrgArgs{Person: args[0].mention(), Org: org}, nil
}

func parseMyOrg(p parser, args []token) (any, error) {
	org, err := p.orgName(args)
	if err != nil {
		return nil, err
	}
	return MyOrgArgs{Org: org}, nil
}

func (p parser) orgName(args []token) (string, error) {
	vals := make([]string, len(args))
	for i, t := range args {
		vals[i] = t.val
	}
	org, err := CheckOrg(strings.Join(vals, " "))
	if err != nil {
		return "", p.fail("%s", ErrorMessage(err))
	}
	return org, nil
}

func parseLog(kind LogKind) func(p parser, args []token) (any, error) {
	return func(p parser, args []token) (any, error) {
		a := LogArgs{Kind: kind}
		var err error
		if a.Date, a.Note, err = datedNote(p, args); err != nil {
			return nil, err
		}
		return a, nil
	}
}

func parseQuestionnaireCreate(p parser, args []token) (any, error) {
	raw := make([]string, len(args))
	for i, t := range args {
		raw[i] = t.raw
	}
	all := strings.TrimSpace(strings.Join(raw, " "))
	if strings.HasPrefix(all, "{") {
		return QuestionnaireCreateArgs{JSON: all}, nil
	}
	if len(args) < 3 {
		return nil, p.fail("Give the questionnaire a name, then from <ready one> or for members|mentors: <questions>.")
	}
	name := args[0].val
	if !isName(name) {
		return nil, p.fail("%q is not a questionnaire name: use one word of letters, digits and dashes, e.g. end-of-programme.", clip(name, 40))
	}
	switch args[1].lower() {
	case "from":
		if len(args) != 3 {
			return nil, p.fail("Name one ready questionnaire after from.")
		}
		return QuestionnaireCreateArgs{Name: name, From: args[2].val}, nil
	case "for":
	default:
		return nil, p.fail("After the name write from <ready one> or for members|mentors.")
	}
	q := &Questionnaire{Name: name, Title: name}
	role := strings.TrimSuffix(args[2].lower(), ":")
	switch role {
	case "members":
		q.Role = RoleMember
	case "mentors":
		q.Role = RoleMentor
	default:
		return nil, p.fail("Write for members or for mentors.")
	}
	i := 3
	if i < len(args) {
		if st := Stage(strings.TrimSuffix(args[i].lower(), ":")); st == StageBefore || st == StageAfter {
			q.Stage = st
			i++
		}
	}
	if i < len(args) && args[i].val == ":" {
		i++
	}
	rest := make([]string, 0, len(args)-i)
	for _, t := range args[i:] {
		rest = append(rest, t.val)
	}
	for n, part := range strings.Split(strings.Join(rest, " "), ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kind, text, _ := strings.Cut(part, " ")
		qu := Question{ID: "q" + strconv.Itoa(n+1), Kind: QuestionKind(strings.ToLower(kind)), Text: strings.TrimSpace(text)}
		if body, opts, ok := strings.Cut(qu.Text, "="); ok {
			qu.Text = strings.TrimSpace(body)
			for _, o := range strings.Split(opts, "|") {
				if o = strings.TrimSpace(o); o != "" {
					if qu.Kind == QuestionScale {
						qu.Labels = append(qu.Labels, o)
					} else {
						qu.Options = append(qu.Options, o)
					}
				}
			}
		}
		if qu.Kind == QuestionScale && qu.Labels == nil {
			qu.Labels = AgreementLabels()
		}
		q.Questions = append(q.Questions, qu)
	}
	if len(q.Questions) == 0 {
		return nil, p.fail("Give the questions after the colon, separated by ';', e.g. scale The sets helped me; text What got in the way?")
	}
	if err := q.Validate(); err != nil {
		return nil, p.fail("%s", ErrorMessage(err))
	}
	return QuestionnaireCreateArgs{Name: name, Questionnaire: q}, nil
}

// AgreementLabels are the labels of a scale question written without any.
func AgreementLabels() []string {
	return []string{"Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"}
}

func parseQuestionnaireSend(p parser, args []token) (any, error) {
	if len(args) < 3 || args[1].lower() != "to" {
		return nil, p.fail("Name the questionnaire, then to members or to mentors.")
	}
	a := QuestionnaireSendArgs{Name: args[0].val}
	switch args[2].lower() {
	case "members":
		a.Role = RoleMember
	case "mentors":
		a.Role = RoleMentor
	default:
		return nil, p.fail("Send to members or to mentors, not %q.", clip(args[2].val, 40))
	}
	rest := args[3:]
	if len(rest) > 0 {
		switch rest[0].lower() {
		case "set":
			a.Scope, rest = ScopeSet, rest[1:]
		case "programme":
			a.Scope, rest = ScopeProgramme, rest[1:]
		}
	}
	if len(rest) > 0 {
		if len(rest) < 2 || rest[0].lower() != "by" {
			return nil, p.fail("After the role write set or programme, then by <date>, e.g. by 31/03/2027.")
		}
		d, n, err := ReadDate(tokenWords(rest[1:]))
		if err == nil && (n == 0 || n != len(rest)-1) {
			err = errors.New("Write the closing date after by, e.g. by 31/03/2027.")
		}
		if err != nil {
			return nil, p.fail("%s", err)
		}
		a.By = d
	}
	return a, nil
}

// parseQuestionnaireAnswer reads <name> then <question id>=<answer> pairs
// (quote answers with spaces: helped="Time to think"), or the answers in
// the form's order. With none, the handler shows the form.
func parseQuestionnaireAnswer(p parser, args []token) (any, error) {
	if len(args) == 0 {
		return nil, p.fail("Name the questionnaire you are answering.")
	}
	a := QuestionnaireAnswerArgs{Name: args[0].val, Values: map[string]string{}}
	rest := args[1:]
	pos, named := 0, 0
	for i := 0; i < len(rest); i++ {
		t := rest[i]
		key, val, ok := strings.Cut(t.raw, "=")
		if t.quoted || !ok || key == "" {
			// In the form's order, as the shell shows a form; the handler
			// knows the questions and maps "#1", "#2"... to them.
			pos++
			a.Values["#"+strconv.Itoa(pos)] = t.val
			continue
		}
		named++
		// helped="Time to think" is three words to the tokenizer (the
		// quote does not start the word): join them up to the closing quote.
		if val != "" && isQuote(rune(val[0])) || strings.HasPrefix(val, "“") {
			for !closedQuote(val) && i+1 < len(rest) {
				i++
				val += " " + rest[i].raw
			}
			if !closedQuote(val) {
				return nil, p.fail("The answer to %s has no closing quote.", clip(key, 40))
			}
			val = strings.TrimSpace(strings.TrimRight(strings.TrimLeft(val, `"“”`), `"“”`))
		}
		if _, dup := a.Values[strings.ToLower(key)]; dup {
			return nil, p.fail("%s is answered twice.", clip(key, 40))
		}
		a.Values[strings.ToLower(key)] = val
	}
	if pos > 0 && named > 0 {
		return nil, p.fail("Give the answers either all as question=answer or all in the form's order, not both.")
	}
	return a, nil
}

func formQuestionnaireAnswer(p parser, args []token, values map[string]string) (any, bool, error) {
	if len(args) != 1 {
		return nil, false, nil
	}
	vals := make(map[string]string, len(values))
	for k, x := range values {
		vals[k] = x
	}
	return QuestionnaireAnswerArgs{Name: args[0].val, Values: vals}, true, nil
}

// closedQuote reports whether s, which starts with a quote, also ends with one.
func closedQuote(s string) bool {
	r := []rune(s)
	return len(r) >= 2 && isQuote(r[len(r)-1])
}

// isName reports whether s is a questionnaire name: 1 to 40 letters, digits
// and dashes.
func isName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// parseMembersRemove reads members remove @a… [withdrew [<reason>]].
func parseMembersRemove(p parser, args []token) (any, error) {
	for i, t := range args {
		if !t.quoted && t.lower() == "withdrew" {
			m, err := parseMentions(p, args[:i])
			if err != nil {
				return nil, err
			}
			reason, err := p.text(args[i+1:])
			if err != nil {
				return nil, err
			}
			a := m.(MentionArgs)
			a.Withdrew, a.Reason = true, reason
			return a, nil
		}
	}
	return parseMentions(p, args)
}

// PracticeLogForm is the DM form of a practice log entry (fields "date",
// optional, and "note"), for a prompt between sessions to carry: submitting
// it runs "log visit" or "log group-supervision" in set setID.
func PracticeLogForm(kind LogKind, setID string) *Form {
	title := "Log an accompanied visit"
	if kind == LogGroupSupervision {
		title = "Log a group supervision"
	}
	return &Form{ID: "log", Title: title, Submit: "Log", Command: "log " + string(kind), SetID: setID, Fields: []FormField{
		{Name: "date", Label: "When (empty: today)", Kind: FieldDate},
		{Name: "note", Label: "What did you learn? (only you and the facilitators see it)", Kind: FieldText, Multiline: true, MaxLen: MaxTextLen},
	}}
}

// formLog reads PracticeLogForm's values.
func formLog(kind LogKind) func(p parser, args []token, values map[string]string) (any, bool, error) {
	return func(p parser, args []token, values map[string]string) (any, bool, error) {
		if len(args) > 0 {
			return nil, false, nil
		}
		a := LogArgs{Kind: kind, Note: strings.TrimSpace(values["note"])}
		if n := len([]rune(a.Note)); n > MaxTextLen {
			return nil, true, p.fail("The note is %d characters long; the limit is %d.", n, MaxTextLen)
		}
		if d := strings.TrimSpace(values["date"]); d != "" {
			date, err := ParseDate(d)
			if err != nil {
				return nil, true, p.fail("%s", err)
			}
			a.Date = date
		}
		return a, true, nil
	}
}

package handlers

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/chart"
)

// Records are everything the figures and the export of a set are made of.
type Records struct {
	Set         *bot.Set
	Sessions    []*bot.Session
	Commitments []*bot.Commitment
	Feedback    []*bot.Feedback
	Mentoring   []*bot.MentoringSession
}

// LoadRecords reads a set's records in four round trips.
func LoadRecords(ctx context.Context, store bot.Store, set *bot.Set) (*Records, error) {
	rec := &Records{Set: set}
	var err error
	if rec.Sessions, err = store.ListSessions(ctx, set.ID); err != nil {
		return nil, fmt.Errorf("list sessions of %s: %w", set.ID, err)
	}
	if rec.Commitments, err = store.ListCommitments(ctx, set.ID, "", false); err != nil {
		return nil, fmt.Errorf("list commitments of %s: %w", set.ID, err)
	}
	if rec.Feedback, err = store.ListFeedback(ctx, set.ID); err != nil {
		return nil, fmt.Errorf("list feedback of %s: %w", set.ID, err)
	}
	if rec.Mentoring, err = store.ListMentoring(ctx, set.ID); err != nil {
		return nil, fmt.Errorf("list mentoring of %s: %w", set.ID, err)
	}
	return rec, nil
}

// Stats computes the set's figures.
func (rec *Records) Stats() bot.Stats {
	return bot.ComputeStats(rec.Set, rec.Sessions, rec.Commitments, rec.Feedback, rec.Mentoring)
}

// stats shows the set's evaluation figures and a chart, to a facilitator.
func (r *Router) stats(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	rec, err := LoadRecords(ctx, r.store, c.set)
	if err != nil {
		return bot.Message{}, err
	}
	st := rec.Stats()
	msg := StatsMessage(st, c.readerLoc())
	png, err := chart.PNG(st)
	if err != nil {
		// The figures are there; only the picture is missing.
		r.log.ErrorContext(ctx, "draw stats chart", "set", c.set.ID, "err", err)
		msg.Text += "\n(The chart could not be drawn this time.)"
	} else {
		msg.Files = []bot.File{{Name: fileStem(c.set, c.now) + "-chart.png", ContentType: "image/png", Data: png}}
	}
	return msg, nil
}

// percent shows a share: "80%".
func percent(x float64) string { return strconv.Itoa(int(x*100+0.5)) + "%" }

// ofCount shows "4 of 5 (80%)".
func ofCount(n, of int) string {
	if of == 0 {
		return fmt.Sprintf("%d of 0", n)
	}
	return fmt.Sprintf("%d of %d (%s)", n, of, percent(float64(n)/float64(of)))
}

// ofMembers shows "3 of 4 members (75%)".
func ofMembers(n, of int) string {
	if of == 0 {
		return "no members"
	}
	return fmt.Sprintf("%d of %d members (%s)", n, of, percent(float64(n)/float64(of)))
}

func commitmentsLine(made, reported, done, dropped int) string {
	// "with a report" is the commitments reported on at least once; the
	// reports themselves are counted apart (LabelReportBacks): a trial read
	// "reported on" and "report-backs" as the same figure.
	return fmt.Sprintf("made %d, with a report %d, done %d, dropped %d", made, reported, done, dropped)
}

func rating(mean float64, n int) string {
	if n == 0 {
		return "no ratings yet"
	}
	return fmt.Sprintf("%s of 5 (%d rating%s)", bot.OneDecimal(mean), n, isAre(n, "", "s"))
}

// Labels of the stats message's fields; tests read the figures by them.
const (
	LabelAttendance    = "Attendance"
	LabelPresentations = "Presentations"
	LabelObservations  = "Observations"
	LabelCommitments   = "Commitments"
	LabelReportBacks   = "Reports written"
	LabelMentoring     = "Mentoring sessions received"
	LabelFeedback      = "Feedback given"
	LabelFeedbackRate  = "Feedback contribution rate"
	LabelMeanRating    = "Mean session rating"
	LabelEngaged       = "Attended 5+ sessions and had 3+ mentoring sessions"
)

// StatsMessage renders st as a message every platform shows: the set's
// figures, one section per member and one line per session.
func StatsMessage(st bot.Stats, loc *time.Location) bot.Message {
	members := len(st.Members)
	msg := private(fmt.Sprintf("%d session%s held, %d member%s. Attendance counts check-ins to the sessions held (opened with `/als session start`).\n"+
		"Commitments with a report: reported on at least once. Reports written: every `/als report`, one commitment can have several.",
		st.SessionsHeld, isAre(st.SessionsHeld, "", "s"), members, isAre(members, "", "s")))
	msg.Title = "Statistics of " + st.SetName
	msg.Sections = append(msg.Sections, bot.Section{Title: "The set", Fields: []bot.Field{
		{Label: LabelAttendance, Value: ofCount(st.Attended, members*st.SessionsHeld)},
		{Label: LabelPresentations, Value: strconv.Itoa(st.Presentations)},
		{Label: LabelObservations, Value: strconv.Itoa(st.Observations)},
		{Label: LabelCommitments, Value: commitmentsLine(st.CommitmentsMade, st.ReportedOn, st.Done, st.Dropped)},
		{Label: LabelReportBacks, Value: strconv.Itoa(st.ReportBacks)},
		{Label: LabelMentoring, Value: strconv.Itoa(st.MentoringSessions)},
		{Label: LabelFeedback, Value: strconv.Itoa(st.FeedbackGiven)},
		{Label: LabelFeedbackRate, Value: ofMembers(st.FeedbackGivers, members)},
		{Label: LabelMeanRating, Value: rating(st.MeanRating, st.Ratings)},
		{Label: LabelEngaged, Value: ofMembers(st.Engaged, members)},
	}})
	for _, m := range st.Members {
		msg.Sections = append(msg.Sections, bot.Section{Title: m.Name, Fields: []bot.Field{
			{Label: LabelAttendance, Value: ofCount(m.Attended, st.SessionsHeld)},
			{Label: LabelPresentations, Value: strconv.Itoa(m.Presentations)},
			{Label: LabelObservations, Value: strconv.Itoa(m.Observations)},
			{Label: LabelCommitments, Value: commitmentsLine(m.CommitmentsMade, m.ReportedOn, m.Done, m.Dropped)},
			{Label: LabelReportBacks, Value: strconv.Itoa(m.ReportBacks)},
			{Label: LabelMentoring, Value: strconv.Itoa(m.MentoringSessions)},
			{Label: LabelFeedback, Value: strconv.Itoa(m.FeedbackGiven)},
		}})
	}
	lines := make([]string, 0, len(st.Sessions))
	for _, s := range st.Sessions {
		lines = append(lines, SessionStatsLine(s, loc))
	}
	if len(lines) == 0 {
		lines = append(lines, "No session held yet.")
	}
	msg.Sections = append(msg.Sections, bot.Section{Title: "Per session", Text: strings.Join(lines, "\n")})
	return msg
}

// SessionStatsLine is one session's line of the stats message; its date
// reads as every other answer writes one (Tue 1 Dec 2026), not ISO.
func SessionStatsLine(s bot.SessionStats, loc *time.Location) string {
	// "mean rating no ratings yet" read badly: without ratings the line
	// says only "no ratings yet".
	rated := "mean rating " + rating(s.MeanRating, s.Feedback)
	if s.Feedback == 0 {
		rated = rating(s.MeanRating, s.Feedback)
	}
	return fmt.Sprintf("Session %d (%s): %d attended; commitments made %d, done %d; feedback %s; %s",
		s.Number, s.Start.In(loc).Format("Mon 2 Jan 2006"), s.Attendance, s.CommitmentsMade, s.CommitmentsDone,
		ofCount(s.Feedback, s.Attendance), rated)
}

// export gives a facilitator the set's records as two CSV files.
func (r *Router) export(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	rec, err := LoadRecords(ctx, r.store, c.set)
	if err != nil {
		return bot.Message{}, err
	}
	files, err := ExportFiles(rec, c.now, c.readerLoc())
	if err != nil {
		return bot.Message{}, err
	}
	msg := private(fmt.Sprintf("The records of %s: %s (one row per member per session held) and %s (one row per report, or per commitment without one). They hold what members wrote: keep them within the set's facilitators.",
		c.set.Name, files[0].Name, files[1].Name))
	msg.Title = "Export of " + c.set.Name
	msg.Files = files
	return msg, nil
}

// fileStem names a set's files: "west-set-20261201".
func fileStem(set *bot.Set, now time.Time) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(set.Name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	stem := strings.TrimSuffix(b.String(), "-")
	if stem == "" {
		stem = "set"
	}
	return stem + "-" + now.UTC().Format("20060102")
}

// Columns of the export files.
var (
	AttendanceColumns  = []string{"session", "date", "member", "member_id", "attended", "role", "commitments", "report_status", "feedback_rating", "feedback_comment"}
	CommitmentsColumns = []string{"commitment", "member", "member_id", "session", "created", "due", "status", "text", "report", "report_date", "report_status", "report_text"}
)

// ExportFiles builds the set's CSV files: attendance per member per session
// held, and commitments with their reports. Dates are in loc.
func ExportFiles(rec *Records, now time.Time, loc *time.Location) ([]bot.File, error) {
	set := rec.Set
	held := make([]*bot.Session, 0, len(rec.Sessions))
	for _, s := range rec.Sessions {
		if s.Held() {
			held = append(held, s)
		}
	}
	slices.SortFunc(held, func(a, b *bot.Session) int { return a.Number - b.Number })
	feedback := map[string]*bot.Feedback{}
	for _, f := range rec.Feedback {
		feedback[strconv.Itoa(f.Session)+"/"+f.UserID] = f
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02")
	}

	att := newSheet()
	att.row(AttendanceColumns...)
	for _, s := range held {
		for _, p := range set.Members() {
			id := p.User.ID
			var roles []string
			for _, rd := range s.Rounds {
				switch {
				case rd.Presenter == id:
					roles = append(roles, "presenter")
				case rd.Observer == id:
					roles = append(roles, "observer")
				case slices.Contains(rd.Enablers, id):
					roles = append(roles, "enabler")
				}
			}
			var ids, statuses []string
			for _, cm := range rec.Commitments {
				if cm.UserID == id && cm.Session == s.Number {
					ids = append(ids, cm.ShortID)
					statuses = append(statuses, reportStatus(cm))
				}
			}
			ratingText, comment := "", ""
			if f := feedback[strconv.Itoa(s.Number)+"/"+id]; f != nil {
				ratingText, comment = strconv.Itoa(f.Rating), f.Comment
			}
			attended := "no"
			if s.Attended(id) {
				attended = "yes"
			}
			att.row(strconv.Itoa(s.Number), date(s.Start), bot.PersonName(set, id), id, attended,
				strings.Join(roles, ";"), strings.Join(ids, ";"), strings.Join(statuses, ";"), ratingText, comment)
		}
	}
	attData, err := att.bytes("attendance")
	if err != nil {
		return nil, err
	}

	com := newSheet()
	com.row(CommitmentsColumns...)
	commitments := slices.Clone(rec.Commitments)
	slices.SortStableFunc(commitments, func(a, b *bot.Commitment) int { return shortNumber(a.ShortID) - shortNumber(b.ShortID) })
	for _, cm := range commitments {
		session := ""
		if cm.Session != 0 {
			session = strconv.Itoa(cm.Session)
		}
		head := []string{cm.ShortID, bot.PersonName(set, cm.UserID), cm.UserID, session, date(cm.CreatedAt), date(cm.Due), string(cm.Status), cm.Text}
		if len(cm.Reports) == 0 {
			com.row(append(head, "", "", "", "")...)
		}
		for i, rp := range cm.Reports {
			com.row(append(slices.Clone(head), strconv.Itoa(i+1), date(rp.At), string(rp.Status), rp.Text)...)
		}
	}
	comData, err := com.bytes("commitments")
	if err != nil {
		return nil, err
	}
	stem := fileStem(set, now)
	return []bot.File{
		{Name: stem + "-attendance.csv", ContentType: "text/csv", Data: attData},
		{Name: stem + "-commitments.csv", ContentType: "text/csv", Data: comData},
	}, nil
}

// reportStatus is a commitment's state for the export: its last report's
// status while it is open ("none" without a report), else done or dropped.
func reportStatus(cm *bot.Commitment) string {
	if cm.Status != bot.CommitmentOpen {
		return string(cm.Status)
	}
	if n := len(cm.Reports); n > 0 {
		return string(cm.Reports[n-1].Status)
	}
	return "none"
}

// shortNumber is the number of a short id ("C-12" -> 12), for ordering.
func shortNumber(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "C-"))
	return n
}

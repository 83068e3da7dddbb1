package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image/png"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/adapters/shell"
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/handlers"
)

// lifeEvents is what the script did, read from its lines by the test
// itself: the source of the figures stats must show.
type lifeEvents struct {
	members   []string
	held      int
	attended  []map[string]bool // per session (index number-1)
	rounds    [][2]string       // per round: presenter, observer
	roundsIn  []int             // the session of each round
	commits   map[string]*lifeCommit
	order     []string
	feedback  map[int]map[string]int    // session -> user -> rating (last wins)
	comments  map[int]map[string]string // session -> user -> comment (last wins)
	mentoring map[string]int            // mentee -> sessions logged
}

type lifeCommit struct {
	user    string
	session int
	reports []string // statuses
}

// readLife interprets the script's lines: only the commands whose effect
// on the figures is plain (the script keeps them so).
func readLife(t *testing.T, script string) *lifeEvents {
	ev := &lifeEvents{commits: map[string]*lifeCommit{}, feedback: map[int]map[string]int{}, comments: map[int]map[string]string{}, mentoring: map[string]int{}}
	actor, open := "", 0
	for _, raw := range strings.Split(script, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ":") {
			continue
		}
		if strings.HasPrefix(line, "@") {
			name, rest, _ := strings.Cut(line, " ")
			actor, line = strings.TrimPrefix(name, "@"), rest
		}
		w := strings.Fields(strings.TrimPrefix(line, "/als "))
		at := func(i int) string {
			if i < len(w) {
				return strings.TrimPrefix(w[i], "@")
			}
			return ""
		}
		cmd := strings.Join(w[:min(2, len(w))], " ")
		switch {
		case cmd == "members add":
			for i := 2; i < len(w); i++ {
				ev.members = append(ev.members, at(i))
			}
		case cmd == "session start":
			ev.held++
			open = ev.held
			ev.attended = append(ev.attended, map[string]bool{})
		case cmd == "session end":
			open = 0
		case w[0] == "here":
			ev.attended[open-1][actor] = true
		case cmd == "round start":
			obs := ""
			if at(3) == "observer" {
				obs = at(4)
			}
			ev.rounds = append(ev.rounds, [2]string{at(2), obs})
			ev.roundsIn = append(ev.roundsIn, open)
		case w[0] == "commit":
			id := "C-" + strconv.Itoa(len(ev.order)+1)
			ev.commits[id] = &lifeCommit{user: actor, session: open}
			ev.order = append(ev.order, id)
		case w[0] == "report":
			ev.commits[w[1]].reports = append(ev.commits[w[1]].reports, w[2])
		case w[0] == "feedback":
			last := 0
			for n := range ev.attended {
				if ev.attended[n][actor] {
					last = n + 1
				}
			}
			if ev.feedback[last] == nil {
				ev.feedback[last], ev.comments[last] = map[string]int{}, map[string]string{}
			}
			ev.feedback[last][actor], _ = strconv.Atoi(w[1])
			ev.comments[last][actor] = strings.Join(w[2:], " ")
		case cmd == "mentoring log":
			ev.mentoring[at(2)]++
		case w[0] == "setup", w[0] == "mentor", w[0] == "stats", w[0] == "export", cmd == "round end":
		default:
			t.Fatalf("the test does not know what %q does to the figures", line)
		}
	}
	return ev
}

// expectedStats computes every figure by hand from the events.
func (ev *lifeEvents) expectedStats(set *bot.Set, sessions []*bot.Session) bot.Stats {
	st := bot.Stats{SetID: set.ID, SetName: set.Name, SessionsHeld: ev.held}
	ratings, sum := 0, 0
	for _, m := range ev.members {
		ms := bot.MemberStats{UserID: m, Name: m}
		for n := range ev.attended {
			if ev.attended[n][m] {
				ms.Attended++
			}
		}
		ms.AttendanceScore = float64(ms.Attended) / float64(ev.held)
		for _, r := range ev.rounds {
			if r[0] == m {
				ms.Presentations++
			}
			if r[1] == m {
				ms.Observations++
			}
		}
		for _, id := range ev.order {
			c := ev.commits[id]
			if c.user != m {
				continue
			}
			ms.CommitmentsMade++
			if len(c.reports) > 0 {
				ms.ReportedOn++
			}
			ms.ReportBacks += len(c.reports)
			if slices.Contains(c.reports, "done") {
				ms.Done++
			}
		}
		ms.MentoringSessions = ev.mentoring[m]
		for _, byUser := range ev.feedback {
			if _, ok := byUser[m]; ok {
				ms.FeedbackGiven++
			}
		}
		st.Members = append(st.Members, ms)
		st.Attended += ms.Attended
		st.Presentations += ms.Presentations
		st.Observations += ms.Observations
		st.CommitmentsMade += ms.CommitmentsMade
		st.ReportedOn += ms.ReportedOn
		st.Done += ms.Done
		st.ReportBacks += ms.ReportBacks
		st.MentoringSessions += ms.MentoringSessions
		st.FeedbackGiven += ms.FeedbackGiven
		if ms.FeedbackGiven > 0 {
			st.FeedbackGivers++
		}
		if ms.Attended >= 5 && ms.MentoringSessions >= 3 {
			st.Engaged++
		}
	}
	for n := 1; n <= ev.held; n++ {
		ss := bot.SessionStats{Number: n, Start: sessions[n-1].Start, Attendance: len(ev.attended[n-1])}
		for _, id := range ev.order {
			if c := ev.commits[id]; c.session == n {
				ss.CommitmentsMade++
				if slices.Contains(c.reports, "done") {
					ss.CommitmentsDone++
				}
			}
		}
		s := 0
		for _, r := range ev.feedback[n] {
			ss.Feedback++
			s += r
		}
		ratings += ss.Feedback
		sum += s
		if ss.Feedback > 0 {
			ss.MeanRating = float64(s) / float64(ss.Feedback)
		}
		ss.FeedbackRate = float64(ss.Feedback) / float64(ss.Attendance)
		st.Sessions = append(st.Sessions, ss)
	}
	n := len(ev.members)
	st.Ratings = ratings
	st.MeanRating = float64(sum) / float64(ratings)
	st.AttendanceScore = float64(st.Attended) / float64(n*ev.held)
	st.FeedbackRate = float64(st.FeedbackGivers) / float64(n)
	st.EngagedShare = float64(st.Engaged) / float64(n)
	return st
}

// TestSetLife runs examples/set-life.als through the shell and the real
// router on the embedded store, then checks stats, the export and the chart
// against what the script's own lines say happened.
func TestSetLife(t *testing.T) {
	run := runScript(t, "../examples/set-life.als", time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC))
	ctx, store, router, out, files := context.Background(), run.store, run.router, run.out, run.files
	if len(run.errs) > 0 {
		t.Fatalf("script commands failed:\n%s\noutput:\n%s", strings.Join(run.errs, "\n"), out.String())
	}
	ev := readLife(t, run.script)

	setID := string(bot.Shell) + ":" + shell.DefaultChannel
	set, err := store.GetSet(ctx, setID)
	if err != nil {
		t.Fatal(err)
	}
	sessions, err := store.ListSessions(ctx, setID)
	if err != nil {
		t.Fatal(err)
	}
	want := ev.expectedStats(set, sessions)
	if want.SessionsHeld != 6 || want.Engaged == 0 || want.Engaged == len(want.Members) {
		t.Fatalf("the script should hold six sessions with some members engaged and some not: %+v", want)
	}

	ask := func(text string) bot.Message {
		t.Helper()
		msg, err := router.Handle(ctx, bot.Request{Platform: bot.Shell, Actor: bot.UserRef{ID: "fran", Name: "fran"}, Conv: bot.ConversationRef{ID: shell.DefaultChannel}, Text: text})
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		return msg
	}

	t.Run("stats", func(t *testing.T) {
		loaded, err := handlers.LoadRecords(ctx, store, set)
		if err != nil {
			t.Fatal(err)
		}
		if got := loaded.Stats(); !reflect.DeepEqual(got, want) {
			t.Errorf("stats\n got %+v\nwant %+v", got, want)
		}
		msg := ask("stats")
		files := msg.Files
		msg.Files = nil
		if wantMsg := handlers.StatsMessage(want, time.UTC); !reflect.DeepEqual(msg, wantMsg) {
			t.Errorf("stats message\n got %s\nwant %s", allText(msg), allText(wantMsg))
		}
		// A few figures spelled out, so a reader sees what the message says.
		setFields := msg.Sections[0]
		wantFields := map[string]string{
			handlers.LabelAttendance:   ofWant(want.Attended, 4*6),
			handlers.LabelFeedbackRate: fmt.Sprintf("%d of 4 members (%d%%)", want.FeedbackGivers, want.FeedbackGivers*25),
			handlers.LabelEngaged:      fmt.Sprintf("%d of 4 members (%d%%)", want.Engaged, want.Engaged*25),
			handlers.LabelMeanRating:   fmt.Sprintf("%.1f of 5 (%d ratings)", want.MeanRating, want.Ratings),
		}
		for _, f := range setFields.Fields {
			if w, ok := wantFields[f.Label]; ok && f.Value != w {
				t.Errorf("%s = %q, want %q", f.Label, f.Value, w)
			}
		}
		if len(files) != 1 || files[0].ContentType != "image/png" {
			t.Fatalf("stats files = %+v, want one PNG", files)
		}
		img, err := png.Decode(bytes.NewReader(files[0].Data))
		if err != nil {
			t.Fatalf("decode chart: %v", err)
		}
		if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 200 || b.Dx() > 2000 || b.Dy() > 2000 {
			t.Errorf("chart is %dx%d", b.Dx(), b.Dy())
		}
	})

	t.Run("export", func(t *testing.T) {
		msg := ask("export")
		if len(msg.Files) != 2 || !msg.Private {
			t.Fatalf("export = %d files, private %v; want 2 private files", len(msg.Files), msg.Private)
		}
		rows := readCSV(t, msg.Files[0].Data)
		if !reflect.DeepEqual(rows[0], handlers.AttendanceColumns) {
			t.Fatalf("attendance header %q", rows[0])
		}
		rows = rows[1:]
		if len(rows) != ev.held*len(ev.members) {
			t.Fatalf("%d attendance rows, want %d", len(rows), ev.held*len(ev.members))
		}
		i := 0
		for n := 1; n <= ev.held; n++ {
			for _, m := range ev.members {
				row := rows[i]
				i++
				attended := "no"
				if ev.attended[n-1][m] {
					attended = "yes"
				}
				var roles []string
				for k, r := range ev.rounds {
					if ev.roundsIn[k] != n {
						continue
					}
					switch {
					case r[0] == m:
						roles = append(roles, "presenter")
					case r[1] == m:
						roles = append(roles, "observer")
					case ev.attended[n-1][m]:
						roles = append(roles, "enabler")
					}
				}
				var ids, statuses []string
				for _, id := range ev.order {
					if c := ev.commits[id]; c.user == m && c.session == n {
						ids = append(ids, id)
						switch {
						case slices.Contains(c.reports, "done"):
							statuses = append(statuses, "done")
						case len(c.reports) > 0:
							statuses = append(statuses, c.reports[len(c.reports)-1])
						default:
							statuses = append(statuses, "none")
						}
					}
				}
				rating := ""
				if r, ok := ev.feedback[n][m]; ok {
					rating = strconv.Itoa(r)
				}
				wantRow := []string{strconv.Itoa(n), sessions[n-1].Start.Format("2006-01-02"), m, m, attended,
					strings.Join(roles, ";"), strings.Join(ids, ";"), strings.Join(statuses, ";"), rating, ev.comments[n][m]}
				if !reflect.DeepEqual(row, wantRow) {
					t.Errorf("attendance row %d\n got %q\nwant %q", i, row, wantRow)
				}
			}
		}

		rows = readCSV(t, msg.Files[1].Data)
		if !reflect.DeepEqual(rows[0], handlers.CommitmentsColumns) {
			t.Fatalf("commitments header %q", rows[0])
		}
		rows = rows[1:]
		k := 0
		for _, id := range ev.order {
			c := ev.commits[id]
			n := max(1, len(c.reports))
			for j := 0; j < n; j++ {
				if k >= len(rows) {
					t.Fatalf("only %d commitment rows", len(rows))
				}
				row := rows[k]
				k++
				session := ""
				if c.session != 0 {
					session = strconv.Itoa(c.session)
				}
				status := "open"
				if slices.Contains(c.reports, "done") {
					status = "done"
				}
				if row[0] != id || row[1] != c.user || row[3] != session || row[6] != status || row[7] == "" {
					t.Errorf("commitment row %d = %q; want %s by %s in session %q, %s, with its text", k, row, id, c.user, session, status)
				}
				wantReport := []string{"", "", "", ""}
				if len(c.reports) > 0 {
					wantReport = []string{strconv.Itoa(j + 1), row[9], c.reports[j], row[11]}
					if row[11] == "" || row[9] == "" {
						t.Errorf("commitment row %d has no report text or date: %q", k, row)
					}
				}
				if !reflect.DeepEqual(row[8:], wantReport) {
					t.Errorf("commitment row %d report = %q, want %q", k, row[8:], wantReport)
				}
			}
		}
		if k != len(rows) {
			t.Errorf("%d commitment rows, want %d", len(rows), k)
		}
	})

	t.Run("shell wrote the files", func(t *testing.T) {
		entries, err := os.ReadDir(files)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
			if !strings.Contains(out.String(), files) {
				t.Errorf("the output does not name the files' directory %s", files)
			}
		}
		slices.Sort(names)
		want := []string{"west-set-20260624-attendance.csv", "west-set-20260624-chart.png", "west-set-20260624-commitments.csv"}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("files %q, want %q", names, want)
		}
	})
}

func ofWant(n, of int) string {
	return fmt.Sprintf("%d of %d (%d%%)", n, of, int(float64(n)/float64(of)*100+0.5))
}

// readCSV reads an export as a spreadsheet does: the UTF-8 BOM it starts
// with is not part of the first cell.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatalf("parse csv: %v", err)
	}
	return rows
}

package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// MyData is everything stored about one person, as mydata sends it.
type MyData struct {
	Platform bot.Platform `json:"platform"`
	UserID   string       `json:"user_id"`
	Name     string       `json:"name,omitempty"`
	Exported time.Time    `json:"exported"`
	Sets     []MySet      `json:"sets"`
}

// MySet is what one set holds about the person.
type MySet struct {
	SetID         string                  `json:"set_id"`
	SetName       string                  `json:"set_name"`
	Archived      bool                    `json:"archived,omitempty"`
	Person        bot.Person              `json:"person"`
	Mentor        string                  `json:"mentor,omitempty"`
	Mentees       []string                `json:"mentees,omitempty"`
	Attended      []int                   `json:"sessions_attended"`
	Bids          []MyBid                 `json:"bids,omitempty"`
	Rounds        []MyRound               `json:"rounds,omitempty"`
	Commitments   []*bot.Commitment       `json:"commitments,omitempty"`
	Feedback      []*bot.Feedback         `json:"feedback,omitempty"`
	MentoringGot  []*bot.MentoringSession `json:"mentoring_received,omitempty"`
	MentoringGave []*bot.MentoringSession `json:"mentoring_given,omitempty"`
	// Of the set's programme, if any (programmes.go).
	Membership  *bot.Membership `json:"programme_membership,omitempty"`
	PracticeLog []*bot.LogEntry `json:"practice_log,omitempty"`
	Answers     []*bot.Answer   `json:"questionnaire_answers,omitempty"`
}

// MyBid is a bid for presenting time.
type MyBid struct {
	Session int       `json:"session"`
	Title   string    `json:"title,omitempty"`
	At      time.Time `json:"at"`
}

// MyRound is a round the person had a role in.
type MyRound struct {
	Session int    `json:"session"`
	Round   int    `json:"round"`
	Role    string `json:"role"`
	Title   string `json:"title,omitempty"`
}

// mydata sends the caller everything stored about them, as a JSON file in
// their DM only: it holds what they wrote.
func (r *Router) mydata(ctx context.Context, c *call, _ bot.NoArgs) (bot.Message, error) {
	if !c.req.Conv.DM {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "Your data holds everything you wrote, so I send it only in a direct message: send `mydata` to me there.")
	}
	data, err := r.collectMyData(ctx, c)
	if err != nil {
		return bot.Message{}, err
	}
	b, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return bot.Message{}, fmt.Errorf("encode my data: %w", err)
	}
	counts := []string{fmt.Sprintf("%d set%s", len(data.Sets), isAre(len(data.Sets), "", "s"))}
	nc, nf, nm := 0, 0, 0
	for _, s := range data.Sets {
		nc += len(s.Commitments)
		nf += len(s.Feedback)
		nm += len(s.MentoringGot) + len(s.MentoringGave)
	}
	counts = append(counts, fmt.Sprintf("%d commitment%s", nc, isAre(nc, "", "s")), fmt.Sprintf("%d feedback", nf), fmt.Sprintf("%d mentoring session%s", nm, isAre(nm, "", "s")))
	msg := private("Everything I keep about you: " + joinAnd(counts) + ". To have it erased, send `forget me`.")
	msg.Title = "Your data"
	msg.Files = []bot.File{{Name: "alsbot-mydata-" + c.now.UTC().Format("20060102") + ".json", ContentType: "application/json", Data: b}}
	return msg, nil
}

func (r *Router) collectMyData(ctx context.Context, c *call) (*MyData, error) {
	id := c.actorID()
	sets, err := r.store.FindSets(ctx, c.req.Platform, id)
	if err != nil {
		return nil, fmt.Errorf("find sets of user: %w", err)
	}
	data := &MyData{Platform: c.req.Platform, UserID: id, Name: c.req.Actor.Name, Exported: c.now.UTC(), Sets: []MySet{}}
	for _, set := range sets {
		p := set.Person(id)
		if p == nil {
			continue
		}
		ms := MySet{SetID: set.ID, SetName: set.Name, Archived: set.Archived, Person: *p, Attended: []int{}}
		if p.MentorID != "" {
			ms.Mentor = bot.PersonName(set, p.MentorID)
		}
		for _, q := range set.People {
			if q.MentorID == id {
				ms.Mentees = append(ms.Mentees, bot.PersonName(set, q.User.ID))
			}
		}
		rec, err := LoadRecords(ctx, r.store, set)
		if err != nil {
			return nil, err
		}
		for _, s := range rec.Sessions {
			if s.Attended(id) {
				ms.Attended = append(ms.Attended, s.Number)
			}
			for _, b := range s.Bids {
				if b.UserID == id {
					ms.Bids = append(ms.Bids, MyBid{Session: s.Number, Title: b.Title, At: b.At})
				}
			}
			for _, rd := range s.Rounds {
				role := ""
				switch {
				case rd.Presenter == id:
					role = "presenter"
				case rd.Observer == id:
					role = "observer"
				default:
					for _, e := range rd.Enablers {
						if e == id {
							role = "enabler"
						}
					}
				}
				if role != "" {
					mr := MyRound{Session: s.Number, Round: rd.Number, Role: role}
					if role == "presenter" {
						mr.Title = rd.Title
					}
					ms.Rounds = append(ms.Rounds, mr)
				}
			}
		}
		for _, cm := range rec.Commitments {
			if cm.UserID == id {
				ms.Commitments = append(ms.Commitments, cm)
			}
		}
		for _, f := range rec.Feedback {
			if f.UserID == id {
				ms.Feedback = append(ms.Feedback, f)
			}
		}
		for _, m := range rec.Mentoring {
			if m.MenteeID == id {
				ms.MentoringGot = append(ms.MentoringGot, m)
			}
			if m.MentorID == id {
				ms.MentoringGave = append(ms.MentoringGave, m)
			}
		}
		if err := r.myProgrammeData(ctx, &ms, id); err != nil {
			return nil, err
		}
		data.Sets = append(data.Sets, ms)
	}
	return data, nil
}

// forgetMe asks for confirmation, then (with "forget me confirm") erases
// the caller's texts and identity from every set and says what was erased.
func (r *Router) forgetMe(ctx context.Context, c *call, a bot.ForgetMeArgs) (bot.Message, error) {
	id := c.actorID()
	sets, err := r.store.FindSets(ctx, c.req.Platform, id)
	if err != nil {
		return bot.Message{}, fmt.Errorf("find sets of user: %w", err)
	}
	var setNames []string
	for _, s := range sets {
		setNames = append(setNames, s.Name)
	}
	if !a.Confirm {
		if len(sets) == 0 {
			return private("I keep nothing about you in any set, so there is nothing to forget."), nil
		}
		msg := private(fmt.Sprintf("This erases, from %s: your name and id (replaced by an anonymous id, so the sets' figures stay), every commitment, report, bid title and feedback comment you wrote, mentoring notes about you or by you, and the messages kept for you. It cannot be undone. To go ahead, press the button or send `forget me confirm`.",
			joinAnd(setNames)))
		var sole []string
		for _, s := range sets {
			if s.HasRole(id, bot.RoleFacilitator) && !s.Archived && len(facilitators(s)) == 1 {
				sole = append(sole, s.Name)
			}
		}
		if len(sole) > 0 {
			msg.Text += fmt.Sprintf("\nYou are the only facilitator of %s: add another with `/als facilitator add @name` first, or nobody will be able to run it.", joinAnd(sole))
		}
		msg.Title = "Forget me?"
		msg.Buttons = []bot.Button{{Label: "Yes, forget me", Command: "forget me confirm", Style: bot.StyleDanger}}
		return msg, nil
	}
	if len(sets) == 0 {
		return private("I keep nothing about you in any set, so there is nothing to forget."), nil
	}
	// Serialize with commands on those sets in this process.
	for _, s := range sets {
		unlock := r.locks.lock(s.ID)
		defer unlock()
	}
	plan, err := bot.NewErasePlan(c.req.Platform, id, sets)
	if err != nil {
		return bot.Message{}, err
	}
	er, err := r.store.ForgetUser(ctx, plan)
	if err != nil {
		return bot.Message{}, fmt.Errorf("forget user: %w", err)
	}
	parts := []string{
		fmt.Sprintf("your name and id in %d set%s (%s)", er.Sets, isAre(er.Sets, "", "s"), joinAnd(setNames)),
		fmt.Sprintf("your place in %d session%s (now anonymous)", er.Sessions, isAre(er.Sessions, "", "s")),
		fmt.Sprintf("the texts of %d commitment%s and %d report%s", er.Commitments, isAre(er.Commitments, "", "s"), er.Reports, isAre(er.Reports, "", "s")),
		fmt.Sprintf("%d feedback comment%s (the ratings stay, anonymous)", er.Feedback, isAre(er.Feedback, "", "s")),
		fmt.Sprintf("%d mentoring note%s", er.Mentoring, isAre(er.Mentoring, "", "s")),
		fmt.Sprintf("%d other record%s (messages, references)", er.Other, isAre(er.Other, "", "s")),
	}
	msg := private("Done. I erased " + strings.Join(parts, "; ") + ". The sets' figures stay, without your name.")
	msg.Title = "You are forgotten"
	return msg, nil
}

func facilitators(s *bot.Set) []string {
	var out []string
	for _, p := range s.People {
		if p.Has(bot.RoleFacilitator) {
			out = append(out, p.User.ID)
		}
	}
	return out
}

package mongo_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

func TestNames(t *testing.T) {
	tests := []struct {
		name     string
		doc      bson.D
		id, word string
		want     bool
	}{
		{"id in a value", bson.D{{Key: "user_id", Value: "U123"}}, "U123", "", true},
		{"id in a key", bson.D{{Key: "_id", Value: "set/feedback/U123"}}, "U123", "", true},
		{"name as a word", bson.D{{Key: "text", Value: "Round 1: Ana presents"}}, "", "Ana", true},
		{"name with a possessive", bson.D{{Key: "text", Value: "Ana's turn"}}, "", "Ana", true},
		{"name inside a word", bson.D{{Key: "text", Value: "Banana bread"}}, "", "Ana", false},
		{"name in a nested array", bson.D{{Key: "m", Value: bson.A{bson.D{{Key: "n", Value: "Ana"}}}}}, "", "Ana", true},
		{"neither", bson.D{{Key: "text", Value: "Ben presents"}}, "U123", "Ana", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := bson.Marshal(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if got := mongo.Names(raw, tt.id, tt.word); got != tt.want {
				t.Errorf("Names = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestFeedbackAndMentoring: feedback is replaced by id; lists are ordered.
func TestFeedbackAndMentoring(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)
	at := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
	put := func(session int, user string, rating int) {
		t.Helper()
		sid := bot.SessionID("slack:C1", session)
		if err := s.PutFeedback(ctx, &bot.Feedback{ID: bot.FeedbackID(sid, user), SetID: "slack:C1", SessionID: sid, Session: session, UserID: user, Rating: rating, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	put(2, "U1", 3)
	put(1, "U2", 4)
	put(2, "U1", 5) // replaces
	fs, err := s.ListFeedback(ctx, "slack:C1")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Session != 1 || fs[1].Rating != 5 {
		t.Errorf("feedback %+v", fs)
	}
	for i, d := range []string{"2026-03-02", "2026-02-20"} {
		m := &bot.MentoringSession{ID: bot.MentoringID("slack:C1", at.Add(time.Duration(i))), SetID: "slack:C1", MentorID: "M", MenteeID: "U1", Date: d, LoggedAt: at}
		if err := s.AddMentoring(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := s.AddMentoring(ctx, m); bot.ErrorCode(err) != bot.EEXISTS {
			t.Errorf("second add: %v, want EEXISTS", err)
		}
	}
	ms, err := s.ListMentoring(ctx, "slack:C1")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Date != "2026-02-20" {
		t.Errorf("mentoring %+v", ms)
	}
	if other, _ := s.ListFeedback(ctx, "slack:C2"); len(other) != 0 {
		t.Errorf("another set's feedback: %+v", other)
	}
}

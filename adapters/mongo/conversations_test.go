package mongo_test

import (
	"context"
	"testing"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

func TestConversations(t *testing.T) {
	ctx := context.Background()
	s := mongotest.New(t)

	if _, _, err := s.GetConversation(ctx, "teams:conv:none"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("missing key: err %v, want ENOTFOUND", err)
	}
	refs := map[string][]byte{
		"teams:conv:19:a@thread": []byte(`{"conversation":{"id":"19:a@thread"},"serviceUrl":"https://smba.example/"}`),
		"teams:user:aad-ana":     []byte(`{"conversation":{"id":"a:1"},"user":{"id":"29:ana"}}`),
	}
	if err := s.PutConversations(ctx, refs); err != nil {
		t.Fatal(err)
	}
	if err := s.PutConversations(ctx, nil); err != nil {
		t.Fatalf("nothing to store: %v", err)
	}
	for key, want := range refs {
		got, stale, err := s.GetConversation(ctx, key)
		if err != nil || stale || string(got) != string(want) {
			t.Fatalf("%s: %s stale=%v err=%v", key, got, stale, err)
		}
	}

	tests := []struct {
		name      string
		do        func() error
		key       string
		wantStale bool
		wantRef   string
	}{
		{"mark stale", func() error { return s.MarkConversationStale(ctx, "teams:user:aad-ana") }, "teams:user:aad-ana", true, string(refs["teams:user:aad-ana"])},
		{"other keys untouched", func() error { return nil }, "teams:conv:19:a@thread", false, string(refs["teams:conv:19:a@thread"])},
		{"a new reference clears stale", func() error {
			return s.PutConversations(ctx, map[string][]byte{"teams:user:aad-ana": []byte(`{"conversation":{"id":"a:2"}}`)})
		}, "teams:user:aad-ana", false, `{"conversation":{"id":"a:2"}}`},
		{"marking a missing key is no error", func() error { return s.MarkConversationStale(ctx, "teams:user:nobody") }, "teams:user:aad-ana", false, `{"conversation":{"id":"a:2"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.do(); err != nil {
				t.Fatal(err)
			}
			got, stale, err := s.GetConversation(ctx, tt.key)
			if err != nil || stale != tt.wantStale || string(got) != tt.wantRef {
				t.Fatalf("%s: %s stale=%v err=%v; want %s stale=%v", tt.key, got, stale, err, tt.wantRef, tt.wantStale)
			}
		})
	}
	if _, _, err := s.GetConversation(ctx, "teams:user:nobody"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("marking a missing key created it: %v", err)
	}
}

package mongo_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alsbot/alsbot/adapters/mongo"
	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
)

// TestOnFailure: every store command the server fails is reported by name
// (the metrics count them); commands that succeed are not.
func TestOnFailure(t *testing.T) {
	var mu sync.Mutex
	var failed []string
	ctx := context.Background()
	s, err := mongo.Open(ctx, mongo.Config{
		URI: mongotest.URI(), Database: mongotest.DBName(t.Name()),
		OnFailure: func(cmd string) { mu.Lock(); failed = append(failed, cmd); mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	tests := []struct {
		name    string
		cmd     bson.D
		wantErr bool
	}{
		{"ping succeeds", bson.D{{Key: "ping", Value: 1}}, false},
		{"unknown command fails", bson.D{{Key: "noSuchCommand", Value: 1}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			before := len(failed)
			mu.Unlock()
			err := s.Database().RunCommand(ctx, tt.cmd).Err()
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			mu.Lock()
			got := failed[before:]
			mu.Unlock()
			if tt.wantErr != slices.Contains(got, tt.cmd[0].Key) || !tt.wantErr && len(got) > 0 {
				t.Fatalf("OnFailure heard %v", got)
			}
		})
	}
}

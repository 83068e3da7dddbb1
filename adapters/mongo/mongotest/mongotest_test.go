package mongotest_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/alsbot/alsbot/adapters/mongo/mongotest"
	"github.com/alsbot/alsbot/bot"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m)) }

// TestNew checks that each store has its own database, that the database
// is gone after the test, and that more stores can open it by URI.
func TestNew(t *testing.T) {
	ctx := context.Background()
	var names []string
	tests := []struct{ name string }{{"first"}, {"second"}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := mongotest.New(t)
			names = append(names, st.Database().Name())
			if err := st.CreateSet(ctx, &bot.Set{ID: "shell:x", Platform: bot.Shell}); err != nil {
				t.Fatal(err)
			}
			other := mongotest.Replica(t, st)
			if other.URI() != st.URI() {
				t.Errorf("second store on %s, first on %s", other.URI(), st.URI())
			}
			if _, err := other.GetSet(ctx, "shell:x"); err != nil {
				t.Errorf("second store does not see the first's set: %v", err)
			}
		})
	}
	if len(names) != 2 || names[0] == names[1] {
		t.Fatalf("database names %v, want two different", names)
	}
	st := mongotest.New(t)
	dbs, err := st.Database().Client().ListDatabaseNames(ctx, map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if slices.Contains(dbs, n) {
			t.Errorf("database %s still exists after its test", n)
		}
	}
}

package shelltest_test

import (
	"reflect"
	"testing"

	"github.com/alsbot/alsbot/adapters/shell/shelltest"
)

func TestBlocksAndAnswers(t *testing.T) {
	out := "> members\n[#C1] fran, ana\n  and ben\n\n> actions\n[@ana] none\n> members\n[#C1] fran\n"
	bs := shelltest.Blocks(out)
	want := []string{"> members", "[#C1] fran, ana\n  and ben\n", "> actions", "[@ana] none", "> members", "[#C1] fran"}
	if !reflect.DeepEqual(bs, want) {
		t.Fatalf("Blocks = %q, want %q", bs, want)
	}
	if got := shelltest.AnswerTo(bs, "actions"); !reflect.DeepEqual(got, []string{"[@ana] none"}) {
		t.Errorf("AnswerTo actions = %q", got)
	}
	if got := shelltest.AnswerTo(bs, "help"); got != nil {
		t.Errorf("AnswerTo of a line not echoed = %q, want nil", got)
	}
	got := shelltest.Answers(bs, "^members$")
	if len(got) != 2 || got[0][0] != "[#C1] fran, ana\n  and ben\n" || got[1][0] != "[#C1] fran" {
		t.Errorf("Answers members = %q", got)
	}
}

package questionnaires

import (
	"reflect"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

func TestShipped(t *testing.T) {
	if got, want := Names(), []string{"members-end", "mentors-end", "outcomes-start"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Names = %v, want %v", got, want)
	}
	outcomes := func(q *bot.Questionnaire) []string {
		var out []string
		for _, qu := range q.Questions {
			if qu.Outcome != "" {
				out = append(out, qu.Outcome)
			}
		}
		return out
	}
	var six []string
	for _, o := range bot.Outcomes() {
		six = append(six, o.Key)
	}
	for _, tc := range []struct {
		name  string
		role  bot.Role
		stage bot.Stage
		texts []string
	}{
		{"members-end", bot.RoleMember, bot.StageAfter, []string{"helped", "in_the_way", "comments"}},
		{"mentors-end", bot.RoleMentor, bot.StageAfter, []string{"helped", "in_the_way", "comments"}},
		{"outcomes-start", bot.RoleMember, bot.StageBefore, nil},
	} {
		q, err := Shipped(tc.name)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if q.Role != tc.role || q.Stage != tc.stage {
			t.Errorf("%s: role %s stage %s", tc.name, q.Role, q.Stage)
		}
		// Each rates the six outcomes, so before and after compare.
		if got := outcomes(q); !reflect.DeepEqual(got, six) {
			t.Errorf("%s rates outcomes %v, want %v", tc.name, got, six)
		}
		var texts []string
		for _, qu := range q.Questions {
			if qu.Kind == bot.QuestionText {
				texts = append(texts, qu.ID)
			}
		}
		if !reflect.DeepEqual(texts, tc.texts) {
			t.Errorf("%s free-text questions %v, want %v", tc.name, texts, tc.texts)
		}
		// The file format round-trips.
		data, err := Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(data)
		if err != nil || !reflect.DeepEqual(back, q) {
			t.Errorf("%s does not round-trip: %v", tc.name, err)
		}
	}
	if _, err := Shipped("nonesuch"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("unknown name: %v", err)
	}
}

func TestParseRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"not json":      `name: x`,
		"misspelt key":  `{"name":"x","title":"X","role":"member","questions":[{"id":"a","kind":"text","txt":"A"}]}`,
		"two objects":   `{"name":"x","title":"X","role":"member","questions":[{"id":"a","kind":"text","text":"A"}]} {}`,
		"invalid":       `{"name":"x","title":"X","role":"lead","questions":[{"id":"a","kind":"text","text":"A"}]}`,
		"scale 3 label": `{"name":"x","title":"X","role":"member","questions":[{"id":"a","kind":"scale","text":"A","labels":["a","b","c"]}]}`,
	} {
		if _, err := Parse([]byte(in)); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	q, err := Parse([]byte(`{"name":"x","title":"X","role":"member","questions":[{"id":"a","kind":"text","text":"A"}]}`))
	if err != nil || q.Name != "x" {
		t.Fatalf("minimal questionnaire: %v", err)
	}
}

package main

import (
	"strings"
	"testing"
	"time"
)

func TestOverloadConfig(t *testing.T) {
	def := loadConfig(envOf(nil))
	if def.Workers() != 8 || def.Queue() != 10000 || def.AnswerWithin() != 5*time.Minute {
		t.Fatalf("defaults: workers %d, queue %d, answer within %s", def.Workers(), def.Queue(), def.AnswerWithin())
	}
	set := loadConfig(envOf(map[string]string{"ALSBOT_WORKERS": "16", "ALSBOT_QUEUE": " 50000\n", "ALSBOT_ANSWER_WITHIN": "90s"}))
	if err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	if set.Workers() != 16 || set.Queue() != 50000 || set.AnswerWithin() != 90*time.Second {
		t.Fatalf("set: workers %d, queue %d, answer within %s", set.Workers(), set.Queue(), set.AnswerWithin())
	}
	for _, tc := range []struct{ name, value, want string }{
		{"ALSBOT_WORKERS", "0", "ALSBOT_WORKERS \"0\" must be a whole number from 1 to 1024"},
		{"ALSBOT_WORKERS", "eight", "ALSBOT_WORKERS \"eight\" must be a whole number"},
		{"ALSBOT_QUEUE", "-5", "ALSBOT_QUEUE \"-5\" must be a whole number from 1 to 1000000"},
		{"ALSBOT_ANSWER_WITHIN", "5", "ALSBOT_ANSWER_WITHIN \"5\" must be a duration from 1s to 30m"},
		{"ALSBOT_ANSWER_WITHIN", "45m", "ALSBOT_ANSWER_WITHIN \"45m\" must be a duration from 1s to 30m"},
	} {
		err := loadConfig(envOf(map[string]string{tc.name: tc.value})).Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%s: %v, want %q", tc.name, tc.value, err, tc.want)
		}
	}
}

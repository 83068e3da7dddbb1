package metrics

import (
	"testing"

	"github.com/alsbot/alsbot/bot"
)

func TestShed(t *testing.T) {
	m := New()
	m.Shed(bot.Slack)
	m.Shed(bot.Slack)
	m.Shed(bot.Teams)
	got := scrape(t, m)
	if got["alsbot_commands_shed_total{platform=slack}"] != 2 || got["alsbot_commands_shed_total{platform=teams}"] != 1 {
		t.Fatalf("shed counters: slack %v, teams %v", got["alsbot_commands_shed_total{platform=slack}"], got["alsbot_commands_shed_total{platform=teams}"])
	}
}

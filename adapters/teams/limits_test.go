package teams

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/bot/bottest"
)

// TestRenderExtremes renders every kind of message with the extreme
// contents every renderer is tested with (bottest.Extremes) and holds each
// card to what Teams takes: the validator of the loopback Bot Connector,
// and the size limit with room for the activity around it.
func TestRenderExtremes(t *testing.T) {
	kinds := []bot.MessageKind{bot.KindReply, bot.KindError, bot.KindRoleCard, bot.KindReminder, bot.KindNudge, bot.KindFeedback}
	for name, m := range bottest.Extremes() {
		for _, kind := range kinds {
			m.Kind = kind
			t.Run(name+"/"+string(kind), func(t *testing.T) {
				raw, err := json.Marshal(RenderCard(m))
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range validateCard(raw) {
					t.Error(p)
				}
				if n := utf16Bytes(raw); n > maxCardBytes {
					t.Errorf("card of %d bytes as UTF-16, over %d", n, maxCardBytes)
				}
				if m.Form != nil && len(m.Form.Fields) > 0 && !strings.Contains(string(raw), `"Input.`) {
					t.Error("the form's inputs were cut")
				}
			})
		}
	}
}

// TestRenderCutShown: a message far over Teams' size limit keeps its
// buttons and form and says visibly that it was cut.
func TestRenderCutShown(t *testing.T) {
	raw, _ := json.Marshal(RenderCard(bottest.Extremes()["far too long"]))
	for _, want := range []string{cutNotice, `"title":"Go"`, `"Input.Text"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("card lacks %s", want)
		}
	}
}

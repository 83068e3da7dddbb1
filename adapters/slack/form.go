package slack

import (
	"encoding/json"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

// A form travels inside Slack, not in our store: in a button's value (to draw
// the modal when pressed, at most 2,000 characters) and in the modal's
// private_metadata (to validate and run it on submit, at most 3,000), in
// the core's one wire shape, bot.FormData.
type wireForm struct {
	bot.FormData
	Channel string `json:"ch,omitempty"` // metadata only: where the answer goes
}

// wireCommand is a command button's value when the button names its set;
// without a set the value is the bare command.
type wireCommand struct {
	Command string `json:"c"`
	Set     string `json:"s,omitempty"`
}

// encodeCommand returns a command button's value.
func encodeCommand(command, setID string) string {
	if setID == "" {
		return command
	}
	b, _ := json.Marshal(wireCommand{Command: command, Set: setID}) // plain strings: cannot fail
	return string(b)
}

// decodeCommand reads what encodeCommand wrote: JSON with a set, or the bare
// command (buttons drawn before sets travelled, or without a set).
func decodeCommand(value string) (command, setID string) {
	if strings.HasPrefix(value, "{") {
		var w wireCommand
		if err := json.Unmarshal([]byte(value), &w); err == nil && w.Command != "" {
			return w.Command, w.Set
		}
	}
	return value, ""
}

// encodeForm returns f as a button value or modal metadata; full keeps what
// is only needed to draw the modal (labels, placeholders, initial values).
func encodeForm(f *bot.Form, channel string, full bool) string {
	b, _ := json.Marshal(wireForm{FormData: bot.NewFormData(f, full), Channel: channel}) // plain strings and numbers: cannot fail
	return string(b)
}

// decodeForm reads what encodeForm wrote.
func decodeForm(s string) (*bot.Form, string, error) {
	var w wireForm
	if err := json.Unmarshal([]byte(s), &w); err != nil {
		return nil, "", err
	}
	return w.Form(), w.Channel, nil
}

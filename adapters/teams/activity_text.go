package teams

// What an activity says: typed text with its mentions, or a card submission.

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
)

// submissionOf reads an Action.Submit's data from the activity's value.
func submissionOf(act schema.Activity) (Submission, bool) {
	raw, ok := act.Value["alsbot"]
	if !ok {
		return Submission{}, false
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return Submission{}, false
	}
	var s Submission
	if json.Unmarshal(b, &s) != nil || strings.TrimSpace(s.Command) == "" {
		return Submission{}, false
	}
	return s, true
}

// validateForm reads the submitted values (by input id) into field names and
// checks them with the form's own rules (bot.Form.Validate), the same as in
// Slack. A value that is not a string counts as empty.
func validateForm(spec *FormSpec, value map[string]any) (values, errs map[string]string) {
	submitted := map[string]string{}
	for _, f := range spec.Fields {
		if v, ok := value[spec.inputID(f.Name)].(string); ok {
			submitted[f.Name] = v
		}
	}
	return spec.Form().Validate(submitted)
}

var (
	atTag   = regexp.MustCompile(`(?is)<at[^>]*>.*?</at>`)
	anyTag  = regexp.MustCompile(`(?s)<[^>]+>`)
	spaceRe = regexp.MustCompile(`\s+`)
)

// commandText strips the mention of the bot, turns every other mention into
// the token "@<user id>" resolved in the returned map, and drops the HTML
// Teams wraps messages in.
func commandText(act schema.Activity, mentions []mentionEntity) (string, map[string]bot.UserRef) {
	text := act.Text
	resolved := map[string]bot.UserRef{}
	for _, m := range mentions {
		if m.Text == "" {
			continue
		}
		repl := " "
		if m.Mentioned.ID != act.Recipient.ID {
			uid := userID(m.Mentioned)
			if uid == "" {
				continue
			}
			resolved[uid] = bot.UserRef{ID: uid, Name: mentionName(m)}
			repl = " @" + uid + " "
		}
		text = strings.Replace(text, m.Text, repl, 1)
	}
	// Mentions without an entity (rare) are dropped rather than parsed as words.
	text = atTag.ReplaceAllString(text, " ")
	text = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "</p>", "\n").Replace(text)
	text = html.UnescapeString(anyTag.ReplaceAllString(text, " "))
	text = strings.ReplaceAll(text, "\u00a0", " ")
	text = strings.TrimSpace(spaceRe.ReplaceAllString(text, " "))
	if len(resolved) == 0 {
		resolved = nil
	}
	return text, resolved
}

func mentionName(m mentionEntity) string {
	if m.Mentioned.Name != "" {
		return m.Mentioned.Name
	}
	return strings.TrimSpace(html.UnescapeString(anyTag.ReplaceAllString(m.Text, "")))
}

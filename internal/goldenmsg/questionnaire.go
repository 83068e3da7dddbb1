package goldenmsg

import (
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/questionnaires"
)

// QuestionnaireDM is the DM a questionnaire arrives in, the longest form the
// bot sends: the shipped members' end-of-programme questionnaire with its
// Answer button, for set setID. Unlike Messages it is built here, not by
// production: handlers' questionnaireMessage adds a line on answering by
// typing, which the Slack and Teams goldens drawn from this do not show.
func QuestionnaireDM(setID string) bot.Message {
	q, err := questionnaires.Shipped("members-end")
	if err != nil {
		panic(err) // shipped with the binary: a test of questionnaires fails first
	}
	return bot.Message{
		Kind: bot.KindReply, Title: q.Title, Text: q.Intro + "\nYou can answer until Thu 31 Dec 2026 23:59 (UTC), and change your answer until then.",
		Buttons: []bot.Button{{Label: "Answer", Command: "questionnaire answer members-end", Form: bot.QuestionnaireForm(q, setID, nil), SetID: setID, Style: bot.StylePrimary}},
	}
}

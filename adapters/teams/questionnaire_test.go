package teams

import (
	"github.com/alsbot/alsbot/bot"
	"github.com/alsbot/alsbot/questionnaires"
)

// questionnaireDM is the DM a questionnaire arrives in (handlers'
// questionnaireMessage): the shipped members' end-of-programme
// questionnaire, the longest form the bot sends.
func questionnaireDM(setID string) bot.Message {
	q, err := questionnaires.Shipped("members-end")
	if err != nil {
		panic(err)
	}
	return bot.Message{
		Kind: bot.KindReply, Title: q.Title, Text: q.Intro + "\nYou can answer until Thu 31 Dec 2026 23:59 (UTC), and change your answer until then.",
		Buttons: []bot.Button{{Label: "Answer", Command: "questionnaire answer members-end", Form: bot.QuestionnaireForm(q, setID, nil), SetID: setID, Style: bot.StylePrimary}},
	}
}

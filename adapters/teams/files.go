package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"

	"github.com/infracloudio/msbotbuilder-go/core/activity"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/alsbot/alsbot/bot"
)

// Files in Teams go through Teams' file consent flow in the person's 1:1
// chat with the bot (learn.microsoft.com/microsoftteams/platform/bots/how-to/
// bots-filesv4): the bot offers each file with a FileConsentCard; when the
// person accepts, Teams sends a fileConsent/invoke with an upload URL in
// their OneDrive, the bot uploads the file there and shows a file info card.
// The manifest says supportsFiles. Nothing is kept between the offer and the
// answer: the card's context names the command and the file, and accepting
// runs the command again as the person who accepts, so the file is as
// current as the answer and the usual role checks apply again.
const (
	fileConsentType   = "application/vnd.microsoft.teams.card.file.consent"
	fileInfoType      = "application/vnd.microsoft.teams.card.file.info"
	invokeFileConsent = "fileConsent/invoke"
	maxUploadBytes    = 4 << 20 // a set's export is kilobytes; Teams' simple upload takes up to 4 MB in one PUT
)

// consentContext travels in a FileConsentCard and comes back on accept.
type consentContext struct {
	Command string `json:"cmd"`
	Set     string `json:"set,omitempty"`
	File    string `json:"file"`
}

// fileConsent is the value of a fileConsent/invoke.
type fileConsent struct {
	Type    string `json:"type"`   // "fileUpload"
	Action  string `json:"action"` // "accept" or "decline"
	Context struct {
		ALSBot consentContext `json:"alsbot"`
	} `json:"context"`
	UploadInfo struct {
		Name       string `json:"name"`
		UploadURL  string `json:"uploadUrl"`
		ContentURL string `json:"contentUrl"`
		UniqueID   string `json:"uniqueId"`
		FileType   string `json:"fileType"`
	} `json:"uploadInfo"`
}

// offerFiles sends a file consent card for each file to the 1:1 chat of
// the person who ran command (files are private: never to a channel).
func (a *Adapter) offerFiles(ctx context.Context, userID string, files []bot.File, command, setID string) error {
	ref, err := a.userRef(ctx, userID)
	if err != nil {
		return fmt.Errorf("offer files: %w", err)
	}
	for _, f := range files {
		c := consentContext{Command: command, Set: setID, File: f.Name}
		att := schema.Attachment{ContentType: fileConsentType, Name: f.Name, Content: map[string]any{
			"description":    fmt.Sprintf("%s from alsbot (%d bytes). Accept to save it to your OneDrive.", f.Name, len(f.Data)),
			"sizeInBytes":    len(f.Data),
			"acceptContext":  map[string]any{"alsbot": c},
			"declineContext": map[string]any{"alsbot": c},
		}}
		if _, err := a.sendAttachment(ctx, ref, att); err != nil {
			return fmt.Errorf("offer file %s: %w", f.Name, err)
		}
	}
	return nil
}

func (a *Adapter) sendAttachment(ctx context.Context, ref schema.ConversationReference, att schema.Attachment) (string, error) {
	bc := &boundClient{ctx: ctx, conn: a.conn}
	bf := *a.bf
	bf.Client = bc
	err := bf.ProactiveMessage(ctx, ref, activity.HandlerFuncs{OnMessageFunc: func(turn *activity.TurnContext) (schema.Activity, error) {
		return turn.SendActivity(activity.MsgOptionAttachments([]schema.Attachment{att}))
	}})
	return bc.id, err
}

// handleFileConsent answers a file consent card: on accept it runs the
// command again as the person, uploads the named file to the URL Teams
// gave and shows it with a file info card; on decline it says so.
func (a *Adapter) handleFileConsent(ctx context.Context, act schema.Activity) error {
	var v fileConsent
	b, err := json.Marshal(act.Value)
	if err == nil {
		err = json.Unmarshal(b, &v)
	}
	if err != nil || v.Context.ALSBot.Command == "" {
		return nil // not one of ours
	}
	if v.Action != "accept" {
		return a.reply(ctx, act, bot.Message{Kind: bot.KindReply, Text: "All right, I did not save " + v.Context.ALSBot.File + "."})
	}
	req := bot.Request{
		Platform: bot.Teams,
		Actor:    bot.UserRef{ID: userID(act.From), Name: act.From.Name, TZ: act.LocalTimezone},
		Conv:     conversationOf(act),
		Text:     v.Context.ALSBot.Command,
		SetID:    v.Context.ALSBot.Set,
	}
	msg, err := a.handler.Handle(ctx, req)
	if err != nil {
		return a.reply(ctx, act, bot.Message{Kind: bot.KindError, Text: bot.ErrorMessage(err)})
	}
	var file *bot.File
	for i := range msg.Files {
		if msg.Files[i].Name == v.Context.ALSBot.File {
			file = &msg.Files[i]
		}
	}
	if file == nil {
		return a.reply(ctx, act, bot.Message{Kind: bot.KindError, Text: "That file is no longer available; run " + bot.Cmd(v.Context.ALSBot.Command) + " again."})
	}
	if err := a.upload(ctx, v.UploadInfo.UploadURL, file.Data); err != nil {
		a.log.Warn("file upload failed", "file", file.Name, "err", err)
		return a.reply(ctx, act, bot.Message{Kind: bot.KindError, Text: "I could not save " + file.Name + " to your OneDrive; please try again."})
	}
	info := schema.Attachment{ContentType: fileInfoType, Name: v.UploadInfo.Name, ContentURL: v.UploadInfo.ContentURL,
		Content: map[string]any{"uniqueId": v.UploadInfo.UniqueID, "fileType": v.UploadInfo.FileType}}
	_, err = a.sendAttachment(ctx, replyRef(act), info)
	return err
}

// upload puts data at uploadURL in one request, as Teams' file consent flow
// asks (Content-Range over the whole file). Only an https URL is used (a
// loopback http one too, for the tests' fake), and never with the bot's
// credentials.
func (a *Adapter) upload(ctx context.Context, uploadURL string, data []byte) error {
	u, err := url.Parse(uploadURL)
	if err != nil || u.Host == "" || !(u.Scheme == "https" || (u.Scheme == "http" && isLoopback(u.Hostname()))) {
		return fmt.Errorf("refused upload URL %q", redactURL(uploadURL))
	}
	if len(data) == 0 || len(data) > maxUploadBytes {
		return fmt.Errorf("file of %d bytes", len(data))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.String(), bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.ContentLength = int64(len(data))
	req.Header.Set("Content-Range", "bytes 0-"+strconv.Itoa(len(data)-1)+"/"+strconv.Itoa(len(data)))
	resp, err := a.httpc.Do(req)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("upload: status %d", resp.StatusCode)
	}
	return nil
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

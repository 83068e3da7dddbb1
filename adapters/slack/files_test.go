package slack

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/adapters/slack/slacktest"
	"github.com/alsbot/alsbot/bot"
)

// TestFilesUploaded: files of a message go through
// files.getUploadURLExternal, an upload and files.completeUploadExternal to
// the right conversation: the channel for a public message, the DM for a
// private one (files cannot be ephemeral).
func TestFilesUploaded(t *testing.T) {
	file := bot.File{Name: "west-attendance.csv", ContentType: "text/csv", Data: []byte("session,member\n1,Ana\n")}
	tests := []struct {
		name    string
		to      bot.Destination
		channel string // where the file must be shared
	}{
		{"channel", bot.Destination{Platform: bot.Slack, ChannelID: setChannel}, setChannel},
		{"DM", bot.Destination{Platform: bot.Slack, UserID: "UANA"}, "DANA"},
		{"ephemeral goes to the DM", bot.Destination{Platform: bot.Slack, ChannelID: setChannel, UserID: "UBEN"}, "DBEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if _, err := (Sender{h.a.send}).Send(context.Background(), tt.to, bot.Message{Text: "Your export", Files: []bot.File{file}}); err != nil {
				t.Fatal(err)
			}
			checkUpload(t, h.fake, 0, tt.channel, file)
		})
	}
}

// checkUpload waits for the three calls of one upload after call skip.
func checkUpload(t *testing.T, f *slacktest.Server, skip int, channel string, file bot.File) int {
	t.Helper()
	get, skip := f.WaitFor(skip, isMethod("files.getUploadURLExternal"))
	if get.Param("filename") != file.Name || get.Param("length") != strconv.Itoa(len(file.Data)) {
		t.Errorf("getUploadURLExternal with %v", get.Form)
	}
	up, skip := f.WaitFor(skip, func(c slacktest.Call) bool { return c.Method == "upload" })
	if up.Status != http.StatusOK || up.Form.Get("filename") != file.Name || up.Form.Get("content") != string(file.Data) {
		t.Errorf("upload %d with %v", up.Status, up.Form)
	}
	done, skip := f.WaitFor(skip, isMethod("files.completeUploadExternal"))
	if done.Param("channel_id") != channel || !strings.Contains(done.Param("files"), file.Name) {
		t.Errorf("completeUploadExternal with %v, want channel %s", done.Form, channel)
	}
	return skip
}

// TestStatsChartUploaded: a facilitator's /als stats answers privately in
// the channel and uploads the chart, a real PNG, to their DM.
func TestStatsChartUploaded(t *testing.T) {
	h := newHarness(t)
	h.command("UFAC", setChannel, "setup West set")
	r := h.command("UFAC", setChannel, "stats")
	if r.ResponseType != "ephemeral" || !strings.Contains(r.Text, "Statistics of West set") {
		t.Fatalf("stats answered %+v", r)
	}
	_, skip := h.fake.WaitFor(0, func(c slacktest.Call) bool { return c.Method == "conversations.open" && c.Param("users") == "UFAC" })
	up, _ := h.fake.WaitFor(skip, func(c slacktest.Call) bool { return c.Method == "upload" })
	if !strings.HasSuffix(up.Form.Get("filename"), "-chart.png") {
		t.Errorf("uploaded %q", up.Form.Get("filename"))
	}
	if _, err := png.Decode(bytes.NewReader([]byte(up.Form.Get("content")))); err != nil {
		t.Errorf("the chart is not a PNG: %v", err)
	}
	done, _ := h.fake.WaitFor(skip, isMethod("files.completeUploadExternal"))
	if done.Param("channel_id") != "DFAC" {
		t.Errorf("chart shared in %q, want the DM DFAC", done.Param("channel_id"))
	}
}

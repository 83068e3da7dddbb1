package teams

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// TestSendChartInline: the stats chart reaches the connector as an Image in
// the card, a data URL that decodes to the PNG sent; a CSV becomes a note.
func TestSendChartInline(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	r.seed(convKey("19:chan"), r.channelRef("19:chan"))
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	var chart bytes.Buffer
	if err := png.Encode(&chart, img); err != nil {
		t.Fatal(err)
	}
	msg := bot.Message{Title: "Statistics of West set", Files: []bot.File{
		{Name: "west-chart.png", ContentType: "image/png", Data: chart.Bytes()},
		{Name: "west-attendance.csv", ContentType: "text/csv", Data: []byte("a,b\n")},
	}}
	if _, err := r.adapter.Send(context.Background(), bot.Destination{Platform: bot.Teams, ChannelID: "19:chan"}, msg); err != nil {
		t.Fatal(err)
	}
	posts := r.bf.posts()
	if len(posts) != 1 || len(posts[0].Activity.Attachments) != 1 {
		t.Fatalf("posts %+v", posts)
	}
	raw, err := json.Marshal(posts[0].Activity.Attachments[0].Content)
	if err != nil {
		t.Fatal(err)
	}
	var card struct {
		Body []struct{ Type, URL, Text string }
	}
	if err := json.Unmarshal(raw, &card); err != nil {
		t.Fatal(err)
	}
	var url, note string
	for _, e := range card.Body {
		switch e.Type {
		case "Image":
			url = e.URL
		case "TextBlock":
			if strings.Contains(e.Text, "west-attendance.csv") {
				note = e.Text
			}
		}
	}
	data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(url, "data:image/png;base64,"))
	if !strings.HasPrefix(url, "data:image/png;base64,") || err != nil || !bytes.Equal(data, chart.Bytes()) {
		t.Errorf("image url %.60q does not carry the chart (%v)", url, err)
	}
	if !strings.Contains(note, "alsbot export") {
		t.Errorf("no note for the CSV: %q", note)
	}
}

package teams

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestExportInPersonalChat: export typed in the facilitator's 1:1 chat
// offers each CSV with a file consent card there; accepting one (Teams'
// fileConsent/invoke with an upload URL) uploads the CSV and shows it with
// a file info card.
func TestExportInPersonalChat(t *testing.T) {
	r := newRig(t, &recordingHandler{})
	a := newApp(r, "files")
	r.start(a.router)
	a.out.set(r.adapter.Messenger())
	svc := r.bf.serviceURL()
	fay := person("29:fay", "aad-fay", "Fay")
	ana := person("29:ana", "aad-ana", "Ana")
	r.send(installActivity(svc, "install-1"))
	r.send(channelMessage(svc, "m1", "setup West set", fay))
	r.send(channelMessage(svc, "m2", "members add <at>Ana</at>", fay, mention(ana)))

	before := len(r.bf.posts())
	if got := r.post(personalMessage(svc, "p1", "export", fay, nil)); got != http.StatusAccepted {
		t.Fatalf("export: %d", got)
	}
	posts := r.waitPosts(before + 3)[before:] // the answer and two consent cards
	const personal = "a:personal-aad-fay"
	offers := map[string]map[string]any{}
	for _, p := range posts {
		if p.ConvID != personal {
			t.Errorf("export posted in %s, want only fay's 1:1 chat", p.ConvID)
		}
		for _, att := range p.Raw["attachments"].([]any) {
			m := att.(map[string]any)
			if m["contentType"] == fileConsentType {
				offers[m["name"].(string)] = m["content"].(map[string]any)
			}
		}
	}
	if len(offers) != 2 {
		t.Fatalf("offered %v, want the two CSVs", offers)
	}
	for name, content := range offers {
		if !strings.HasSuffix(name, ".csv") {
			t.Errorf("offered %s", name)
		}
		before := len(r.bf.posts())
		invoke := personalMessage(svc, "inv-"+name, "", fay, map[string]any{
			"type": "fileUpload", "action": "accept", "context": content["acceptContext"],
			"uploadInfo": map[string]any{"name": name, "uploadUrl": r.bf.srv.URL + "/upload/" + name,
				"contentUrl": "https://contoso.sharepoint.com/personal/fay/" + name, "uniqueId": "u-" + name, "fileType": "csv"},
		})
		invoke["type"], invoke["name"] = "invoke", invokeFileConsent
		if got := r.post(invoke); got != http.StatusOK {
			t.Fatalf("file consent invoke: %d, want 200", got)
		}
		info := r.waitPosts(before + 1)[before]
		atts, _ := json.Marshal(info.Raw["attachments"])
		if !strings.Contains(string(atts), fileInfoType) || !strings.Contains(string(atts), "contoso.sharepoint.com/personal/fay/"+name) {
			t.Errorf("after the upload the bot posted %s, want a file info card", atts)
		}
		r.bf.mu.Lock()
		data := r.bf.uploads[name]
		r.bf.mu.Unlock()
		if !strings.HasPrefix(string(data), "\ufeff") || !strings.Contains(string(data), ",") {
			t.Errorf("uploaded %s = %q, want the CSV", name, data)
		}
	}
}

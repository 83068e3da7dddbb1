package slacktest

// response_urls, file uploads, and capturing the payloads Slack accepted.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// serveResponse takes an answer posted to a response_url; Slack checks its
// blocks like a message's.
func (f *Server) serveResponse(w http.ResponseWriter, r *http.Request) {
	c := Call{Method: "response_url", At: time.Now(), Status: http.StatusOK}
	body, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(body, &c.JSON)
	if c.JSON == nil {
		c.JSON = map[string]any{}
	}
	c.JSON["url"] = r.URL.Path
	w.Header().Set("Content-Type", "application/json")
	if c.Problems = ValidateMessage(c.Param("text"), json.RawMessage(c.Param("blocks"))); len(c.Problems) > 0 {
		c.Error = "invalid_blocks"
		f.record(c)
		_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_blocks"}`)
		return
	}
	f.record(c)
	f.keep("response_url", c.Param("text"), c.Param("blocks"))
	_, _ = io.WriteString(w, `{"ok":true}`)
}

// Capture writes a message payload Slack accepted other than through this
// server (a slash command's immediate answer) to the capture directory,
// when there is one (ALSBOT_CAPTURE_DIR).
func (f *Server) Capture(kind, text string, blocks json.RawMessage) {
	f.keep(kind, text, string(blocks))
}

// keep writes an accepted message payload to the capture directory.
func (f *Server) keep(method, text, blocks string) {
	if f.capture == "" {
		return
	}
	if blocks == "" {
		blocks = "[]"
	}
	f.keepRaw(method, []byte(`{"text":`+strconv.Quote(text)+`,"blocks":`+blocks+`}`))
}

func (f *Server) keepRaw(method string, payload []byte) {
	if f.capture == "" {
		return
	}
	f.mu.Lock()
	f.captured++
	name := fmt.Sprintf("%s-%03d-%s.json", f.prefix, f.captured, method)
	f.mu.Unlock()
	var v any
	if json.Unmarshal(payload, &v) != nil {
		return
	}
	pretty, _ := json.MarshalIndent(v, "", "  ")
	if err := os.WriteFile(filepath.Join(f.capture, name), pretty, 0o644); err != nil {
		f.t.Errorf("capture %s: %v", name, err)
	}
}

// serveUpload takes a file upload to a URL files.getUploadURLExternal gave,
// as multipart form data with the field "file"; it records the file's name
// (Form "filename"), its content ("content") and the URL path ("url").
func (f *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	c := Call{Method: "upload", At: time.Now(), Status: http.StatusOK, Form: url.Values{}, Auth: r.Header.Get("Authorization")}
	c.Form.Set("url", r.URL.Path)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		c.Status = http.StatusBadRequest
		f.record(c)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b, _ := io.ReadAll(file)
	c.Form.Set("filename", hdr.Filename)
	c.Form.Set("content", string(b))
	f.record(c)
	_, _ = io.WriteString(w, "OK - "+strconv.Itoa(len(b)))
}

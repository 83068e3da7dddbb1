package slacktest

// The Web API methods: each call recorded, validated and answered as Slack does.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

func (f *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	c := Call{Method: method, At: time.Now(), Auth: r.Header.Get("Authorization")}
	body, _ := io.ReadAll(r.Body)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, &c.JSON)
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	f.mu.Lock()
	retry := -1
	if q := f.limit[method]; len(q) > 0 {
		retry, f.limit[method] = q[0], q[1:]
	}
	var scripted string
	if q := f.fail[method]; len(q) > 0 {
		scripted, f.fail[method] = q[0], q[1:]
	}
	f.ts++
	ts := fmt.Sprintf("1700000000.%06d", f.ts)
	f.mu.Unlock()
	if retry >= 0 {
		c.Status = http.StatusTooManyRequests
		f.record(c)
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	c.Status = http.StatusOK
	resp := f.answer(&c, method, ts)
	if scripted != "" {
		resp = map[string]any{"ok": false, "error": scripted}
	}
	if ok, _ := resp["ok"].(bool); !ok {
		c.Error, _ = resp["error"].(string)
	}
	if len(c.Problems) > 0 {
		msgs := make([]string, len(c.Problems))
		for i, p := range c.Problems {
			msgs[i] = "[ERROR] " + p.String()
		}
		resp["response_metadata"] = map[string]any{"messages": msgs}
	}
	f.record(c)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func refuse(err string) map[string]any { return map[string]any{"ok": false, "error": err} }

// answer is the Web API's answer to one call; it validates payloads first.
func (f *Server) answer(c *Call, method, ts string) map[string]any {
	switch method {
	case "auth.test":
		return map[string]any{"ok": true, "user_id": "UBOT", "user": "alsbot", "team": "Test team", "team_id": "T1"}
	case "chat.postMessage", "chat.postEphemeral", "chat.update":
		channel := c.Param("channel")
		if c.Problems = ValidateMessage(c.Param("text"), json.RawMessage(c.Param("blocks"))); len(c.Problems) > 0 {
			if strings.Contains(c.Problems[0].Msg, "no_text") {
				return refuse("no_text")
			}
			return refuse("invalid_blocks")
		}
		if err := f.channelError(channel); err != "" {
			return refuse(err)
		}
		switch method {
		case "chat.postEphemeral":
			if !f.knownUser(c.Param("user")) {
				return refuse("user_not_found")
			}
			f.keep(method, c.Param("text"), c.Param("blocks"))
			return map[string]any{"ok": true, "message_ts": ts}
		case "chat.update":
			f.mu.Lock()
			ok := f.messages[channel+"/"+c.Param("ts")]
			f.mu.Unlock()
			if !ok {
				return refuse("message_not_found")
			}
			f.keep(method, c.Param("text"), c.Param("blocks")) // a live card's updates are checked too
			return map[string]any{"ok": true, "channel": channel, "ts": c.Param("ts")}
		}
		f.mu.Lock()
		f.messages[channel+"/"+ts] = true
		f.mu.Unlock()
		f.keep(method, c.Param("text"), c.Param("blocks"))
		return map[string]any{"ok": true, "channel": channel, "ts": ts}
	case "conversations.info":
		// Like Slack: a public channel the bot is not in answers is_member
		// false; a channel it cannot see, channel_not_found.
		channel := c.Param("channel")
		switch err := f.channelError(channel); err {
		case "":
			return map[string]any{"ok": true, "channel": map[string]any{"id": channel, "is_member": true}}
		case "not_in_channel":
			return map[string]any{"ok": true, "channel": map[string]any{"id": channel, "is_member": false}}
		default:
			return refuse(err)
		}
	case "conversations.open":
		user := c.Param("users")
		if !f.knownUser(user) {
			return refuse("user_not_found")
		}
		id := "D" + strings.TrimPrefix(user, "U")
		f.mu.Lock()
		if _, ok := f.channels[id]; !ok {
			f.channels[id] = ""
		}
		f.mu.Unlock()
		return map[string]any{"ok": true, "channel": map[string]any{"id": id}}
	case "users.info":
		id := c.Param("user")
		f.mu.Lock()
		u, ok := f.users[id]
		f.mu.Unlock()
		if !ok {
			return refuse("user_not_found")
		}
		return map[string]any{"ok": true, "user": map[string]any{"id": id, "name": strings.ToLower(u.Name), "real_name": u.Name, "tz": u.TZ, "profile": map[string]any{"display_name": u.Name}}}
	case "files.getUploadURLExternal":
		id := "F" + strings.ReplaceAll(ts, ".", "")
		return map[string]any{"ok": true, "upload_url": f.srv.URL + "/upload/" + id, "file_id": id}
	case "files.completeUploadExternal":
		if ch := c.Param("channel_id"); ch != "" {
			if err := f.channelError(ch); err != "" {
				return refuse(err)
			}
		}
		return map[string]any{"ok": true, "files": []any{map[string]any{"id": "F", "title": "t"}}}
	case "views.open", "views.publish", "views.update":
		if c.Problems = ValidateView(json.RawMessage(c.Param("view"))); len(c.Problems) > 0 {
			return refuse("invalid_arguments")
		}
		f.keepRaw(method, []byte(c.Param("view")))
		return map[string]any{"ok": true, "view": map[string]any{"id": "V" + ts}}
	case "apps.connections.open":
		return map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"}
	}
	return refuse("unknown_method")
}

// channelError is what posting to channel answers: "" when the bot may post.
func (f *Server) channelError(channel string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	err, ok := f.channels[channel]
	if !ok {
		return "channel_not_found"
	}
	return err
}

func (f *Server) knownUser(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.users[id]
	return ok
}

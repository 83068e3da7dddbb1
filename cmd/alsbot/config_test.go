package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
)

func envOf(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestLoadConfigDefaults(t *testing.T) {
	got := loadConfig(envOf(nil))
	want := Config{
		MongoDatabase: "alsbot",
		DataDir:       "./data",
		Addr:          ":3000",
		SlackAPIURL:   "https://slack.com/api/",
		LogLevel:      "info",
		LogFormat:     "text",
	}
	if got != want {
		t.Errorf("defaults:\n%+v\nwant\n%+v", got, want)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
	if got.SlackEnabled() || got.TeamsEnabled() {
		t.Error("no credentials, yet a platform is enabled")
	}
}

func TestLoadConfigValues(t *testing.T) {
	got := loadConfig(envOf(map[string]string{
		"MONGODB_URI":             " mongodb://db:27017/?replicaSet=rs0\n",
		"MONGODB_DATABASE":        "als_prod",
		"ALSBOT_DATA_DIR":         "/var/lib/alsbot",
		"ALSBOT_ADDR":             "127.0.0.1:8080",
		"SLACK_BOT_TOKEN":         "xoxb-1-2",
		"SLACK_APP_TOKEN":         "xapp-1-2",
		"SLACK_API_URL":           "http://127.0.0.1:9999/api",
		"MICROSOFT_APP_ID":        "app",
		"MICROSOFT_APP_PASSWORD":  "secret",
		"MICROSOFT_APP_TENANT_ID": "tenant",
		"ALSBOT_LOG_LEVEL":        "DEBUG",
		"ALSBOT_LOG_FORMAT":       "json",
	}))
	if got.MongoURI != "mongodb://db:27017/?replicaSet=rs0" || got.SlackAPIURL != "http://127.0.0.1:9999/api/" || got.LogLevel != "debug" || got.Addr != "127.0.0.1:8080" {
		t.Errorf("values not read as given (trimmed, trailing slash, lower case): %+v", got)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("valid configuration refused: %v", err)
	}
	if !got.SlackEnabled() || !got.TeamsEnabled() {
		t.Error("credentials set, yet a platform is not enabled")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string // every problem expected in the error
	}{
		{name: "app token without bot token", env: map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, want: []string{"SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not"}},
		{name: "signing secret without bot token", env: map[string]string{"SLACK_SIGNING_SECRET": "s"}, want: []string{"SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not"}},
		{name: "bot token alone", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, want: []string{"without SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET"}},
		{name: "token kinds swapped", env: map[string]string{"SLACK_BOT_TOKEN": "xapp-1", "SLACK_APP_TOKEN": "xoxb-1"}, want: []string{"SLACK_BOT_TOKEN must be a bot token starting with xoxb-", "SLACK_APP_TOKEN must be an app-level token starting with xapp-"}},
		{name: "password without app id", env: map[string]string{"MICROSOFT_APP_PASSWORD": "secret-value"}, want: []string{"MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is not"}},
		{name: "app id without password", env: map[string]string{"MICROSOFT_APP_ID": "a"}, want: []string{"MICROSOFT_APP_ID is set but MICROSOFT_APP_PASSWORD is not"}},
		{name: "tenant without app id", env: map[string]string{"MICROSOFT_APP_TENANT_ID": "t"}, want: []string{"MICROSOFT_APP_TENANT_ID is set but MICROSOFT_APP_ID is not"}},
		{name: "bad urls", env: map[string]string{"SLACK_API_URL": "slack.com/api", "TEAMS_TOKEN_URL": "ftp://x", "TEAMS_OPENID_METADATA_URL": "::"}, want: []string{"SLACK_API_URL", "TEAMS_TOKEN_URL", "TEAMS_OPENID_METADATA_URL"}},
		{name: "bad store settings", env: map[string]string{"MONGODB_URI": "postgres://x", "MONGODB_DATABASE": "a.b"}, want: []string{"MONGODB_URI must start with mongodb://", "MONGODB_DATABASE \"a.b\" is not a valid database name"}},
		{name: "bad address", env: map[string]string{"ALSBOT_ADDR": "3000"}, want: []string{"ALSBOT_ADDR \"3000\""}},
		{name: "bad logging", env: map[string]string{"ALSBOT_LOG_LEVEL": "loud", "ALSBOT_LOG_FORMAT": "xml"}, want: []string{"ALSBOT_LOG_LEVEL \"loud\"", "ALSBOT_LOG_FORMAT \"xml\""}},
		{name: "all at once", env: map[string]string{"SLACK_APP_TOKEN": "bad", "MICROSOFT_APP_PASSWORD": "p", "ALSBOT_LOG_LEVEL": "loud"}, want: []string{"SLACK_APP_TOKEN must be", "SLACK_APP_TOKEN is set but", "MICROSOFT_APP_PASSWORD is set", "ALSBOT_LOG_LEVEL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := loadConfig(envOf(tt.env)).Validate()
			if err == nil {
				t.Fatal("Validate accepted it")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if n := strings.Count(err.Error(), "\n") + 1; n != len(tt.want) {
				t.Errorf("%d problems reported, want %d: %v", n, len(tt.want), err)
			}
			for _, secret := range []string{"secret-value"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error shows a secret: %v", err)
				}
			}
		})
	}
}

func TestNewLoggerLevels(t *testing.T) {
	tests := []struct {
		level, format string
		wantDebug     bool
		wantInfo      bool
		wantJSON      bool
	}{
		{level: "debug", format: "text", wantDebug: true, wantInfo: true},
		{level: "info", format: "json", wantInfo: true, wantJSON: true},
		{level: "warn", format: "text"},
		{level: "error", format: "text"},
	}
	for _, tt := range tests {
		t.Run(tt.level+"/"+tt.format, func(t *testing.T) {
			var buf bytes.Buffer
			log := newLogger(&buf, Config{LogLevel: tt.level, LogFormat: tt.format})
			log.Debug("dbg")
			log.Info("inf")
			out := buf.String()
			if strings.Contains(out, "dbg") != tt.wantDebug || strings.Contains(out, "inf") != tt.wantInfo {
				t.Errorf("level %s logged %q", tt.level, out)
			}
			if tt.wantInfo && strings.HasPrefix(out, "{") != tt.wantJSON {
				t.Errorf("format %s logged %q", tt.format, out)
			}
		})
	}
}

func TestRunInProcess(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantOut string
		wantErr string
	}{
		{name: "version", args: []string{"version"}, wantOut: "alsbot "},
		{name: "help", args: []string{"--help"}, wantOut: "alsbot version"},
		{name: "extra arguments", args: []string{"serve", "now"}, wantErr: "unexpected arguments"},
		{name: "export without flags", args: []string{"export"}, wantErr: "give --set and --out"},
		{name: "teams on an address in use", env: map[string]string{"MICROSOFT_APP_ID": "a", "MICROSOFT_APP_PASSWORD": "secret-value", "ALSBOT_ADDR": "{busy}"}, wantErr: "listen on ALSBOT_ADDR"},
		{name: "problems listed", env: map[string]string{"SLACK_APP_TOKEN": "xapp-1", "MICROSOFT_APP_ID": "a"}, wantErr: "the configuration has problems:\nSLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: Socket Mode needs both\nMICROSOFT_APP_ID is set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			env := map[string]string{"ALSBOT_DATA_DIR": t.TempDir()}
			for k, v := range tt.env {
				if v == "{busy}" {
					busy, err := net.Listen("tcp", "127.0.0.1:0")
					if err != nil {
						t.Fatal(err)
					}
					defer busy.Close()
					v = busy.Addr().String()
				}
				env[k] = v
			}
			err := run(context.Background(), tt.args, envOf(env), strings.NewReader(""), &stdout, &stderr)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("run = %v, want error with %q", err, tt.wantErr)
			}
			if !strings.Contains(stdout.String(), tt.wantOut) {
				t.Errorf("stdout %q lacks %q", stdout.String(), tt.wantOut)
			}
			if strings.Contains(stdout.String()+stderr.String()+errString(err), "secret-value") {
				t.Error("a secret was printed")
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

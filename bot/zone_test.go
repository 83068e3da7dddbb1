package bot

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zones without the system database, as the binary does
)

func TestZoneNamesLoad(t *testing.T) {
	n := 0
	for _, name := range strings.Split(zoneNames, "\n") {
		if name == "" {
			continue
		}
		n++
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n < 500 {
		t.Fatalf("only %d zone names", n)
	}
}

func TestLookupZone(t *testing.T) {
	for _, tc := range []struct {
		in, name, note, warn string
	}{
		{"Europe/London", "Europe/London", "", ""},
		{"europe/london", "Europe/London", "europe/london is Europe/London", ""},
		{"EUROPE/LONDON", "Europe/London", "is Europe/London", ""},
		{"London", "Europe/London", "London is Europe/London", ""},
		{"london", "Europe/London", "london is Europe/London", ""},
		{"UK", "Europe/London", "UK is Europe/London", ""},
		{"GB", "Europe/London", "GB is Europe/London", ""},
		{"United Kingdom", "Europe/London", "", ""},
		{"Manchester", "Europe/London", "", ""},
		{"BST", "Europe/London", "BST is London's summer time", ""},
		{"bst", "Europe/London", "moves between GMT and BST", ""},
		{"new york", "America/New_York", "new york is America/New_York", ""},
		{"America/new_york", "America/New_York", "", ""},
		{"EST", "America/New_York", "EST is New York's winter time", ""},
		{"Paris", "Europe/Paris", "", ""},
		{"dublin", "Europe/Dublin", "", ""},
		{"Sao Paulo", "America/Sao_Paulo", "", ""},
		{"Asia/Kolkata", "Asia/Kolkata", "", ""},
		{"GMT", "GMT", "", "GMT never changes for summer time"},
		{"gmt", "GMT", "", "never changes for summer time"},
		{"UTC", "UTC", "", "UTC never changes for summer time"},
		{"UTC+1", "Etc/GMT-1", "UTC+1 is Etc/GMT-1 (these names reverse the sign)", "Etc/GMT-1 (UTC+1) never changes for summer time"},
		{"GMT+1", "Etc/GMT-1", "reverse the sign", "never changes"},
		{"utc-5", "Etc/GMT+5", "UTC-5 is Etc/GMT+5", "never changes"},
		{"UTC+01:00", "Etc/GMT-1", "", "never changes"},
		{"+02:00", "Etc/GMT-2", "", "never changes"},
		{"UTC+0", "UTC", "", "never changes"},
		{"Etc/GMT-1", "Etc/GMT-1", "Etc/GMT-1 is UTC+1 (these names reverse the sign)", "never changes"},
		{"etc/gmt+5", "Etc/GMT+5", "is Etc/GMT+5", "never changes"},
		{"MST", "MST", "", "e.g. America/Denver"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			z, err := LookupZone(tc.in)
			if err != nil {
				t.Fatalf("LookupZone(%q): %v", tc.in, err)
			}
			if z.Name != tc.name || z.Loc == nil || z.Loc.String() != tc.name {
				t.Errorf("name %q (loc %v), want %q", z.Name, z.Loc, tc.name)
			}
			if !strings.Contains(z.Note, tc.note) || tc.note == "" && tc.in == tc.name && z.Note != "" && tc.warn == "" {
				t.Errorf("note %q, want %q", z.Note, tc.note)
			}
			if tc.warn == "" && z.Warning != "" || !strings.Contains(z.Warning, tc.warn) {
				t.Errorf("warning %q, want %q", z.Warning, tc.warn)
			}
		})
	}
}

func TestLookupZoneRefused(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "Give a time zone"},
		{"local", "Give a time zone"},
		{"Londn", "Did you mean Europe/London"},
		{"Europe/Londn", "Did you mean Europe/London"},
		{"Amsterdm", "Europe/Amsterdam"},
		{"IST", "IST means different zones in different places. Write the one you mean: Europe/Dublin, Asia/Kolkata"},
		{"CST", "America/Chicago, Asia/Shanghai"},
		{"UTC+5:30", "not a whole-hour offset"},
		{"UTC+15", "beyond the offsets in use"},
		{"UTC+x", "not an offset"},
		{"Narnia", "I don't know the time zone \"Narnia\""},
	} {
		_, err := LookupZone(tc.in)
		if err == nil || ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LookupZone(%q) error %v, want %q", tc.in, err, tc.want)
		}
	}
}

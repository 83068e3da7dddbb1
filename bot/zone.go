package bot

// Time zones by the names people use. A facilitator writes "London", "UK",
// "europe/london" or "BST" far more often than "Europe/London"; each of
// these maps to the IANA zone (with a note saying so), a zone that never
// moves to summer time (GMT, UTC+1) is accepted with a warning, and an
// unknown name gets the closest IANA names. Zones are loaded with
// time.LoadLocation: the binary embeds time/tzdata, so this works on hosts
// without a zone database.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Zone is the time zone found for what someone wrote.
type Zone struct {
	Name string // the IANA name to store, e.g. "Europe/London"
	Loc  *time.Location
	// Note says how the name was read ("UK is Europe/London"); empty when
	// it was the IANA name as written.
	Note string
	// Warning is set for a zone that never changes for summer time.
	Warning string
}

// zoneAliases are names people use for a zone that tzdata does not spell
// that way: countries, cities that are not the zone's own, and the
// abbreviations that point at one zone only. Keys are lower case, with
// spaces.
func zoneAliases() map[string]string {
	london := "Europe/London"
	return map[string]string{
		"uk": london, "u.k.": london, "gb": london, "great britain": london, "britain": london,
		"united kingdom": london, "england": london, "scotland": london, "wales": london,
		"northern ireland": london, "edinburgh": london, "cardiff": london, "belfast": london,
		"manchester": london, "birmingham": london, "glasgow": london, "leeds": london,
		"liverpool": london, "bristol": london, "newcastle": london, "sheffield": london,
		"nottingham": london, "leicester": london, "brighton": london, "uk time": london,
		"bst": london, "british summer time": london, "british time": london,
		"ireland": "Europe/Dublin", "eire": "Europe/Dublin", "irish time": "Europe/Dublin",
		"cest": "Europe/Paris", "central european time": "Europe/Paris",
		"france": "Europe/Paris", "germany": "Europe/Berlin", "spain": "Europe/Madrid",
		"netherlands": "Europe/Amsterdam", "italy": "Europe/Rome", "portugal": "Europe/Lisbon",
		"est": "America/New_York", "edt": "America/New_York", "eastern": "America/New_York", "eastern time": "America/New_York",
		"pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pacific": "America/Los_Angeles", "pacific time": "America/Los_Angeles",
		"mdt": "America/Denver", "mountain time": "America/Denver",
		"cdt": "America/Chicago", "central time": "America/Chicago",
		"aest": "Australia/Sydney", "aedt": "Australia/Sydney", "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland",
		"jst": "Asia/Tokyo", "india": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata",
		"bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata", "washington": "America/New_York", "san francisco": "America/Los_Angeles",
		"boston": "America/New_York", "seattle": "America/Los_Angeles", "beijing": "Asia/Shanghai", "china": "Asia/Shanghai",
		"japan": "Asia/Tokyo", "singapore": "Asia/Singapore", "hong kong": "Asia/Hong_Kong",
	}
}

// seasonNotes explain abbreviations of one season of a zone that has two.
func seasonNotes() map[string]string {
	return map[string]string{
		"bst":  "BST is London's summer time; Europe/London moves between GMT and BST by itself",
		"est":  "EST is New York's winter time; America/New_York moves between EST and EDT by itself",
		"edt":  "EDT is New York's summer time; America/New_York moves between EST and EDT by itself",
		"pst":  "PST is Los Angeles' winter time; America/Los_Angeles moves between PST and PDT by itself",
		"pdt":  "PDT is Los Angeles' summer time; America/Los_Angeles moves between PST and PDT by itself",
		"cest": "CEST is central Europe's summer time; Europe/Paris moves between CET and CEST by itself",
	}
}

// ambiguousZones are abbreviations that name more than one zone: the
// facilitator picks.
func ambiguousZones() map[string][]string {
	return map[string][]string{
		"ist": {"Europe/Dublin", "Asia/Kolkata", "Asia/Jerusalem"},
		"cst": {"America/Chicago", "Asia/Shanghai", "America/Havana"},
		"ast": {"America/Halifax", "Asia/Riyadh"},
	}
}

// isFixedName reports whether name is a zone without summer time that
// people pick by mistake for a place that has it.
func isFixedName(name string) bool {
	switch name {
	case "GMT", "UTC", "UCT", "Universal", "Zulu", "Greenwich", "GMT0", "GMT+0", "GMT-0", "EST", "MST", "HST":
		return true
	}
	return strings.HasPrefix(name, "Etc/")
}

// LookupZone finds the time zone s names. Errors are EINVALID sentences
// with the closest names.
func LookupZone(s string) (Zone, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || len(s) > 60 || strings.EqualFold(s, "local") {
		return Zone{}, Errorf(EINVALID, "Give a time zone, e.g. Europe/London, London or UK.")
	}
	key := strings.ToLower(s)
	if z, ok, err := fixedOffsetZone(s); ok || err != nil {
		return z, err
	}
	// Countries, cities and abbreviations first, so "GB" or "Japan" (old
	// tzdata links) are stored as the zone they point to.
	if name, ok := zoneAliases()[key]; ok {
		note := fmt.Sprintf("%s is %s", s, name)
		if n, ok := seasonNotes()[key]; ok {
			note = n
		}
		return loadZone(name, note)
	}
	if opts, ok := ambiguousZones()[key]; ok {
		return Zone{}, Errorf(EINVALID, "%s means different zones in different places. Write the one you mean: %s.", strings.ToUpper(s), strings.Join(opts, ", "))
	}
	// The IANA name as written, in any case, with spaces for underscores.
	norm := strings.ReplaceAll(s, " ", "_")
	if name, ok := zoneByFold(norm); ok {
		note := ""
		if name != s {
			note = fmt.Sprintf("%s is %s", s, name)
		}
		return loadZone(name, note)
	}
	// A city: the last part of a zone name ("new york", "sao paulo").
	if names := zonesByCity(norm); len(names) == 1 {
		return loadZone(names[0], fmt.Sprintf("%s is %s", s, names[0]))
	} else if len(names) > 1 {
		return Zone{}, Errorf(EINVALID, "%q matches several zones: %s. Write the one you mean.", clip(s, 40), strings.Join(names, ", "))
	}
	msg := fmt.Sprintf("I don't know the time zone %q.", clip(s, 40))
	if near := nearestZones(norm, 3); len(near) > 0 {
		msg += " Did you mean " + joinOr(near) + "?"
	}
	return Zone{}, Errorf(EINVALID, "%s Write a place such as Europe/London, London or UK, or an offset such as UTC+1.", msg)
}

func loadZone(name, note string) (Zone, error) {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Only a build without time/tzdata on a host without a zone
		// database gets here: say so rather than blame the input.
		return Zone{}, Errorf(EINVALID, "The time zone %s cannot be loaded on this server (no zone database).", name)
	}
	z := Zone{Name: name, Loc: loc, Note: note}
	if isFixedName(name) {
		z.Warning = fixedWarning(name, loc)
		if off := strings.TrimPrefix(name, "Etc/GMT"); note == "" && off != name && off != "" && (off[0] == '+' || off[0] == '-') {
			flipped := map[byte]byte{'+': '-', '-': '+'}[off[0]]
			z.Note = fmt.Sprintf("%s is UTC%c%s (these names reverse the sign)", name, flipped, off[1:])
		}
	}
	return z, nil
}

// fixedWarning explains that a fixed zone stays put while UK clocks move.
func fixedWarning(name string, loc *time.Location) string {
	_, off := time.Date(2026, 7, 1, 12, 0, 0, 0, loc).Zone()
	label := "UTC"
	switch {
	case name == "GMT":
		label = "GMT"
	case off != 0:
		label = fmt.Sprintf("UTC%+d", off/3600)
	}
	alias := ""
	if label != name {
		alias = fmt.Sprintf(" (%s)", label)
	}
	place := "Europe/London"
	switch name {
	case "MST":
		place = "America/Denver"
	case "HST":
		place = "Pacific/Honolulu"
	}
	return fmt.Sprintf("%s%s never changes for summer time: a session at 14:00 stays at 14:00 %s all year, while clocks in the UK and most of Europe and North America move an hour in spring and autumn. If the set meets in one place, use that place's zone, e.g. %s.", name, alias, label, place)
}

// fixedOffsetZone reads UTC, GMT, Z, UTC+1, GMT-5, +01:00, UTC+0100 as the
// matching Etc/GMT zone. Etc/GMT names reverse the sign (UTC+1 is
// Etc/GMT-1), so the note says which offset was meant. ok is false when s
// is not an offset at all.
func fixedOffsetZone(s string) (z Zone, ok bool, err error) {
	u := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	rest := ""
	switch {
	case u == "Z" || u == "UTC" || u == "GMT" || u == "UTC0" || u == "GMT0":
		name := "UTC"
		if strings.HasPrefix(u, "GMT") {
			name = "GMT"
		}
		z, err := loadZone(name, "")
		return z, true, err
	case strings.HasPrefix(u, "UTC") || strings.HasPrefix(u, "GMT"):
		rest = u[3:]
	case strings.HasPrefix(u, "+") || strings.HasPrefix(u, "-"):
		rest = u
	default:
		return Zone{}, false, nil
	}
	if rest == "" || rest[0] != '+' && rest[0] != '-' {
		return Zone{}, false, nil
	}
	sign, digits := rest[0], strings.ReplaceAll(rest[1:], ":", "")
	if !isAllDigits(digits) || len(digits) > 4 {
		return Zone{}, true, Errorf(EINVALID, "%q is not an offset. Write e.g. UTC+1 or UTC-5, or better a place such as Europe/London.", clip(s, 40))
	}
	h, m := 0, 0
	if len(digits) <= 2 {
		h, _ = strconv.Atoi(digits)
	} else {
		h, _ = strconv.Atoi(digits[:len(digits)-2])
		m, _ = strconv.Atoi(digits[len(digits)-2:])
	}
	if m != 0 {
		return Zone{}, true, Errorf(EINVALID, "%q is not a whole-hour offset, which only a place name can give. Write the place, e.g. Asia/Kolkata or Australia/Adelaide.", clip(s, 40))
	}
	if sign == '+' && h > 14 || sign == '-' && h > 12 {
		return Zone{}, true, Errorf(EINVALID, "%q is beyond the offsets in use (UTC-12 to UTC+14).", clip(s, 40))
	}
	if h == 0 {
		z, err := loadZone("UTC", "")
		return z, true, err
	}
	// POSIX signs: Etc/GMT-1 is one hour ahead of UTC.
	etc := fmt.Sprintf("Etc/GMT-%d", h)
	if sign == '-' {
		etc = fmt.Sprintf("Etc/GMT+%d", h)
	}
	z, err = loadZone(etc, fmt.Sprintf("UTC%c%d is %s (these names reverse the sign)", sign, h, etc))
	return z, true, err
}

// zoneByFold finds a zone name equal to s ignoring case.
func zoneByFold(s string) (string, bool) {
	for _, name := range strings.Split(zoneNames, "\n") {
		if name != "" && strings.EqualFold(name, s) {
			return name, true
		}
	}
	return "", false
}

// canonicalArea reports whether a zone name is in one of tzdata's regions
// (not a backward-compatible link such as US/Eastern or GB).
func canonicalArea(name string) bool {
	area, _, ok := strings.Cut(name, "/")
	if !ok {
		return false
	}
	switch area {
	case "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific":
		return true
	}
	return false
}

// zonesByCity returns the canonical zones whose last part is the city.
func zonesByCity(city string) []string {
	city = strings.ToLower(strings.ReplaceAll(city, "-", "_"))
	var out []string
	for _, name := range strings.Split(zoneNames, "\n") {
		if !canonicalArea(name) {
			continue
		}
		last := name[strings.LastIndex(name, "/")+1:]
		if strings.EqualFold(strings.ReplaceAll(last, "-", "_"), city) {
			out = append(out, name)
		}
	}
	return out
}

// nearestZones returns up to n canonical zone names closest to s by edit
// distance, comparing with whole names and with their city part.
func nearestZones(s string, n int) []string {
	s = strings.ToLower(s)
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for _, name := range strings.Split(zoneNames, "\n") {
		if !canonicalArea(name) {
			continue
		}
		l := strings.ToLower(name)
		d := editDistance(s, l)
		if c := editDistance(s, l[strings.LastIndex(l, "/")+1:]); c < d {
			d = c
		}
		if d <= max(2, len(s)/3) {
			cs = append(cs, cand{name, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.name)
	}
	return out
}

func joinOr(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

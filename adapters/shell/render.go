package shell

import (
	"fmt"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

// Render turns a message into the shell's text lines, without the
// "[where]" prefix: title, text, sections (title, text, "Label: Value"
// fields), buttons as the command to type, a form as its fields and the
// command to type, and files by name and size. It is a pure function.
func Render(m bot.Message) []string {
	m = shellWords(m)
	var out []string
	if t := strings.TrimSpace(m.Title); t != "" {
		out = append(out, splitLines(t, "")...)
	}
	if t := strings.TrimSpace(m.Text); t != "" {
		out = append(out, splitLines(t, "")...)
	}
	for _, s := range m.Sections {
		indent := ""
		if t := strings.TrimSpace(s.Title); t != "" {
			out = append(out, splitLines(t, "")...)
			indent = "  "
		}
		if t := strings.TrimSpace(s.Text); t != "" {
			out = append(out, splitLines(t, indent)...)
		}
		for _, f := range s.Fields {
			out = append(out, fieldLines(f, indent)...)
		}
	}
	for _, b := range m.Buttons {
		out = append(out, buttonLine(b))
	}
	if m.Form != nil {
		out = append(out, formLines(m.Form)...)
	}
	for _, f := range m.Files {
		out = append(out, fmt.Sprintf("(file %s, %d bytes)", f.Name, len(f.Data)))
	}
	if len(out) == 0 {
		out = append(out, "(no text)")
	}
	return out
}

// Format renders m as one block of output: the first line after the
// "[where] " prefix, the continuation lines indented by two spaces, ending in
// a newline. Blank lines stay blank (no trailing spaces).
func Format(where string, m bot.Message) string {
	var b strings.Builder
	for i, line := range Render(m) {
		switch {
		case i == 0:
			b.WriteString("[" + where + "] ")
		case line != "":
			b.WriteString("  ")
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// splitLines splits text into lines, each after indent (empty lines stay
// empty) and without trailing spaces.
func splitLines(text, indent string) []string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		l = strings.TrimRight(l, " \t\r")
		if l != "" {
			l = indent + l
		}
		lines[i] = l
	}
	return lines
}

func fieldLines(f bot.Field, indent string) []string {
	value := strings.TrimSpace(f.Value)
	label := strings.TrimSpace(f.Label)
	if label == "" {
		return splitLines(value, indent)
	}
	lines := splitLines(value, indent+"  ")
	first := strings.TrimPrefix(lines[0], indent+"  ")
	lines[0] = indent + label + ": " + first
	if first == "" {
		lines[0] = indent + label + ":"
	}
	return lines
}

func buttonLine(b bot.Button) string {
	switch {
	case b.Form != nil:
		return fmt.Sprintf("[%s] -> type: /als %s", b.Label, FormUsage(b.Form))
	case strings.TrimSpace(b.Command) != "":
		return fmt.Sprintf("[%s] -> type: /als %s", b.Label, strings.TrimSpace(b.Command))
	default:
		return "[" + b.Label + "]"
	}
}

func formLines(f *bot.Form) []string {
	title := strings.TrimSpace(f.Title)
	if title == "" {
		title = "Form"
	}
	out := []string{title}
	for _, ff := range f.Fields {
		label := strings.TrimSpace(ff.Label)
		if label == "" {
			label = ff.Name
		}
		var notes []string
		switch ff.Kind {
		case bot.FieldDate:
			notes = append(notes, "a date, e.g. 31/12/2026")
		case bot.FieldChoice:
			var vals []string
			for _, o := range ff.Options {
				vals = append(vals, o.Value)
			}
			notes = append(notes, "one of "+strings.Join(vals, ", "))
		}
		if ff.Required {
			notes = append(notes, "required")
		}
		if ff.MaxLen > 0 {
			notes = append(notes, fmt.Sprintf("at most %d characters", ff.MaxLen))
		}
		line := "  " + label
		if len(notes) > 0 {
			line += " (" + strings.Join(notes, ", ") + ")"
		}
		out = append(out, line)
	}
	return append(out, "-> type: /als "+FormUsage(f))
}

// FormUsage is the typed command that does what submitting f does: its
// command followed by a placeholder for each field, optional ones in
// brackets, e.g. "commit <text> [by <date>]": typed, a date is read as in any
// command (31/12/2026, next friday). A date field named "due" is written
// "by <date>" as the commit grammar wants.
func FormUsage(f *bot.Form) string {
	parts := []string{strings.TrimSpace(f.Command)}
	for _, ff := range f.Fields {
		var p string
		switch {
		case ff.Kind == bot.FieldDate && ff.Name == "due":
			p = "by <date>"
		case ff.Kind == bot.FieldDate:
			p = "<date>"
		case ff.Kind == bot.FieldChoice && len(ff.Options) > 0:
			var vals []string
			for _, o := range ff.Options {
				vals = append(vals, o.Value)
			}
			p = "<" + strings.Join(vals, "|") + ">"
		default:
			p = "<" + ff.Name + ">"
		}
		if !ff.Required {
			p = "[" + p + "]"
		}
		parts = append(parts, p)
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

// shellWords writes the message's spans as the shell shows them: a person
// as @name, a command as `/als command` (the shell takes it with or without
// /als). It returns a copy.
func shellWords(m bot.Message) bot.Message {
	w := bot.PlainText
	m.Title, m.Text = w(m.Title), w(m.Text)
	secs := make([]bot.Section, len(m.Sections))
	for i, s := range m.Sections {
		s.Title, s.Text = w(s.Title), w(s.Text)
		fs := make([]bot.Field, len(s.Fields))
		for j, f := range s.Fields {
			fs[j] = bot.Field{Label: w(f.Label), Value: w(f.Value)}
		}
		s.Fields = fs
		secs[i] = s
	}
	m.Sections = secs
	return m
}

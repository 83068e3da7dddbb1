// Package questionnaires holds the questionnaires alsbot ships, in the
// documented file format (docs/programmes.md), and reads that format.
package questionnaires

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/alsbot/alsbot/bot"
)

// shipped is read-only; go:embed can only fill a package-level variable.
//
//go:embed *.json
var shipped embed.FS

// Names lists the shipped questionnaires: "members-end", "mentors-end",
// "outcomes-start".
func Names() []string {
	entries, err := shipped.ReadDir(".")
	if err != nil {
		return nil // an embedded directory always reads
	}
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	slices.Sort(out)
	return out
}

// Shipped returns the shipped questionnaire name, parsed and validated.
func Shipped(name string) (*bot.Questionnaire, error) {
	data, err := shipped.ReadFile(bot.Slug(name) + ".json")
	if err != nil {
		return nil, bot.Errorf(bot.ENOTFOUND, "There is no ready questionnaire called %q; the ready ones are: %s.", name, strings.Join(Names(), ", "))
	}
	return Parse(data)
}

// Parse reads one questionnaire in the file format: a JSON object with
// name, title, intro, role, stage and questions. Unknown fields are refused,
// so a misspelt key is reported rather than ignored.
func Parse(data []byte) (*bot.Questionnaire, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var q bot.Questionnaire
	if err := dec.Decode(&q); err != nil {
		return nil, bot.Errorf(bot.EINVALID, "That questionnaire file could not be read: %v.", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bot.Errorf(bot.EINVALID, "That questionnaire file has more than one JSON object.")
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return &q, nil
}

// Marshal writes q in the file format.
func Marshal(q *bot.Questionnaire) ([]byte, error) {
	data, err := json.MarshalIndent(q, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write questionnaire %s: %w", q.Name, err)
	}
	return append(data, '\n'), nil
}

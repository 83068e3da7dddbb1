package handlers

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
)

// utf8BOM starts every export: Excel on Windows reads a CSV file without
// it in the local code page and garbles accented names.
const utf8BOM = "\xef\xbb\xbf"

// sheet writes a CSV file meant for spreadsheets. Every cell goes through
// safeCell: names, commitments, reports and comments are written by
// members, and a spreadsheet runs a cell starting with "=" as a formula.
type sheet struct {
	buf bytes.Buffer
	w   *csv.Writer
}

func newSheet() *sheet {
	s := &sheet{}
	s.buf.WriteString(utf8BOM)
	s.w = csv.NewWriter(&s.buf)
	return s
}

func (s *sheet) row(cells ...string) {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = safeCell(c)
	}
	_ = s.w.Write(out) // a bytes.Buffer does not fail; Flush reports the rest
}

// bytes ends the file; what is wrong is named by what.
func (s *sheet) bytes(what string) ([]byte, error) {
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return nil, fmt.Errorf("write %s csv: %w", what, err)
	}
	return s.buf.Bytes(), nil
}

// safeCell neutralises a cell a spreadsheet would take for a formula (it
// begins with =, +, -, @, tab or carriage return) by a leading single
// quote, as OWASP's CSV injection guidance says.
func safeCell(c string) string {
	if c != "" && strings.IndexByte("=+-@\t\r", c[0]) >= 0 {
		return "'" + c
	}
	return c
}

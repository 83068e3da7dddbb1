// Package shelltest reads what the shell printed, for the tests that run a
// script through it (in process or as the alsbot binary): its messages and
// the answers to each input line it echoed.
package shelltest

import (
	"regexp"
	"strings"
)

// Blocks splits shell output into its messages: a line that starts with
// "[" or "> " and its indented continuation lines.
func Blocks(out string) []string {
	var bs []string
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if len(bs) > 0 && (line == "" || strings.HasPrefix(line, "  ")) {
			bs[len(bs)-1] += "\n" + line
			continue
		}
		bs = append(bs, line)
	}
	return bs
}

// AnswerTo returns the blocks printed for the first input line echoed as
// "> line", up to the next echoed line; nil when line was not echoed.
func AnswerTo(bs []string, line string) []string {
	for i, b := range bs {
		if b == "> "+line {
			return answerAt(bs, i)
		}
	}
	return nil
}

// Answers returns the blocks printed for each echoed input line that
// matches the regular expression re, in order.
func Answers(bs []string, re string) [][]string {
	rx := regexp.MustCompile(re)
	var out [][]string
	for i, b := range bs {
		if strings.HasPrefix(b, "> ") && rx.MatchString(strings.TrimPrefix(b, "> ")) {
			out = append(out, answerAt(bs, i))
		}
	}
	return out
}

// answerAt is what follows the echoed line bs[i] up to the next one.
func answerAt(bs []string, i int) []string {
	var out []string
	for _, a := range bs[i+1:] {
		if strings.HasPrefix(a, "> ") {
			break
		}
		out = append(out, a)
	}
	return out
}

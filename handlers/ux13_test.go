package handlers_test

import (
	"testing"

	"github.com/alsbot/alsbot/bot"
)

// sectionText is the text of m's section titled title, or "".
func sectionText(m bot.Message, title string) string {
	for _, s := range m.Sections {
		if s.Title == title {
			return s.Text
		}
	}
	return ""
}

// TestStatusReadsArePrivate: round status and session status answer only
// the caller, whoever asks (a trial found a member's round status posted to
// the channel).
func TestStatusReadsArePrivate(t *testing.T) {
	e := newEnv(t, 3)
	e.must("fac", "setup West")
	e.must("fac", "members add @ana @ben @cy")
	if msg := e.must("ana", "round status"); !msg.Private {
		t.Errorf("round status with no session open is posted: %+v", msg)
	}
	e.openSessionAt()
	for _, m := range []string{"ana", "ben", "cy"} {
		e.must(m, "here")
	}
	e.msgr.Take()
	for _, who := range []string{"ana", "fac"} {
		for _, text := range []string{"round status", "session status"} {
			if msg := e.must(who, text); !msg.Private {
				t.Errorf("%s: %s with no round is posted: %+v", who, text, msg)
			}
		}
	}
	e.must("fac", "round start")
	e.msgr.Take()
	for _, who := range []string{"ana", "fac"} {
		for _, text := range []string{"round status", "session status"} {
			if msg := e.must(who, text); !msg.Private {
				t.Errorf("%s: %s during a round is posted: %+v", who, text, msg)
			}
		}
	}
	if out := e.msgr.Take(); len(out) != 0 {
		t.Errorf("status reads sent %d messages, want none", len(out))
	}
}

// TestSessionStatusBidLines: one line per bidder, the title beside the name
// for a facilitator (a trial found the bids run on from the label).
func TestSessionStatusBidLines(t *testing.T) {
	e := newEnv(t, 4)
	e.openSession("ana", "ben", "cy")
	e.must("ben", "bid Agency notice periods")
	e.must("cy", "bid Rota gaps over Christmas")
	if got, want := sectionText(e.must("fac", "session status"), "Bids (2)"), "Ben: Agency notice periods\nCy: Rota gaps over Christmas"; got != want {
		t.Errorf("facilitator's bids = %q, want %q", got, want)
	}
	if got, want := sectionText(e.must("ana", "session status"), "Bids (2)"), "Ben\nCy"; got != want {
		t.Errorf("member's bids = %q, want %q", got, want)
	}
}

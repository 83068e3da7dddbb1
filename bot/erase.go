package bot

import "strings"

// What "forget me" erases is decided here, in the core, so that no store
// adapter invents its own rule. The rule is: by user id only. A display
// name is chosen by its owner and shared by others ("Ana"), and can be a
// word every document holds ("id" in "_id"): matching it erased other
// people's and other sets' records (issue 11, finding 1).

// Record kinds a store keeps besides the sets and their records; an
// ErasePlan's rules name them.
type RecordKind string

const (
	RecordDeliveries      RecordKind = "deliveries"       // pending deliveries
	RecordDeliveryHistory RecordKind = "delivery_history" // sent or skipped deliveries
	RecordDeliveryClaims  RecordKind = "delivery_claims"  // claims on delivery attempts, keyed ClaimKey
	RecordClaims          RecordKind = "claims"           // event dedupe claims, keyed by the platform event
	RecordConversations   RecordKind = "conversations"    // platform conversation references, keyed by user or conversation
	RecordCalendarTokens  RecordKind = "calendar_tokens"  // calendar feed tokens (hashed), by owner
)

// EraseRule deletes the records of one kind that name the person in one
// way. Exactly one of Field, Key and SetMessages is set.
type EraseRule struct {
	Records RecordKind
	// Field is a field (dotted path) that holds exactly the user id.
	Field string
	// Key: the record's key names the user id as a whole segment (KeyNames).
	Key bool
	// SetMessages: the rendered messages kept (pending or sent) for the
	// person's sets, which may quote them by name; a name cannot be matched
	// safely, so all of those sets' stored messages go.
	SetMessages bool
}

// ErasePlan is what forget me erases of one person: in each set of
// SetIDs, the person is replaced by an anonymous id (AnonymiseSession,
// AnonymiseCommitment, ...); then every record a rule of Delete matches is
// deleted. A store applies it and decides nothing itself.
type ErasePlan struct {
	Platform Platform
	UserID   string
	SetIDs   []string
	Delete   []EraseRule
}

// NewErasePlan plans the erasure of userID of platform, a member of sets.
func NewErasePlan(platform Platform, userID string, sets []*Set) (ErasePlan, error) {
	if strings.TrimSpace(userID) == "" || IsAnonymous(userID) {
		return ErasePlan{}, Errorf(EINVALID, "There is nobody to forget.")
	}
	p := ErasePlan{Platform: platform, UserID: userID}
	for _, s := range sets {
		p.SetIDs = append(p.SetIDs, s.ID)
	}
	for _, k := range []RecordKind{RecordDeliveries, RecordDeliveryHistory} {
		p.Delete = append(p.Delete,
			EraseRule{Records: k, Field: "user_id"},    // reminders, nudges, prompts for them
			EraseRule{Records: k, Field: "to.user_id"}, // messages queued for their DM
			EraseRule{Records: k, Key: true},           // ids such as "<set>/nudge/<stamp>/@<user>"
			EraseRule{Records: k, SetMessages: true},
		)
	}
	p.Delete = append(p.Delete,
		EraseRule{Records: RecordDeliveryClaims, Key: true},
		EraseRule{Records: RecordClaims, Key: true},
		EraseRule{Records: RecordConversations, Key: true},
		EraseRule{Records: RecordCalendarTokens, Field: "user_id"}, // their feed stops
	)
	return p, nil
}

// keySeparators are the characters that delimit the parts of the keys the
// bot builds: "/" (ids), ":" (platform prefixes), "@" (people in delivery
// ids), "#" (claim attempts).
const keySeparators = "/:@#"

// KeyNames reports whether key holds userID as a whole part: starting the
// key or after a separator, and ending it or before one. "teams:user:29:1x"
// names "29:1x"; "slack/event/Ev1d" does not name "id".
func KeyNames(key, userID string) bool {
	if userID == "" {
		return false
	}
	for i := 0; i+len(userID) <= len(key); {
		j := strings.Index(key[i:], userID)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(userID)
		if (j == 0 || strings.IndexByte(keySeparators, key[j-1]) >= 0) &&
			(end == len(key) || strings.IndexByte(keySeparators, key[end]) >= 0) {
			return true
		}
		i = j + 1
	}
	return false
}

// AnonymisePerson replaces userID in set's people (and as anyone's mentor)
// by anon; it reports whether the person was there.
func AnonymisePerson(set *Set, userID, anon string) bool {
	p := set.Person(userID)
	if p == nil {
		return false
	}
	p.User = UserRef{ID: anon, Name: anon}
	for i := range set.People {
		if set.People[i].MentorID == userID {
			set.People[i].MentorID = anon
		}
	}
	return true
}

// AnonymiseSession replaces userID in the session's attendance, bids and
// rounds and erases their bid and round titles; it reports a change.
func AnonymiseSession(sess *Session, userID, anon string) bool {
	changed := false
	swap := func(id *string) {
		if *id == userID {
			*id, changed = anon, true
		}
	}
	for i := range sess.Attendees {
		swap(&sess.Attendees[i].UserID)
	}
	for i := range sess.Bids {
		if sess.Bids[i].UserID == userID {
			sess.Bids[i].Title = ""
		}
		swap(&sess.Bids[i].UserID)
	}
	for i := range sess.Rounds {
		r := &sess.Rounds[i]
		if r.Presenter == userID {
			r.Title = ""
		}
		swap(&r.Presenter)
		swap(&r.Observer)
		for j := range r.Enablers {
			swap(&r.Enablers[j])
		}
	}
	return changed
}

// AnonymiseCommitment gives a commitment of userID to anon and erases its
// text and its reports' texts; it reports how many reports it erased, or
// -1 when the commitment is someone else's.
func AnonymiseCommitment(c *Commitment, userID, anon string) int {
	if c.UserID != userID {
		return -1
	}
	c.UserID, c.Text = anon, ""
	for i := range c.Reports {
		c.Reports[i].Text = ""
	}
	return len(c.Reports)
}

// AnonymiseFeedback gives userID's feedback to anon (its id names the
// person, so it changes too) and erases the comment; it reports whether
// the feedback was theirs.
func AnonymiseFeedback(f *Feedback, userID, anon string) bool {
	if f.UserID != userID {
		return false
	}
	f.ID, f.UserID, f.Comment = FeedbackID(f.SessionID, anon), anon, ""
	return true
}

// AnonymiseMentoring replaces userID as mentor or mentee by anon and
// erases the note; it reports whether the log named them.
func AnonymiseMentoring(m *MentoringSession, userID, anon string) bool {
	if m.MentorID != userID && m.MenteeID != userID {
		return false
	}
	if m.MentorID == userID {
		m.MentorID = anon
	}
	if m.MenteeID == userID {
		m.MenteeID = anon
	}
	m.Note = ""
	return true
}

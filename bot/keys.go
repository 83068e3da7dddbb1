package bot

import (
	"strconv"
	"strings"
	"time"
)

// This file is the one place idempotency keys are made. A key names what a
// message was planned from (a session's start, a lead time, a phase's start,
// a nudge occurrence, a person), so planning again yields the same key and a
// message is sent at most once per key, across replicas and restarts. Keys
// are stored (pending queue, history, claims): changing a builder's output
// makes deliveries already planned look new, so keep them stable.

// SetID is a set's id, "<platform>:<channel id>".
type SetID string

// DeliveryKey is the idempotency key of one delivery, with the set it
// belongs to carried beside it (never parsed back out of the text). The
// zero key means "no key": Notify gives such a message a random one.
type DeliveryKey struct {
	set SetID
	id  string
}

// String is the key as stored.
func (k DeliveryKey) String() string { return k.id }

// Set is the set the delivery belongs to; empty for a key made by AdHocKey.
func (k DeliveryKey) Set() SetID { return k.set }

// IsZero reports whether k is the zero key.
func (k DeliveryKey) IsZero() bool { return k.id == "" }

func key(set string, parts ...string) DeliveryKey {
	return DeliveryKey{set: SetID(set), id: strings.Join(parts, "/")}
}

func unixStamp(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// recipient names who a per-person delivery is for; "channel" for the set's channel.
func recipient(userID string) string {
	if userID == "" {
		return "channel"
	}
	return "@" + userID
}

// ReminderKey is the key of sess's reminder at lead, to the channel (empty
// userID) or to one member. It names the session's start, so a moved
// session gets fresh reminders.
func ReminderKey(sess *Session, lead time.Duration, userID string) DeliveryKey {
	return key(sess.SetID, sess.ID, "reminder", lead.String(), unixStamp(sess.Start), recipient(userID))
}

// CoverKey is the key of the reminder to one member to arrange cover for
// sess, at lead before it. It names the lead and the session's start, so a
// changed lead or a moved session gets a fresh one.
func CoverKey(sess *Session, lead time.Duration, userID string) DeliveryKey {
	return key(sess.SetID, sess.ID, "cover", lead.String(), unixStamp(sess.Start), recipient(userID))
}

// DigestKey is the key of sess's report-back digest.
func DigestKey(sess *Session) DeliveryKey {
	return key(sess.SetID, sess.ID, "digest", unixStamp(sess.Start))
}

// PhaseKey is the key of a phase notice ("nearly-up" or "up") of round r of
// sess; it names the phase's start, so a phase started again is noticed again.
func PhaseKey(sess *Session, r *Round, kind DeliveryKind) DeliveryKey {
	suffix := "up"
	if kind == DeliverPhaseNearlyUp {
		suffix = "nearly-up"
	}
	return key(sess.SetID, sess.ID, "round", strconv.Itoa(r.Number), string(r.Phase), strconv.FormatInt(r.PhaseStartedAt.UnixMilli(), 10), suffix)
}

// NudgeKey is the key of the nudge (DeliverNudge) or mentor nudge
// (DeliverMentorNudge) of the occurrence occ to one person.
func NudgeKey(setID string, kind DeliveryKind, occ time.Time, userID string) DeliveryKey {
	return key(setID, setID, string(kind), unixStamp(occ), recipient(userID))
}

// PlanKey is the key of the set's planning delivery due at due.
func PlanKey(setID string, due time.Time) DeliveryKey {
	return key(setID, setID, "plan", unixStamp(due))
}

// FeedbackKey is the key of the feedback pulse of closed session sess to
// one attendee: the same whether the scheduler or a direct notifier sends it.
func FeedbackKey(sess *Session, userID string) DeliveryKey {
	return key(sess.SetID, sess.ID, "feedback", recipient(userID))
}

// ActionPromptKey is the key of the action prompt to a presenter of sess at
// a round's end: one per presenter and session, however many rounds they
// present in.
func ActionPromptKey(sess *Session, userID string) DeliveryKey {
	return key(sess.SetID, sess.ID, "action-prompt", recipient(userID))
}

// ActionPromptRoundKey is the key of the action prompt to a presenter who
// presented again in sess, in round round: each further issue gets its own
// prompt (the first presentation keeps ActionPromptKey).
func ActionPromptRoundKey(sess *Session, userID string, round int) DeliveryKey {
	return key(sess.SetID, sess.ID, "action-prompt", recipient(userID), "round-"+strconv.Itoa(round))
}

// ActionPromptAgainKey is the key of the action prompt repeated at the end
// of sess to a presenter who still has no commitment.
func ActionPromptAgainKey(sess *Session, userID string) DeliveryKey {
	return key(sess.SetID, sess.ID, "action-prompt", recipient(userID), "end")
}

// UndeliveredKey is the key of the one DM telling a facilitator that a
// delivery meant for the set's channel could not be delivered, once per
// reason (a channel the bot is not in fails every post the same way).
func UndeliveredKey(setID, reason, facilitatorID string) DeliveryKey {
	return key(setID, setID, "undelivered", reason, recipient(facilitatorID))
}

// RepostKey is the key of a change made in a DM and posted to the set's
// channel: one per actor and moment.
func RepostKey(setID, actorID string, at time.Time) DeliveryKey {
	return key(setID, setID, "post", actorID, strconv.FormatInt(at.UnixNano(), 10))
}

// CommitmentChangeKey is the key of the DM telling a commitment's owner
// that a facilitator changed it: one per change in its history.
func CommitmentChangeKey(c *Commitment, change int) DeliveryKey {
	return key(c.SetID, c.ID, "change", strconv.Itoa(change))
}

// QuestionnaireKey is the key of a questionnaire's message n to userID, a
// recipient in set setID: 0 the questionnaire itself, 1 and 2 its
// reminders. name is the questionnaire's name (its slug).
func QuestionnaireKey(setID, name, userID string, n int) DeliveryKey {
	return key(setID, setID, "questionnaire", Slug(name), userID, strconv.Itoa(n))
}

// AdHocKey is a key of the caller's own making, for messages that belong to
// no set (tests, one-off notices); setID may be empty.
func AdHocKey(setID, id string) DeliveryKey { return DeliveryKey{set: SetID(setID), id: id} }

// ClaimKey is the unique key of one attempt of a delivery.
func ClaimKey(deliveryID string, attempt int) string {
	return deliveryID + "#" + strconv.Itoa(attempt)
}

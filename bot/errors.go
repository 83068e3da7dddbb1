package bot

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Users see Error.Message; only EINTERNAL errors are logged.
const (
	EINVALID     = "invalid"     // the input is malformed or out of range
	ENOTFOUND    = "not_found"   // the thing named does not exist (or is not visible to the caller)
	EFORBIDDEN   = "forbidden"   // the caller may not do this
	ECONFLICT    = "conflict"    // the state does not allow it now (e.g. no open session)
	EEXISTS      = "exists"      // a unique thing already exists
	EUNAVAILABLE = "unavailable" // a dependency (the store) is unreachable; nothing was changed
	EINTERNAL    = "internal"
)

// Error is a domain error: a code for programs and a plain sentence for people.
type Error struct {
	Code    string
	Message string
	// Stale marks an ECONFLICT that comes from a concurrent change of the
	// same document (a versioned save lost the race): re-reading and
	// applying the command again may well succeed, unlike a conflict of
	// state such as "no session is open".
	Stale bool
}

func (e *Error) Error() string { return e.Message }

// Errorf returns a domain error with a code and a plain-sentence message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// IsStale reports whether err is, or wraps, a stale-version conflict
// (Error.Stale): the command can be tried again on fresh data.
func IsStale(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Stale
}

// ErrorCode returns the code of the domain error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the sentence a user should see for err. Internal errors
// are not described: their text may hold what members wrote or secrets.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "Something went wrong on our side; nothing was changed. Please try again."
	}
}

// RetryAfterError is returned by a Messenger when the platform asked us to
// wait (Slack's rate-limit RetryAfter, a Bot Connector 429 Retry-After) and
// the adapter gave up waiting itself; the caller keeps the message and
// tries again no sooner than After.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.After, e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

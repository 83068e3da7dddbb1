package bot

import "errors"

// PermanentError marks a send that will not succeed on retry: the platform
// refused the payload (invalid_blocks), the channel or user is gone, or the
// bot is not in the channel. Messengers wrap such errors; the scheduler
// records the delivery as failed with the reason instead of retrying it.
type PermanentError struct {
	Reason string // the platform's word for it: "invalid_blocks", "not_in_channel", "teams 403", ...
	Err    error
}

func (e *PermanentError) Error() string {
	if e.Err == nil {
		return e.Reason
	}
	return e.Reason + ": " + e.Err.Error()
}

func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err as a PermanentError with reason.
func Permanent(reason string, err error) error { return &PermanentError{Reason: reason, Err: err} }

// PermanentReason reports whether err is permanent, and why.
func PermanentReason(err error) (string, bool) {
	var p *PermanentError
	if errors.As(err, &p) {
		return p.Reason, true
	}
	return "", false
}

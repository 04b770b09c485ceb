package authn

import (
	"errors"
	"fmt"
)

// InputError is a problem with what the user asked for (a malformed URL, an
// unknown field, a missing value). Front ends print it as one line:
// the problem, then how to fix it.
type InputError struct {
	Field   string // the scheme field at fault, when there is one (front ends mark it)
	Problem string
	Fix     string
}

func (e *InputError) Error() string {
	if e.Fix == "" {
		return e.Problem
	}
	return e.Problem + ": " + e.Fix
}

// Inputf builds an InputError.
func Inputf(fix, format string, args ...any) error {
	return &InputError{Problem: fmt.Sprintf(format, args...), Fix: fix}
}

// Errors the engine returns, to be matched with errors.Is.
var (
	// ErrTimeout: the exchange did not finish within Options.Timeout.
	ErrTimeout = errors.New("timed out")
	// ErrCanceled: the caller's context was cancelled (Ctrl-C, esc).
	ErrCanceled = errors.New("cancelled")
	// ErrTooManyRedirects: more than Options.MaxRedirects hops.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrRefused: an exchange a scheme made of its own (an OAuth 2.0 token
	// request) was answered with an error, so the user's request was never
	// sent. The Result's final exchange holds that answer; front ends treat
	// its status like the status of the request itself (exit code 4 for a
	// 401 from the token endpoint).
	ErrRefused = errors.New("refused")
)

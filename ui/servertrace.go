package ui

import (
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
)

// Comparison is the practice server's side of a verification beside the
// client's: what the server computed and the first place the two disagree.
type Comparison struct {
	Server practice.ServerTrace
	First  practice.Difference
	Differ bool
}

// Compare reads the practice server's trace header from the final response
// and pairs it with the client's trace. ok is false when the response did
// not come from the practice server (only it sends the header). Everything
// in the returned values came from a server: sanitize before display.
func Compare(res *authn.Result) (c Comparison, ok bool) {
	fin := res.Final()
	if fin == nil || fin.Response == nil {
		return c, false
	}
	h := fin.Response.Header.Get(practice.TraceHeader)
	if h == "" {
		return c, false
	}
	st, err := practice.DecodeTrace(h)
	if err != nil {
		return c, false
	}
	c.Server = st
	c.First, c.Differ = practice.First(res.Trace, st)
	return c, true
}

package format

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

var durationTests = []struct {
	d    time.Duration
	want string
}{
	{0, NotMeasured},
	{-time.Second, NotMeasured},
	{250 * time.Microsecond, "250 µs"},
	{999 * time.Microsecond, "999 µs"},
	{time.Millisecond, "1 ms"},
	{41*time.Millisecond + 600*time.Microsecond, "41 ms"},
	{9999 * time.Millisecond, "9999 ms"},
	{10 * time.Second, "10.0 s"},
	{12500 * time.Millisecond, "12.5 s"},
}

func TestDuration(t *testing.T) {
	for _, tt := range durationTests {
		if got := Duration(tt.d); got != tt.want {
			t.Errorf("Duration(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
}

var roleTests = []struct {
	ex   *authn.Exchange
	want string
}{
	{nil, authn.RoleRequest},
	{&authn.Exchange{}, authn.RoleRequest},
	{&authn.Exchange{Role: authn.RoleChallenge}, authn.RoleChallenge},
	{&authn.Exchange{Role: "retry\x1b[31m"}, `retry\x1b[31m`},
}

func TestRole(t *testing.T) {
	for _, tt := range roleTests {
		if got := Role(tt.ex); got != tt.want {
			t.Errorf("Role(%+v) = %q; want %q", tt.ex, got, tt.want)
		}
	}
}

func TestHeaders(t *testing.T) {
	h := http.Header{"X-B": {"2", "1"}, "Content-Type": {"text/plain"}, "X-Evil": {"a\x1b]0;t\x07b"}}
	got := Headers(h)
	want := []Header{{"Content-Type", "text/plain"}, {"X-B", "2"}, {"X-B", "1"}, {"X-Evil", `a\x1b]0;t\x07b`}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Headers(%v) = %q; want %q", h, got, want)
	}
	if s := want[0].String(); s != "Content-Type: text/plain" {
		t.Errorf("Header.String() = %q; want %q", s, "Content-Type: text/plain")
	}
}

var valueTests = []struct {
	v      authn.Value
	reveal bool
	want   Value
}{
	{authn.Plain("realm", "api"), false, Value{"realm", "api", false}},
	{authn.Secret("password", "hunter2", ""), false, Value{"password" + SecretSuffix, authn.Mask(""), true}},
	{authn.Secret("password", "hunter2", ""), true, Value{"password", "hunter2", false}},
	{authn.Secret("user-pass", "bob:pw", "bob:••"), false, Value{"user-pass" + SecretSuffix, "bob:••", true}},
	{authn.Plain("key", "-----BEGIN\nX\x07"), false, Value{"key", "-----BEGIN\nX\\x07", false}},
}

func TestTraceValue(t *testing.T) {
	for _, tt := range valueTests {
		if got := TraceValue(tt.v, tt.reveal); got != tt.want {
			t.Errorf("TraceValue(%+v, %v) = %+v; want %+v", tt.v, tt.reveal, got, tt.want)
		}
	}
	s := authn.Step{Values: []authn.Value{valueTests[0].v, valueTests[1].v}}
	if got := Values(s, false); len(got) != 2 || got[1] != valueTests[1].want {
		t.Errorf("Values(%+v, false) = %+v; want two values, the second %+v", s, got, valueTests[1].want)
	}
}

func TestSchemeHeading(t *testing.T) {
	for _, tt := range []struct {
		in   authn.Info
		want string
	}{
		{authn.Info{Title: "OAuth 1.0a", Spec: "RFC 5849"}, "OAuth 1.0a (RFC 5849)"},
		{authn.Info{Title: "None"}, "None"},
	} {
		if got := SchemeHeading(tt.in); got != tt.want {
			t.Errorf("SchemeHeading(%+v) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

package practice

import (
	"net/http/httptest"
	"testing"
)

func TestClientKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"10.0.0.7:51234", "10.0.0.7"},
		{"127.0.0.2:80", "127.0.0.2"},
		{"[2001:db8:1:2:aaaa::1]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:bbbb::9]:443", "2001:db8:1:2::/64"},
		{"[::ffff:10.0.0.7]:1", "10.0.0.7"},
		{"pipe", "pipe"},
	} {
		if got := ClientKey(tc.in); got != tc.want {
			t.Errorf("ClientKey(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestClientOfStudent(t *testing.T) {
	for _, tc := range []struct{ header, want, label string }{
		{"", "", "10.0.0.7"},
		{"  alice  ", "alice", "alice (10.0.0.7)"},
		{"bob\x1b[2J", "bob?[2J", "bob?[2J (10.0.0.7)"},
		{"eve\u202ettam", "eve?ttam", "eve?ttam (10.0.0.7)"},
		{"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", "abcdefghijklmnopqrstuvwxyzABCDEF…", "abcdefghijklmnopqrstuvwxyzABCDEF… (10.0.0.7)"},
		{"\xff\xfe", "", "10.0.0.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "10.0.0.7:5000"
		if tc.header != "" {
			r.Header.Set(StudentHeader, tc.header)
		}
		c := ClientOf(r)
		if c.Student != tc.want || c.Label() != tc.label {
			t.Errorf("ClientOf(student %q) = %q, label %q; want %q, %q", tc.header, c.Student, c.Label(), tc.want, tc.label)
		}
	}
}

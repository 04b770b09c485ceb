package practice

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzLabsJWT feeds Authorization headers to the four JWT labs, vulnerable
// and fixed. They must not panic, answer only 200, 400, 401 or 403, keep
// error_description free of quotes and backslashes (RFC 6750 §3), and a
// fixed twin must never record an exploit nor accept an unsigned token.
func FuzzLabsJWT(f *testing.F) {
	for _, s := range []string{
		"Bearer eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW4ifQ.",
		"Bearer eyJhbGciOiJIUzI1NiIsImtpZCI6Ii4uL3B1YmxpYy9iYW5uZXIudHh0In0.eyJyb2xlIjoiYWRtaW4ifQ.AAAA",
		"Bearer eyJhbGciOiJIUzI1NiIsImtpZCI6Ii4uLy4uLy4uLy4uL2Rldi9udWxsIn0.e30.",
		"Bearer a.b.c", "Bearer ", "Basic x",
	} {
		f.Add(s)
	}
	var exploitedFixed []string
	s := New(Options{Labs: true, Observe: func(e Event) {
		if _, ok := LabExploited(e); ok && strings.HasSuffix(e.Path, "/fixed") {
			exploitedFixed = append(exploitedFixed, e.Path)
		}
	}})
	h := s.Handler()
	f.Fuzz(func(t *testing.T, auth string) {
		if strings.ContainsAny(auth, "\r\n\x00") {
			return
		}
		for _, p := range []string{"/labs/jwt-none", "/labs/jwt-confusion", "/labs/jwt-weak", "/labs/jwt-kid"} {
			for _, path := range []string{p, p + "/fixed"} {
				r := httptest.NewRequest("GET", path, nil)
				r.Header.Set("Authorization", auth)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				switch w.Code {
				case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
				default:
					t.Fatalf("%s answered %d", path, w.Code)
				}
				if _, desc, ok := strings.Cut(w.Header().Get("WWW-Authenticate"), `error_description="`); ok && strings.ContainsAny(strings.TrimSuffix(desc, `"`), "\"\\") {
					t.Fatalf("%s: error_description with a quote or backslash: %q", path, w.Header().Get("WWW-Authenticate"))
				}
				if w.Code == http.StatusOK && strings.HasSuffix(path, "/fixed") {
					t.Fatalf("%s accepted %q (no issued token has role admin)", path, auth)
				}
			}
		}
		if len(exploitedFixed) > 0 {
			t.Fatalf("a fixed twin recorded an exploit: %v", exploitedFixed)
		}
	})
}

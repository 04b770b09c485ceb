package cli_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authlab/authlab/practice"
)

// Issue #15 item 17: hints that contradict each other. Against the real
// practice server through the binary: a JWT signed with the wrong secret
// gets the JWT's own diagnosis and not also the generic RFC 6750
// invalid_token list that says "expired"; an offered scheme the request
// already answered is not advised again ("-a bearer" to a JWT sent as
// Bearer); and the token endpoint's Basic challenge points at the client's
// credentials, never at -a basic.
func TestHintsDoNotContradict(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	for _, tc := range []struct {
		name     string
		args     []string
		want     []string
		mustNot  []string
		wantExit int
	}{
		{"jwt wrong secret", []string{"send", "-a", "jwt", "-c", `claims={"sub":"demo"}`, "-c", "secret=env:S", srv.URL + "/jwt"},
			[]string{"✗ JWT signature rejected", "Your request answered it (Authorization: Bearer …)"},
			[]string{"Bearer error · invalid_token", "The token expired", "-a bearer"}, 4},
		{"jwt expired", []string{"send", "-a", "jwt", "-c", `claims={"sub":"demo","exp":"-1h"}`, "-c", "secret=demo-jwt-secret", srv.URL + "/jwt"},
			[]string{"✗ JWT expired"},
			[]string{"Bearer error · invalid_token", "-a bearer"}, 4},
		{"bearer unknown token keeps the RFC reading", []string{"send", "-a", "bearer", "-c", "token=env:S", srv.URL + "/oauth2/me"},
			[]string{"Bearer error · invalid_token", "The token expired"},
			[]string{"-a bearer"}, 4},
		{"token endpoint basic challenge", []string{"send", "-a", "oauth2", "-c", "token_url=" + srv.URL + "/oauth2/token", "-c", "client_id=demo-client", "-c", "client_secret=env:S", srv.URL + "/oauth2/me"},
			[]string{"invalid_client", "This is the token endpoint asking for the client's credentials"},
			[]string{"answers it with -a basic"}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := authlab(t, []string{"S=wrong-secret-value"}, tc.args...)
			out := r.stdout + r.stderr
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.mustNot {
				if strings.Contains(out, w) {
					t.Errorf("output has %q, which contradicts the diagnosis:\n%s", w, out)
				}
			}
			if r.code != tc.wantExit {
				t.Errorf("exit code = %d; want %d", r.code, tc.wantExit)
			}
		})
	}
}

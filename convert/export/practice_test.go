package export

import (
	"errors"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// startPractice runs the practice server on loopback for the interop tests
// and returns Options whose Expand turns {{practice}} into its URL.
func startPractice(t *testing.T) (base string, opt Options) {
	t.Helper()
	srv := httptest.NewServer(practice.New(practice.Options{AutoApprove: true}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL, Options{Expand: func(s string) string { return strings.ReplaceAll(s, practice.Placeholder, srv.URL) }}
}

// demoSecrets are the practice server's demo secrets, which no exported
// text may contain unless revealed; the tests pass them to the exported
// programs through the environment only.
var demoSecrets = []string{
	"demo-password", "demo-token", "demo-api-key", "demo-consumer-secret",
	"demo-token-secret", "demo-client-secret", "demo-jwt-secret",
	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "demo-refresh-token", "demo-aws-session-token",
}

// assertNoSecret fails when text contains one of the demo secrets or of
// more.
func assertNoSecret(t *testing.T, what, text string, more ...string) {
	t.Helper()
	for _, s := range append(slices.Clip(demoSecrets), more...) {
		if strings.Contains(text, s) {
			t.Errorf("%s contains the secret %q:\n%s", what, s, text)
		}
	}
}

// resolveFrom is an Options.Resolve reading a reference from refs; a
// literal is itself.
func resolveFrom(refs map[string]string) func(label, value string) (string, error) {
	return func(_, v string) (string, error) {
		if profiles.IsRef(v) {
			if s, ok := refs[v]; ok {
				return s, nil
			}
			return "", errors.New("test does not know " + v)
		}
		return v, nil
	}
}

// envFor returns the environment an exported snippet runs with: PATH and
// HOME, plus each of its variables set to the secret the profile's
// reference names (looked up in refs, e.g. "env:GITHUB_PASSWORD" →
// "demo-password").
func envFor(t *testing.T, s Snippet, refs map[string]string) []string {
	t.Helper()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for _, v := range s.Vars {
		val, ok := refs[v.From]
		if !ok {
			t.Fatalf("snippet reads %s (from %s), which the test does not know", v.Name, v.From)
		}
		env = append(env, v.Name+"="+val)
	}
	return env
}

// demoProfile returns one of the demo profiles authlab creates (cli/demo.go
// holds the list); tests build their own so they can vary them.
func demoProfile(name, path, scheme string, fields map[string]string) profiles.Profile {
	return profiles.Profile{Name: name, URL: practice.Placeholder + path, Scheme: scheme, Fields: fields}
}

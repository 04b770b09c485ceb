package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/spf13/cobra"
)

// demoNote marks the literal credentials of the demo profiles: they are the
// practice server's public demo values, the same in every classroom.
const demoNote = " (demo credentials of the practice server: public, not secrets)"

// demoProfiles are created on first start so a newcomer's first minute works
// offline: pick one, ctrl+r, see both seed examples answered.
func demoProfiles() []profiles.Profile {
	oauth := func(tokenSecret string) map[string]string {
		return map[string]string{
			"consumer_key": practice.DemoConsumerKey, "consumer_secret": practice.DemoConsumerSecret,
			"token": practice.DemoAccessToken, "token_secret": tokenSecret,
		}
	}
	gh := practice.Placeholder + "/github/user"
	tw := practice.Placeholder + "/twitter/1.1/account/verify_credentials.json"
	return []profiles.Profile{
		{Name: "demo/github-basic", Description: "GitHub with Basic auth: the right password → 200" + demoNote, Method: "GET", URL: gh,
			Scheme: "basic", Fields: map[string]string{"username": practice.DemoUser, "password": practice.DemoPassword}},
		{Name: "demo/github-basic-wrong", Description: "GitHub with a wrong password → 401 Bad credentials (the seed's first example)" + demoNote, Method: "GET", URL: gh,
			Scheme: "basic", Fields: map[string]string{"username": practice.DemoUser, "password": "not-the-password"}},
		{Name: "demo/github-bearer", Description: "GitHub with a Bearer token → 200" + demoNote, Method: "GET", URL: gh,
			Scheme: "bearer", Fields: map[string]string{"token": practice.DemoToken}},
		{Name: "demo/twitter-verify", Description: "Twitter verify_credentials with OAuth 1.0a → 200" + demoNote, Method: "GET", URL: tw,
			Scheme: "oauth1", Fields: oauth(practice.DemoTokenSecret)},
		{Name: "demo/twitter-wrong-token-secret", Description: "OAuth 1.0a with a wrong token secret → 401 code 32" + demoNote, Method: "GET", URL: tw,
			Scheme: "oauth1", Fields: oauth("wrong-token-secret")},
		{Name: "demo/twitter-no-auth", Description: "Twitter without credentials → 400 code 215 (the seed's second example)", Method: "GET", URL: tw, Scheme: "none"},
		{Name: "demo/bearer-expired", Description: "RFC 6750 Bearer with an expired token → 401 invalid_token" + demoNote, Method: "GET", URL: practice.Placeholder + "/bearer",
			Scheme: "bearer", Fields: map[string]string{"token": practice.DemoExpiredToken}},
		{Name: "demo/apikey", Description: "An API key in the X-API-Key header → 200" + demoNote, Method: "GET", URL: practice.Placeholder + "/apikey",
			Scheme: "apikey", Fields: map[string]string{"name": "X-API-Key", "value": practice.DemoAPIKey}},
	}
}

// writeDemoProfiles saves the demo profiles, leaving alone any that exist.
func writeDemoProfiles(s *profiles.Store) (int, error) {
	n := 0
	for _, p := range demoProfiles() {
		_, err := s.Save(p, profiles.SaveOptions{AllowPlaintext: true})
		if errors.Is(err, profiles.ErrExists) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// firstStart creates the demo profiles when the profiles folder does not
// exist yet.
func firstStart(s *profiles.Store) {
	if _, err := os.Stat(s.Dir); errors.Is(err, fs.ErrNotExist) {
		writeDemoProfiles(s)
	}
}

func newDemo(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Create the demo profiles (they use {{practice}}, the built-in practice server)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := env.store()
			if err != nil {
				return inputErr(err)
			}
			n, err := writeDemoProfiles(s)
			if err != nil {
				return inputErr(err)
			}
			fmt.Fprintf(env.Stdout, "%d demo profiles written to %s (existing ones kept)\n", n, s.Dir)
			return nil
		},
	}
}

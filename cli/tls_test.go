package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
)

func TestTLSOptionsFromFlagsAndProfile(t *testing.T) {
	r := profiles.Resolver{LookupEnv: func(k string) (string, bool) {
		if k == "KP" {
			return "pass-from-env", true
		}
		return "", false
	}}
	p := &profiles.Profile{TLS: profiles.TLS{Insecure: true, CACert: "/p/ca.pem", Cert: "/p/c.pem", Key: "file:/p/k.pem", KeyPassword: "env:KP"}}
	tests := []struct {
		name    string
		f       sendFlags
		changed []string
		want    *authn.TLSOptions
		resolve bool
	}{
		{"nothing", sendFlags{}, nil, nil, true},
		{"flags", sendFlags{cacert: "ca.pem", cert: "c.pem", key: "k.pem", keyPass: "env:KP"}, []string{"cacert", "cert", "key", "key-pass"},
			&authn.TLSOptions{CACert: "ca.pem", Cert: "c.pem", Key: "k.pem", KeyPassword: "pass-from-env"}, true},
		{"profile, file: key", sendFlags{}, nil,
			&authn.TLSOptions{Insecure: true, CACert: "/p/ca.pem", Cert: "/p/c.pem", Key: "/p/k.pem", KeyPassword: "pass-from-env"}, true},
		{"flags win over the profile", sendFlags{cert: "mine.pem", key: "mine-key.pem"}, []string{"cert", "key"},
			&authn.TLSOptions{Insecure: true, CACert: "/p/ca.pem", Cert: "mine.pem", Key: "mine-key.pem", KeyPassword: "pass-from-env"}, true},
		{"reference kept unresolved", sendFlags{cert: "c.pem", keyPass: "env:KP"}, []string{"cert", "key-pass"},
			&authn.TLSOptions{Cert: "c.pem", KeyPassword: "env:KP"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.f
			changed := func(n string) bool {
				for _, c := range tt.changed {
					if c == n {
						return true
					}
				}
				return false
			}
			if strings.HasPrefix(tt.name, "profile") || strings.HasPrefix(tt.name, "flags win") {
				tlsApplyProfile(&f, changed, p)
			}
			// the description keeps the reference; profiles.Resolve reads it
			desc := profiles.Profile{TLS: tlsProfile(&f)}
			if !tt.resolve {
				if got := desc.TLS.KeyPassword; got != tt.want.KeyPassword {
					t.Errorf("tlsProfile key passphrase = %q; want %q", got, tt.want.KeyPassword)
				}
				return
			}
			rs, err := profiles.Resolve(context.Background(), desc, r, profiles.Policy{})
			if err != nil {
				t.Fatal(err)
			}
			got := rs.Request.TLS
			if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
				t.Errorf("tlsOptions = %+v; want %+v", got, tt.want)
			}
		})
	}
}

func TestTLSCheckFlags(t *testing.T) {
	yes := func(string) bool { return true }
	tests := []struct {
		f    sendFlags
		want string // "" = accepted
	}{
		{sendFlags{cert: "c", key: "k", keyPass: "env:X"}, ""},
		{sendFlags{cert: "c", key: "k", keyPass: "hunter2"}, "takes a reference"},
		{sendFlags{cert: "c", key: "k", keyPass: "hunter2", allowPlaintext: true}, ""},
		{sendFlags{keyPass: "env:X"}, "--key-pass without a client key"},
		{sendFlags{key: "k"}, "--key without --cert"},
		{sendFlags{cert: "c", key: "env:KEY"}, "the client key must be a file"},
	}
	for _, tt := range tests {
		err := tlsCheckFlags(&tt.f, yes)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("tlsCheckFlags(%+v) = %v; want nil", tt.f, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("tlsCheckFlags(%+v) = %v; want %q", tt.f, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error echoes the passphrase: %v", err)
		}
	}
	var ie *authn.InputError
	if err := tlsCheckSave(&sendFlags{keyPass: "hunter2"}); err == nil || errors.As(err, &ie) && strings.Contains(err.Error(), "hunter2") {
		t.Errorf("tlsCheckSave(literal) = %v; want a refusal without the passphrase", err)
	}
}

package profiles

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name under which authlab keeps keyring:NAME
// secrets; NAME is the entry's user (account) name.
const KeyringService = "authlab"

// ErrKeyringNotFound is what Keyring.Get returns (errors.Is) when there is
// no such entry. It is go-keyring's own ErrNotFound, so the OS keyring needs
// no translation and a fake can return it.
var ErrKeyringNotFound = keyring.ErrNotFound

// Keyring is where keyring:NAME references are kept: the OS keyring
// (Secret Service on Linux, Keychain on macOS, Credential Manager on
// Windows) or, in tests, a fake. Get returns ErrKeyringNotFound for a
// missing entry; any other error means the keyring could not be used at
// all, which on a headless Linux without D-Bus and a Secret Service is the
// normal case.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
}

// OSKeyring returns the OS keyring through github.com/zalando/go-keyring.
// (go-keyring's MockInit swaps what it uses, for tests.)
func OSKeyring() Keyring { return osKeyring{} }

type osKeyring struct{}

func (osKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (osKeyring) Set(service, user, secret string) error   { return keyring.Set(service, user, secret) }

func (s *Store) keyring() Keyring {
	if s.Keyring != nil {
		return s.Keyring
	}
	return OSKeyring()
}

// Resolver returns the OS resolver (environment, files, prompt) with the
// store's keyring for keyring:NAME references.
func (s *Store) Resolver(prompt func(label string) (string, error)) Resolver {
	r := OSResolver(prompt)
	r.Keyring = s.keyring()
	return r
}

// SetSecret stores secret in the store's keyring as entry name and returns
// the reference ("keyring:NAME") to put in the profile instead of the secret.
func (s *Store) SetSecret(name, secret string) (ref string, err error) {
	ref = PrefixKeyring + name
	if err := validKeyringName(name); err != nil {
		return "", &RefError{Ref: ref, Label: name, Problem: err.Error(), Fix: "use letters, digits and punctuation"}
	}
	if err := s.keyring().Set(KeyringService, name, secret); err != nil {
		return "", unreachable(ref, name, err)
	}
	return ref, nil
}

func validKeyringName(name string) error {
	if name == "" {
		return errors.New("no entry name")
	}
	if strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return errors.New("the entry name contains a control character")
	}
	return nil
}

// resolveKeyring is Resolver.Resolve for keyring:NAME.
func (r Resolver) resolveKeyring(label, v string) (string, error) {
	name := strings.TrimPrefix(v, PrefixKeyring)
	if err := validKeyringName(name); err != nil {
		return "", &RefError{Ref: v, Label: label, Problem: err.Error(), Fix: "write keyring:NAME"}
	}
	if r.Keyring == nil {
		return "", &RefError{Ref: v, Label: label, Problem: "no keyring is available here", Fix: "use env:NAME, file:PATH or prompt instead"}
	}
	s, err := r.Keyring.Get(KeyringService, name)
	switch {
	case errors.Is(err, ErrKeyringNotFound):
		return "", &RefError{Ref: v, Label: label, Problem: "no keyring entry " + name, Fix: "store it with " + storeCommand(name) + ", or use env:NAME or prompt instead"}
	case err != nil:
		return "", unreachable(v, label, err)
	}
	return s, nil
}

func unreachable(ref, label string, err error) *RefError {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	return &RefError{Ref: ref, Label: label, Problem: fmt.Sprintf("no OS keyring is reachable (%s)", msg), Fix: "use env:NAME or prompt instead"}
}

// storeCommand is the OS command that creates the entry go-keyring reads.
func storeCommand(name string) string {
	q := shellQuote(name)
	switch runtime.GOOS {
	case "darwin":
		return fmt.Sprintf("security add-generic-password -s %s -a %s -w", KeyringService, q)
	case "windows":
		return fmt.Sprintf("cmdkey /generic:%s:%s /user:%s /pass", KeyringService, name, name)
	}
	return fmt.Sprintf("secret-tool store --label=%s service %s username %s", shellQuote(KeyringService+" "+name), KeyringService, q)
}

package cli

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// tlsInsecureWarning is the line `send` prints on stderr with -k (or a
// profile's insecure = true).
const tlsInsecureWarning = "warning: TLS certificate verification is OFF (-k): the server is not authenticated, so anyone on the path can impersonate it and read the credentials sent"

// tlsFlagsLiteral reports whether --key-pass holds a literal passphrase
// rather than a reference.
func tlsFlagsLiteral(f *sendFlags) bool {
	return f.keyPass != "" && !profiles.IsRef(f.keyPass)
}

// tlsCheckFlags validates the TLS flags before anything is sent or saved. A
// literal --key-pass is refused unless --allow-plaintext is given: a
// passphrase typed on the command line stays in the shell history and is
// visible in the process list. (A literal read from a profile was stored
// with --allow-plaintext and is used as it is.)
func tlsCheckFlags(f *sendFlags, changed func(string) bool) error {
	if changed("key-pass") && tlsFlagsLiteral(f) && !f.allowPlaintext {
		return authn.Inputf("give a reference: --key-pass env:NAME, file:PATH, keyring:NAME or prompt (--allow-plaintext accepts a literal)",
			"--key-pass takes a reference to the key's passphrase, not the passphrase itself")
	}
	if f.keyPass != "" && f.cert == "" && f.key == "" {
		return authn.Inputf("add --cert FILE (and --key FILE when the key is in its own file)", "--key-pass without a client key")
	}
	if f.key != "" && f.cert == "" {
		return authn.Inputf("add --cert FILE", "--key without --cert")
	}
	if strings.HasPrefix(f.key, profiles.PrefixEnv) || strings.HasPrefix(f.key, profiles.PrefixKeyring) || f.key == profiles.Prompt {
		return authn.Inputf("give the key's PEM file path (its passphrase goes in --key-pass)", "--key %q is a reference; the client key must be a file", f.key)
	}
	return nil
}

// tlsApplyProfile takes the profile's TLS options for every flag the user
// did not set.
func tlsApplyProfile(f *sendFlags, changed func(string) bool, p *profiles.Profile) {
	if !changed("insecure") {
		f.insecure = p.TLS.Insecure
	}
	if !changed("cacert") {
		f.cacert = p.TLS.CACert
	}
	if !changed("cert") {
		f.cert = p.TLS.Cert
	}
	if !changed("key") {
		f.key = p.TLS.Key
	}
	if !changed("key-pass") {
		f.keyPass = p.TLS.KeyPassword
	}
}

// tlsProfile is the profile's [tls] table for the flags (references kept).
func tlsProfile(f *sendFlags) profiles.TLS {
	return profiles.TLS{Insecure: f.insecure, CACert: f.cacert, Cert: f.cert, Key: f.key, KeyPassword: f.keyPass}
}

// tlsCheckSave refuses to write a literal key passphrase into a profile
// without --allow-plaintext, as profiles.Save does for secret fields.
func tlsCheckSave(f *sendFlags) error {
	if tlsFlagsLiteral(f) && !f.allowPlaintext {
		return errors.New("the key passphrase is a literal: save it as a reference (--key-pass env:NAME, file:PATH, keyring:NAME or prompt), or add --allow-plaintext to store it in the profile file")
	}
	return nil
}

// tlsServeSetup makes sure the practice PKI exists in dir (the default
// folder when "") and configures srv to serve it.
func tlsServeSetup(env Env, srv *http.Server, dir string) (practice.TLSFiles, error) {
	if dir == "" {
		d, err := practice.DefaultTLSDir(env.LookupEnv)
		if err != nil {
			return practice.TLSFiles{}, err
		}
		dir = d
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		dir = abs
	}
	files, err := practice.EnsureTLS(dir, env.now())
	if err != nil {
		return files, fmt.Errorf("practice TLS files: %w", err)
	}
	cfg, err := practice.TLSServerConfig(files)
	if err != nil {
		return files, err
	}
	srv.TLSConfig = cfg
	return files, nil
}

// tlsServeBanner lists the practice TLS files and ready-to-paste commands.
func tlsServeBanner(f practice.TLSFiles, base string) string {
	var b strings.Builder
	state := "reused"
	if f.Created {
		state = "generated"
	}
	fmt.Fprintf(&b, "TLS files (%s) in %s\n", state, f.Dir)
	fmt.Fprintf(&b, "  CA certificate      %s\n", f.CA)
	fmt.Fprintf(&b, "  client certificate  %s\n", f.ClientCert)
	fmt.Fprintf(&b, "  client key          %s\n", f.ClientKey)
	fmt.Fprintf(&b, "  server certificate  %s\n\n", f.ServerCert)
	q := func(s string) string { return tlsShellQuote(s) }
	fmt.Fprintln(&b, "Mutual TLS at /mtls (client certificate CN \""+practice.TLSClientCN+"\"):")
	fmt.Fprintf(&b, "  authlab send --cacert %s --cert %s --key %s %s/mtls\n", q(f.CA), q(f.ClientCert), q(f.ClientKey), base)
	fmt.Fprintf(&b, "  curl --cacert %s --cert %s --key %s %s/mtls\n", q(f.CA), q(f.ClientCert), q(f.ClientKey), base)
	fmt.Fprintf(&b, "Every endpoint works over TLS with --cacert %s\n", q(f.CA))
	return b.String()
}

// tlsShellQuote quotes s for a POSIX shell when it needs it.
func tlsShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

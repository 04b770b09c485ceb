package authn

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"golang.org/x/oauth2"
)

// TokenCache keeps the tokens of the oauth2 and oidc schemes across runs
// of authlab, so that a script does not fetch a token per run. It is
// opt-in (--token-cache keyring|file): without one, tokens live in the
// engine's Session and die with it. authn defines what it needs; the
// implementations (a 0600 file, the OS keyring) live in profiles, which
// authn does not import. A TokenCache must be safe for concurrent use and
// is never asked to keep anything but what CachedToken holds; nothing of it
// reaches history or exports (those are written from a Result, which masks
// every token).
type TokenCache interface {
	// Load returns the entry under key; ok is false when there is none.
	Load(key string) (t CachedToken, ok bool, err error)
	// Store keeps t under t.Key, replacing what was there.
	Store(t CachedToken) error
	// Forget removes the entry under key; a missing one is not an error.
	Forget(key string) error
	// Where names the cache for the trace ("file /home/a/.local/state/authlab/tokens.json").
	Where() string
}

// CachedToken is one entry of a TokenCache: the tokens and what they were
// obtained for. Key is TokenCacheKey of the four key parts.
type CachedToken struct {
	Key string `json:"key"`
	// The key parts: the token endpoint (for oidc, the issuer, which
	// names it before discovery), the client, the scope requested and the
	// user (the password grant's username; "" for grants where the user
	// signs in at the provider).
	Endpoint string `json:"endpoint"`
	ClientID string `json:"client_id"`
	Scope    string `json:"scope,omitempty"`
	User     string `json:"user,omitempty"`
	Scheme   string `json:"scheme"`

	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	IDToken      string    `json:"id_token,omitempty"`
	Obtained     time.Time `json:"obtained"`
	Expiry       time.Time `json:"expiry,omitzero"` // zero: the server gave no expires_in
}

// TokenCacheKey is the cache key of the four key parts: 16 hex digits of
// their SHA-256, short enough to type after `authlab tokens forget`.
func TokenCacheKey(endpoint, clientID, scope, user string) string {
	h := sha256.New()
	for _, p := range []string{endpoint, clientID, scope, user} {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// cacheEntry is the key parts of r's plan (the token not yet filled in).
func (r *oauth2Run) cacheEntry() CachedToken {
	p := r.p
	ep := r.cacheEndpoint
	if ep == "" {
		ep = p.tokenURL.String()
	}
	user := ""
	if p.grant == oauth2GrantPassword {
		user = p.username
	}
	scheme := r.scheme
	if scheme == "" {
		scheme = "oauth2"
	}
	t := CachedToken{Endpoint: ep, ClientID: p.clientID, Scope: p.scope, User: user, Scheme: scheme}
	t.Key = TokenCacheKey(t.Endpoint, t.ClientID, t.Scope, t.User)
	return t
}

// loadCached puts the cache's token into the Session when the Session has
// none, with a trace step. A cache that cannot be read is a trace step
// too, never an error: the grant runs as without a cache.
func (r *oauth2Run) loadCached() {
	c := r.c
	if c.Env.Tokens == nil || c.Env.Session.Get(oauth2KeyToken) != nil {
		return
	}
	want := r.cacheEntry()
	t, ok, err := c.Env.Tokens.Load(want.Key)
	switch {
	case err != nil:
		c.Trace.Add("The token cache could not be read", "", "authlab goes on without it: "+oauth2OneLine(err.Error()),
			Plain("cache", c.Env.Tokens.Where()))
		return
	case !ok:
		c.Trace.Add("No token in the token cache", "", "Nothing kept for this token endpoint, client, scope and user yet: the grant runs, and its token is kept.",
			Plain("cache", c.Env.Tokens.Where()), Plain("key", want.Key))
		return
	}
	tok := (&oauth2.Token{AccessToken: t.AccessToken, TokenType: t.TokenType, RefreshToken: t.RefreshToken, Expiry: t.Expiry}).
		WithExtra(map[string]any{"id_token": t.IDToken})
	cached := oauth2Cached{tok: tok, obtained: t.Obtained}
	if !t.Expiry.IsZero() {
		cached.lifetime = t.Expiry.Sub(t.Obtained)
	}
	c.Env.Session.Set(oauth2KeyToken, cached)
	if t.RefreshToken != "" {
		c.Env.Session.Set(oauth2KeyRefresh, t.RefreshToken)
	}
	vals := []Value{Plain("cache", c.Env.Tokens.Where()), Plain("key", t.Key), Secret("access_token", t.AccessToken, ""),
		Plain("obtained", t.Obtained.Format(time.RFC3339))}
	if !t.Expiry.IsZero() {
		vals = append(vals, Plain("expires", oauth2ExpiresWords(t.Expiry.Sub(c.Env.Now()))))
	}
	if t.RefreshToken != "" {
		vals = append(vals, Secret("refresh_token", t.RefreshToken, ""))
	}
	c.Trace.Add("Load the token from the token cache", "RFC 6749 §5.1",
		"--token-cache kept the token of an earlier run; it is used like a token of this session: sent while it is valid, refreshed before it expires, and dropped if the API answers 401 invalid_token.",
		vals...)
}

// saveCached keeps the Session's token in the cache after a grant or a
// refresh obtained it.
func (r *oauth2Run) saveCached() {
	c := r.c
	if c.Env.Tokens == nil || r.granted == "" {
		return
	}
	v, ok := c.Env.Session.Get(oauth2KeyToken).(oauth2Cached)
	if !ok {
		return
	}
	t := r.cacheEntry()
	t.AccessToken, t.TokenType, t.Expiry, t.Obtained = v.tok.AccessToken, v.tok.TokenType, v.tok.Expiry, v.obtained
	t.RefreshToken, _ = c.Env.Session.Get(oauth2KeyRefresh).(string)
	t.IDToken, _ = v.tok.Extra("id_token").(string)
	if err := c.Env.Tokens.Store(t); err != nil {
		c.Trace.Add("The token could not be kept in the token cache", "", oauth2OneLine(err.Error()), Plain("cache", c.Env.Tokens.Where()))
		return
	}
	c.Trace.Add("Keep the token in the token cache", "",
		"The next run of authlab with --token-cache finds it here instead of running the grant again. `authlab tokens list` shows it, `authlab tokens forget KEY` removes it.",
		Plain("cache", c.Env.Tokens.Where()), Plain("key", t.Key))
}

// forgetCached removes r's entry from the cache (a refused or invalid
// token).
func (r *oauth2Run) forgetCached() {
	if r.c.Env.Tokens != nil {
		r.c.Env.Tokens.Forget(r.cacheEntry().Key)
	}
}

// ForgetToken drops the token req's scheme holds for req's credentials:
// from the engine's Session, and from the token cache when there is one
// (the TUI's forget-token key, so that a class sees the grant run again).
// It returns the cache key it forgot ("" without a cache), and an error
// for a request whose scheme keeps no token.
func (e *Engine) ForgetToken(req Request) (string, error) {
	prep, err := Prepare(req)
	if err != nil {
		return "", err
	}
	if prep.Info.Name != "oauth2" && prep.Info.Name != "oidc" {
		return "", &InputError{Field: "auth", Problem: fmt.Sprintf("scheme %s keeps no token to forget", prep.Info.Name), Fix: "forget works for oauth2 and oidc profiles"}
	}
	s := e.sessions.forCreds(prep.Info.Name, prep.Creds)
	s.Set(oauth2KeyToken, nil)
	s.Set(oauth2KeyRefresh, nil)
	if e.opts.TokenCache == nil {
		return "", nil
	}
	var r *oauth2Run
	if prep.Info.Name == "oidc" {
		p, err := oidcNewPlan(prep.Creds)
		if err != nil {
			return "", err
		}
		o := &oidcRun{c: &Call{Creds: prep.Creds}, p: p}
		r = o.cacheRun()
	} else {
		p, err := oauth2NewPlan(prep.Creds)
		if err != nil {
			return "", err
		}
		r = &oauth2Run{p: p}
	}
	key := r.cacheEntry().Key
	return key, e.opts.TokenCache.Forget(key)
}

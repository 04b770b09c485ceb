package authn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Token actions of the oidc scheme: introspection (RFC 7662) asks the
// provider whether a token is active and what it stands for; revocation
// (RFC 7009) tells it to forget one. Both are run by Engine.TokenAction on
// the token the session holds (obtained first when it holds none), with
// the client authentication of the token endpoint, and their exchanges,
// trace and hints are a Result like any other.

// Token actions.
const (
	ActionIntrospect = "introspect"
	ActionRevoke     = "revoke"
)

// RoleIntrospect and RoleRevoke are the roles of the action's exchange.
const (
	RoleIntrospect = "introspect"
	RoleRevoke     = "revoke"
)

// TokenAction runs action (ActionIntrospect or ActionRevoke) on the access
// token (or, with refresh true, the refresh token) of req's oidc session:
// discovery and, when the session has no token yet, the sign-in first; then
// one POST to the provider's introspection_endpoint or revocation_endpoint.
// A revoked token is dropped from the session, so the next send obtains a
// new one. req.URL is not called.
func (e *Engine) TokenAction(ctx context.Context, req Request, action string, refresh bool) (*Result, error) {
	start := time.Now()
	res := &Result{}
	err := e.tokenAction(ctx, req, action, refresh, res)
	res.Total = time.Since(start)
	res.Err = err
	if fin := res.Final(); fin != nil && fin.Response != nil {
		res.Hints = explain(fin, res.Scheme, e.opts.Now(), 0)
	}
	if he := (hintedError)(nil); errors.As(err, &he) {
		res.Hints = append([]Hint{he.Hint()}, res.Hints...)
	}
	return res, err
}

func (e *Engine) tokenAction(parent context.Context, req Request, action string, refresh bool, res *Result) error {
	if action != ActionIntrospect && action != ActionRevoke {
		return &InputError{Field: "action", Problem: fmt.Sprintf("unknown token action %q", action), Fix: "use introspect or revoke"}
	}
	if req.Scheme != "oidc" {
		return &InputError{Field: "auth", Problem: fmt.Sprintf("token %s needs the oidc scheme (its provider's metadata names the endpoint), not %q", action, req.Scheme),
			Fix: "use a profile with -a oidc and an issuer"}
	}
	timeout := e.opts.Timeout
	if req.Timeout > 0 {
		timeout = req.Timeout
	}
	prep, err := Prepare(req)
	if prep != nil {
		res.Scheme = prep.Info
	}
	if err != nil {
		return err
	}
	env := Env{Now: e.opts.Now, Rand: e.opts.Rand, Session: e.sessions.forCreds(res.Scheme.Name, prep.Creds), Tokens: e.opts.TokenCache}
	client, err := e.clientFor(req.TLS)
	if err != nil {
		return err
	}
	call := &Call{Creds: prep.Creds, Env: env, Trace: &res.Trace, Method: prep.Method, URL: cloneURL(prep.URL), Role: RoleRequest, Timeout: timeout, notify: req.Notify}
	call.do = func(ctx context.Context, role string, out *Outgoing) (*Response, error) {
		dctx, cancel := context.WithTimeoutCause(ctx, timeout, ErrTimeout)
		defer cancel()
		addScoped(out, req.Scoped)
		ex, resp, err := e.roundTrip(dctx, client, out)
		ex.Role = role
		res.Exchanges = append(res.Exchanges, ex)
		if err != nil {
			return resp, e.classify(parent, dctx, err, timeout)
		}
		return resp, nil
	}
	if err := (oidcScheme{}).Prepare(parent, call); err != nil {
		if parent.Err() != nil {
			return fmt.Errorf("%w: %v", ErrCanceled, context.Cause(parent))
		}
		return err
	}
	return oidcTokenAction(parent, call, action, refresh)
}

// oidcTokenAction posts the token to the endpoint of action.
func oidcTokenAction(ctx context.Context, c *Call, action string, refresh bool) error {
	p, _ := oidcNewPlan(c.Creds) // checked by Prepare
	meta, _ := c.Env.Session.Get(oidcKeyMeta).(oidcMeta)
	o := &oidcRun{c: c, p: p, meta: meta}
	r, err := o.oauth2Run()
	if err != nil {
		return err
	}
	cached, _ := c.Env.Session.Get(oauth2KeyToken).(oauth2Cached)
	token, hint := "", "access_token"
	if cached.tok != nil {
		token = cached.tok.AccessToken
	}
	if refresh {
		hint = "refresh_token"
		token, _ = c.Env.Session.Get(oauth2KeyRefresh).(string)
		if token == "" {
			token = c.Creds.Get("refresh_token")
		}
		if token == "" {
			return &InputError{Field: "refresh_token", Problem: "the session holds no refresh token to " + action,
				Fix: "add offline_access to scope if the provider issues refresh tokens only then, or act on the access token"}
		}
	}
	endpoint, ref, role := meta.Introspection, "RFC 7662 §2.1", RoleIntrospect
	name := "introspection_endpoint"
	if action == ActionRevoke {
		endpoint, ref, role, name = meta.Revocation, "RFC 7009 §2.1", RoleRevoke, "revocation_endpoint"
	}
	u, err := oidcEndpoint(name, endpoint)
	if err != nil {
		return err
	}
	out := &Outgoing{Method: http.MethodPost, URL: u, Header: http.Header{"Accept": {"application/json"}}}
	r.applyClientAuth(out)
	out.AddBodyParams([][2]string{{"token", token}, {"token_type_hint", hint}}, map[string]string{"token": Mask("")})
	what := "Ask the provider about the token (introspection)"
	note := "The client authenticates as at the token endpoint and sends the token; the provider answers whether it is active and what it stands for. A resource server does the same to check tokens it cannot read."
	if action == ActionRevoke {
		what = "Revoke the token"
		note = "The provider forgets the token (a refresh token's access tokens may go with it). It answers 200 even for a token it does not know, so the answer proves only that the request was understood."
	}
	c.Trace.Add(what, ref, note, Plain("POST", u.String()), Plain("body", oauth2MaskedBody(out)), Plain("token_type_hint", hint))
	resp, err := c.Do(ctx, role, out)
	if err != nil {
		return fmt.Errorf("%s (%s): %w", name, u.Host, err)
	}
	resp.MarkSecret(token)
	if resp.Status != http.StatusOK {
		tr := oauth2ParseTokenResponse(resp.Status, resp.Header.Get("Content-Type"), resp.Body)
		code := oauth2OneLine(tr.code)
		c.Trace.Add("The provider refused the request", ref+", RFC 6749 §5.2",
			"An error here is about the request (client authentication, a missing token), never an answer about the token.",
			Plain("status", fmt.Sprintf("%d", resp.Status)), Plain("error", code), Plain("error_description", oauth2OneLine(tr.desc)))
		return &oauth2TokenError{endpoint: strings.ReplaceAll(name, "_", " "), request: action, status: resp.Status, code: code, desc: oauth2OneLine(tr.desc)}
	}
	if action == ActionRevoke {
		if refresh {
			c.Env.Session.Set(oauth2KeyRefresh, nil)
		} else {
			c.Env.Session.Set(oauth2KeyToken, nil)
		}
		r.forgetCached() // the cache entry holds both tokens; the next send starts afresh
		c.Trace.Add("Revoked", "RFC 7009 §2.2",
			"200: the provider no longer accepts the token (or never knew it). authlab dropped it from the session and the token cache; the next send gets a new one, and an API still accepting it would show that revocation has not reached it (self-contained JWT access tokens stay valid until they expire).",
			Plain("status", "200"))
		return nil
	}
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(resp.Body)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return &OIDCError{Check: "introspection", Problem: "the introspection answer is not a JSON object (RFC 7662 §2.2)"}
	}
	active, _ := m["active"].(bool)
	vals := []Value{Plain("active", fmt.Sprintf("%t", active))}
	for _, k := range sortedKeys(m) {
		if k == "active" {
			continue
		}
		v := oidcClaimText(m[k])
		if t, ok := jwtNumericDate(m[k]); ok && (k == "exp" || k == "iat" || k == "nbf") {
			v += " (" + t.Format(time.RFC3339) + ")"
		}
		vals = append(vals, Plain(k, v))
	}
	meaning := "active: true — the provider accepts the token now; the other members say for whom (sub), which client (client_id), what it allows (scope) and until when (exp)."
	if !active {
		meaning = "active: false — expired, revoked, never issued, or issued to another client: RFC 7662 §2.2 lets the provider say nothing more, so that a client cannot probe for tokens."
	}
	c.Trace.Add("Read the introspection answer", "RFC 7662 §2.2", meaning, vals...)
	return nil
}

package authn

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"weak"

	"golang.org/x/oauth2"
)

// oauth2TokenError is the error of a token (or device authorization)
// request the authorization server refused or answered with something that
// is not a token. It reads as one line, e.g.
//
//	token endpoint refused the client_credentials request: 401 invalid_client: Client authentication failed
//
// The description is server text, shortened and on one line; front ends
// sanitize it like any server text. Unwrap gives the x/oauth2 RetrieveError
// (ErrorCode, ErrorDescription, ErrorURI, Body) when the server sent an
// RFC 6749 §5.2 error or a non-2xx status.
type oauth2TokenError struct {
	endpoint string // "token endpoint", "device authorization endpoint"
	request  string // the grant or request, e.g. "client_credentials"
	status   int
	code     string // RFC 6749 §5.2 error, or ""
	desc     string // error_description (untrusted), or what was wrong
	retrieve *oauth2.RetrieveError
}

func (e *oauth2TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s refused the %s request:", e.endpoint, e.request)
	if e.status != 0 {
		fmt.Fprintf(&b, " %d", e.status)
	}
	if e.code != "" {
		b.WriteString(" " + e.code)
	} else if t := http.StatusText(e.status); t != "" {
		b.WriteString(" " + t)
	}
	if e.desc != "" {
		b.WriteString(": " + e.desc)
	}
	return b.String()
}

// Is makes a refusal that came with an HTTP status match ErrRefused.
func (e *oauth2TokenError) Is(target error) bool { return target == ErrRefused && e.status != 0 }

func (e *oauth2TokenError) Unwrap() error {
	if e.retrieve == nil {
		return nil
	}
	return e.retrieve
}

// oauth2OneLine collapses whitespace and shortens server text for an error
// line.
func oauth2OneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// oauth2TokenResponse is a parsed token endpoint response (RFC 6749 §5.1),
// or its error (§5.2).
type oauth2TokenResponse struct {
	tok       *oauth2.Token // Expiry is left zero; ExpiresIn is set when given
	scope     string
	hasScope  bool
	idToken   string
	tokenType string // as sent ("" when missing)
	format    string // "JSON" or "form"
	// Error, when the response is not a token.
	code, desc, uri string
	problem         string // what is wrong when there is no OAuth error code
}

// oauth2ParseTokenResponse parses a token endpoint response: JSON (RFC 6749
// §5.1), or a form-encoded body as GitHub sent by default. expires_in may
// be a number or a numeric string (some servers quote it). It never panics
// on any input; the returned problem or code says why a body is not a
// token.
func oauth2ParseTokenResponse(status int, contentType string, body []byte) oauth2TokenResponse {
	var out oauth2TokenResponse
	mt, _, _ := mime.ParseMediaType(contentType)
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	fields := map[string]any{}
	switch {
	case len(trimmed) == 0:
		out.problem = "the body is empty"
	case trimmed[0] == '{' || mt == "application/json" || strings.HasSuffix(mt, "+json"):
		out.format = "JSON"
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&fields); err != nil {
			out.problem = "the body is not a JSON object"
			fields = nil
		}
	case mt == "application/x-www-form-urlencoded" || mt == "text/plain" && bytes.Contains(trimmed, []byte("access_token=")):
		out.format = "form"
		vals, err := url.ParseQuery(string(trimmed))
		if err != nil {
			out.problem = "the form-encoded body is malformed"
		}
		for k, v := range vals {
			fields[k] = v[0]
		}
	case mt == "text/html" || bytes.HasPrefix(bytes.ToLower(trimmed), []byte("<!doctype html")) || bytes.HasPrefix(bytes.ToLower(trimmed), []byte("<html")):
		out.problem = "the body is an HTML page, not a token response: token_url may point at a login page, a proxy or the API"
	default:
		out.problem = fmt.Sprintf("the body is %s, not JSON", oauth2MediaName(mt))
	}
	str := func(k string) string {
		switch v := fields[k].(type) {
		case string:
			return v
		case json.Number:
			return v.String()
		}
		return ""
	}
	out.code, out.desc, out.uri = strings.TrimSpace(str("error")), str("error_description"), str("error_uri")
	if out.code != "" {
		return out
	}
	if status < 200 || status > 299 {
		if out.problem == "" {
			out.problem = "the answer carries no OAuth error code (RFC 6749 §5.2)"
		}
		return out
	}
	if out.problem != "" {
		return out
	}
	at := str("access_token")
	if at == "" {
		out.problem = "the response has no access_token (RFC 6749 §5.1): token_url may be the API rather than the token endpoint"
		return out
	}
	out.tokenType = str("token_type")
	out.tok = &oauth2.Token{AccessToken: at, TokenType: out.tokenType, RefreshToken: str("refresh_token")}
	if n, err := strconv.ParseFloat(strings.TrimSpace(str("expires_in")), 64); err == nil && n > 0 && !math.IsInf(n, 0) {
		out.tok.ExpiresIn = int64(math.Min(n, 10*365*24*3600))
	}
	out.scope, out.hasScope = str("scope"), fields["scope"] != nil
	out.idToken = str("id_token")
	out.tok = out.tok.WithExtra(fields)
	return out
}

// oauth2MediaName names a media type for a message.
func oauth2MediaName(mt string) string {
	if mt == "" {
		return "of no declared type"
	}
	return oauth2OneLine(mt)
}

// applyClientAuth authenticates the client (RFC 6749 §2.3.1): with a
// secret, in an Authorization: Basic header (client_secret_basic, the
// default every server must support) or as body parameters
// (client_secret_post); without one, a public client identifies itself
// with client_id in the body (§3.2.1).
func (r *oauth2Run) applyClientAuth(out *Outgoing) {
	p, tr := r.p, r.c.Trace
	trace := !r.authTraced
	r.authTraced = true
	switch {
	case p.clientSecret == "":
		out.AddBodyParams([][2]string{{"client_id", p.clientID}}, nil)
		if trace {
			tr.Add("Identify the client (public client, no secret)", "RFC 6749 §3.2.1, §2.1",
				"With no client_secret the client is public: it sends client_id in the body and proves nothing; the grant itself (PKCE verifier, device code, refresh token) carries the proof.",
				Plain("client_id", p.clientID))
		}
	case p.auth == "body":
		out.AddBodyParams([][2]string{{"client_id", p.clientID}, {"client_secret", p.clientSecret}}, map[string]string{"client_secret": Mask("")})
		if trace {
			tr.Add("Authenticate the client in the body (client_secret_post)", "RFC 6749 §2.3.1",
				"client_id and client_secret travel as form parameters. RFC 6749 says servers MAY support this and SHOULD NOT need it; Basic is the method every server must accept.",
				Plain("client_id", p.clientID), Secret("client_secret", p.clientSecret, ""))
		}
	default:
		id, sec := url.QueryEscape(p.clientID), url.QueryEscape(p.clientSecret)
		pair := id + ":" + sec
		enc := base64.StdEncoding.EncodeToString([]byte(pair))
		header := "Basic " + enc
		masked := "Basic " + Mask("")
		out.SetHeader("Authorization", header, masked)
		if trace {
			tr.Add("Form-urlencode client_id and client_secret", "RFC 6749 §2.3.1",
				"Each is encoded with application/x-www-form-urlencoded before they are joined, unlike plain Basic (RFC 7617): a space becomes +, a colon %3A. Servers that skip the decoding reject secrets with such characters.",
				Plain("client_id", p.clientID), Plain("encoded client_id", id), Secret("encoded client_secret", sec, ""))
			tr.Add("Authenticate the client with HTTP Basic (client_secret_basic)", "RFC 6749 §2.3.1, RFC 7617 §2",
				"base64(encoded id \":\" encoded secret) in the Authorization header; every authorization server must accept this method.",
				Secret("id:secret", pair, id+":"+Mask("")), Secret("Authorization", header, masked))
		}
	}
}

// token sends one token request and, on success, keeps the token in the
// Session. what names the request for the trace and errors.
func (r *oauth2Run) token(ctx context.Context, what string, params [][2]string, masks map[string]string) error {
	res, err := r.send(ctx, what, params, masks)
	if err != nil {
		return err
	}
	r.granted = what
	return r.keep(res)
}

// send posts params to the token endpoint and parses the answer; an error
// answer becomes an *oauth2TokenError (device polling inspects its code).
func (r *oauth2Run) send(ctx context.Context, what string, params [][2]string, masks map[string]string) (oauth2TokenResponse, error) {
	c, p := r.c, r.p
	out := &Outgoing{Method: http.MethodPost, URL: cloneURL(p.tokenURL), Header: http.Header{"Accept": {"application/json"}}}
	r.applyClientAuth(out)
	out.AddBodyParams(params, masks)
	if !r.polling {
		c.Trace.Add(fmt.Sprintf("Ask the token endpoint for a token (%s)", what), oauth2GrantRef(what),
			"A POST with a form body; the response is JSON (RFC 6749 §5.1). Secrets in the body are masked here.",
			Plain("POST", p.tokenURL.String()), Plain("body", oauth2MaskedBody(out)))
	}
	return r.post(ctx, out, "token endpoint", what)
}

// oauth2GrantRef cites the section defining a token request.
func oauth2GrantRef(what string) string {
	switch what {
	case "client_credentials":
		return "RFC 6749 §4.4.2"
	case "password":
		return "RFC 6749 §4.3.2"
	case "refresh_token":
		return "RFC 6749 §6"
	case "authorization_code":
		return "RFC 6749 §4.1.3, RFC 7636 §4.5"
	case "device_code":
		return "RFC 8628 §3.4"
	}
	return "RFC 6749 §3.2"
}

// oauth2MaskedBody renders out's form body with credential values masked.
func oauth2MaskedBody(out *Outgoing) string {
	var parts []string
	for _, cr := range out.Added {
		if cr.Where == InBody {
			v := url.QueryEscape(cr.Value)
			if cr.Masked != cr.Value {
				v = cr.Masked
			}
			parts = append(parts, url.QueryEscape(cr.Name)+"="+v)
		}
	}
	if len(parts) == 0 {
		return "(empty)"
	}
	return strings.Join(parts, "&")
}

// post sends out with RoleToken and parses the answer as a token response.
func (r *oauth2Run) post(ctx context.Context, out *Outgoing, endpoint, what string) (oauth2TokenResponse, error) {
	resp, err := r.c.Do(ctx, RoleToken, out)
	if err != nil {
		return oauth2TokenResponse{}, fmt.Errorf("%s (%s) for the %s request: %w", endpoint, out.URL.Host, what, err)
	}
	tr := oauth2ParseTokenResponse(resp.Status, resp.Header.Get("Content-Type"), resp.Body)
	if tr.tok != nil {
		resp.MarkSecret(tr.tok.AccessToken, tr.tok.RefreshToken, tr.idToken)
		return tr, nil
	}
	e := &oauth2TokenError{endpoint: endpoint, request: what, status: resp.Status, code: oauth2OneLine(tr.code)}
	if tr.code != "" {
		e.desc = oauth2OneLine(tr.desc)
	} else {
		e.desc = tr.problem
	}
	if tr.code != "" || resp.Status < 200 || resp.Status > 299 {
		e.retrieve = &oauth2.RetrieveError{
			Response:  &http.Response{Status: fmt.Sprintf("%d %s", resp.Status, http.StatusText(resp.Status)), StatusCode: resp.Status, Header: resp.Header},
			Body:      resp.Body,
			ErrorCode: tr.code, ErrorDescription: tr.desc, ErrorURI: tr.uri,
		}
	}
	return tr, e
}

// keep checks a token response, writes its trace step and caches the
// token (and a refresh token) in the Session.
func (r *oauth2Run) keep(res oauth2TokenResponse) error {
	c := r.c
	tok := res.tok
	typ := strings.ToLower(tok.TokenType)
	if typ != "" && typ != "bearer" {
		return &InputError{Field: "token_url", Problem: fmt.Sprintf("the token endpoint issued a %q token", oauth2OneLine(tok.TokenType)),
			Fix: "authlab sends Bearer tokens only (RFC 6750); a DPoP or MAC token needs a proof with every request (RFC 6749 §7.1)"}
	}
	now := c.Env.Now()
	cached := oauth2Cached{tok: tok, obtained: now, by: weak.Make(c)}
	vals := []Value{Plain("format", res.format)}
	if tok.TokenType == "" {
		vals = append(vals, Plain("token_type", "(missing: REQUIRED by RFC 6749 §5.1; taken as Bearer)"))
	} else {
		vals = append(vals, Plain("token_type", tok.TokenType))
	}
	vals = append(vals, Secret("access_token", tok.AccessToken, ""))
	if tok.ExpiresIn > 0 {
		cached.lifetime = time.Duration(tok.ExpiresIn) * time.Second
		tok.Expiry = now.Add(cached.lifetime)
		vals = append(vals, Plain("expires_in", fmt.Sprintf("%d s (expires %s, at %s)", tok.ExpiresIn,
			oauth2ExpiresWords(cached.lifetime), tok.Expiry.Format(time.TimeOnly))))
	} else {
		vals = append(vals, Plain("expires_in", "(none: kept for this session until the API refuses it)"))
	}
	if tok.RefreshToken != "" {
		vals = append(vals, Secret("refresh_token", tok.RefreshToken, ""))
		c.Env.Session.Set(oauth2KeyRefresh, tok.RefreshToken)
	}
	if res.idToken != "" {
		vals = append(vals, Secret("id_token", res.idToken, ""))
	}
	note := "The access token goes to the API; the refresh token, if any, only ever back to the token endpoint."
	if res.hasScope {
		vals = append(vals, Plain("scope", res.scope))
		if r.p.requested != "" && res.scope != r.p.requested {
			note += " The granted scope differs from the one requested (RFC 6749 §3.3)."
		}
	}
	c.Trace.Add("Read the token response", "RFC 6749 §5.1", note, vals...)
	c.Env.Session.Set(oauth2KeyToken, cached)
	return nil
}

package practice

import (
	"mime"
	"net/http"
	"strings"
)

const bearerRealm = "authlab practice"

func registerBearer(mux *http.ServeMux, s *Server) {
	s.handle(mux, "/bearer", "bearer",
		"RFC 6750 resource: Authorization: Bearer demo-token (demo-expired-token has expired); also ?access_token or a form body", s.bearer(""))
	s.handle(mux, "/bearer/admin", "bearer",
		`RFC 6750 resource needing scope "admin", which demo-token lacks: 403 insufficient_scope`, s.bearer("admin"))
}

// bearerError is the JSON body of a refused request; Error is empty when the
// request carried no token (RFC 6750 §3.1).
type bearerError struct {
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description"`
	Scope            string `json:"scope,omitempty"`
}

// bearerOK is the body of an accepted request.
type bearerOK struct {
	OK      bool   `json:"ok"`
	Subject string `json:"subject"`
	Scope   string `json:"scope"`
}

// bearer returns an RFC 6750 protected resource that needs scope (none
// when "").
func (s *Server) bearer(scope string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tr := newTrace(r, "bearer")
		status, e := s.bearerVerify(w, r, tr, scope)
		if status == http.StatusOK {
			s.finish(w, r, tr, status)
			writeJSON(w, status, bearerOK{OK: true, Subject: DemoUser, Scope: "read"})
			return
		}
		// RFC 6750 §3: the challenge; error_description holds no '"' or '\'.
		c := `Bearer realm="` + bearerRealm + `"`
		if e.Error != "" {
			c += `, error="` + e.Error + `", error_description="` + e.ErrorDescription + `"`
		}
		if e.Scope != "" {
			c += `, scope="` + e.Scope + `"`
		}
		w.Header().Set("WWW-Authenticate", c)
		s.finish(w, r, tr, status)
		writeJSON(w, status, e)
	}
}

// bearerVerify finds the one token of the request (RFC 6750 §2: header,
// form body or query) and checks it.
func (s *Server) bearerVerify(w http.ResponseWriter, r *http.Request, tr *ServerTrace, scope string) (int, bearerError) {
	refuse := func(status int, code, desc, verdict string) (int, bearerError) {
		tr.Verdict = verdict
		add(tr, "verdict detail", desc)
		return status, bearerError{Error: code, ErrorDescription: desc}
	}
	invalid := func(desc string) (int, bearerError) {
		return refuse(http.StatusBadRequest, "invalid_request", desc, "invalid_request: "+desc)
	}

	type found struct{ where, token string }
	var tokens []found
	hs := r.Header.Values("Authorization")
	if len(hs) > 1 {
		return invalid("More than one Authorization header")
	}
	otherScheme := ""
	if len(hs) == 1 {
		scheme, rest, _ := strings.Cut(hs[0], " ")
		if strings.EqualFold(scheme, "Bearer") {
			rest = strings.TrimLeft(rest, " ")
			switch {
			case rest == "":
				return invalid("The Authorization header has the Bearer scheme but no token")
			case strings.ContainsAny(rest, " ,"):
				return invalid("The Authorization header carries more than one credential")
			case !b64token(rest):
				return invalid("The token has characters a bearer token cannot have (RFC 6750 section 2.1)")
			}
			tokens = append(tokens, found{"Authorization header", rest})
		} else {
			otherScheme = scheme
		}
	}
	for _, v := range r.URL.Query()["access_token"] {
		tokens = append(tokens, found{"access_token query parameter", v})
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" && r.Method != http.MethodGet {
		body, err := readBody(w, r)
		if err != nil {
			return invalid("The form body could not be read")
		}
		pairs, err := parseForm(string(body))
		if err != nil {
			return invalid("The form body is not valid form encoding")
		}
		for _, p := range pairs {
			if p.name == "access_token" {
				tokens = append(tokens, found{"access_token form parameter", p.value})
			}
		}
	}

	switch {
	case len(tokens) == 0:
		tr.Verdict = "no token"
		detail := "no Authorization header"
		if otherScheme != "" {
			detail = "the Authorization header uses " + oneLine(otherScheme) + ", not Bearer"
		}
		add(tr, "verdict detail", detail)
		return http.StatusUnauthorized, bearerError{ErrorDescription: "This resource needs a bearer token: Authorization: Bearer <token>"}
	case len(tokens) > 1:
		return invalid("The token was sent more than once; use exactly one method (RFC 6750 section 2)")
	}
	tok := tokens[0]
	add(tr, "token source", tok.where)
	add(tr, "token length", length(tok.token))
	switch {
	case tok.token == "":
		return invalid("The access_token parameter is empty")
	case equal(tok.token, DemoExpiredToken):
		return refuse(http.StatusUnauthorized, "invalid_token", "The access token expired", "invalid_token: expired")
	case !equal(tok.token, DemoToken):
		return refuse(http.StatusUnauthorized, "invalid_token", "The access token is not valid", "invalid_token: unknown token")
	case scope != "":
		st, e := refuse(http.StatusForbidden, "insufficient_scope",
			"The request requires higher privileges than provided by the access token", "insufficient_scope: needs "+scope)
		e.Scope = scope
		add(tr, "token scope", "read")
		add(tr, "required scope", scope)
		return st, e
	}
	tr.Verdict = "ok"
	add(tr, "verdict detail", "valid token of "+DemoUser+", scope read")
	return http.StatusOK, bearerError{}
}

// b64token reports whether s matches RFC 6750 §2.1's b64token:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func b64token(s string) bool {
	i := 0
	for i < len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' {
			i++
			continue
		}
		break
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

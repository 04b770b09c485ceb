package practice

import (
	"encoding/base64"
	"net/http"
	"strings"
)

func registerGitHub(mux *http.ServeMux, s *Server) {
	s.handle(mux, "GET /github/user", "basic, bearer",
		"GitHub-style: the authenticated user; Basic demo:demo-password or Bearer demo-token", s.githubUser)
}

// githubError is the body GitHub's REST API answers errors with.
type githubError struct {
	Message          string `json:"message"`
	DocumentationURL string `json:"documentation_url"`
}

// githubUser is a trimmed GitHub user object.
type githubUserObject struct {
	Login       string `json:"login"`
	ID          int    `json:"id"`
	NodeID      string `json:"node_id"`
	Type        string `json:"type"`
	SiteAdmin   bool   `json:"site_admin"`
	Name        string `json:"name"`
	Company     any    `json:"company"`
	Blog        string `json:"blog"`
	Location    any    `json:"location"`
	Email       any    `json:"email"`
	Bio         string `json:"bio"`
	PublicRepos int    `json:"public_repos"`
	Followers   int    `json:"followers"`
	Following   int    `json:"following"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

// githubUser answers like GET https://api.github.com/user: Basic (user and
// password) or a token (Authorization: Bearer … or token …).
func (s *Server) githubUser(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "basic")
	ok, missing := s.githubVerify(r, tr)
	var status int
	var body any
	switch {
	case ok:
		status, body = http.StatusOK, githubUserObject{
			Login: DemoUser, ID: 1, NodeID: "MDQ6VXNlcjE=", Type: "User", Name: "Demo User",
			Bio: "I exist to be authenticated.", CreatedAt: "2008-01-14T04:33:35Z", UpdatedAt: "2008-01-14T04:33:35Z",
		}
	case missing:
		status, body = http.StatusUnauthorized, githubError{"Requires authentication",
			"https://docs.github.com/rest/users/users#get-the-authenticated-user"}
	default:
		status, body = http.StatusUnauthorized, githubError{"Bad credentials", "https://docs.github.com/rest"}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="authlab practice (GitHub)"`)
	}
	s.finish(w, r, tr, status)
	writeJSON(w, status, body)
}

// githubVerify checks the Authorization header and fills tr. missing is
// true when there were no credentials at all.
func (s *Server) githubVerify(r *http.Request, tr *ServerTrace) (ok, missing bool) {
	fail := func(detail string) (bool, bool) {
		tr.Verdict = "bad credentials: " + detail
		add(tr, "verdict detail", detail)
		return false, false
	}
	hs := r.Header.Values("Authorization")
	switch {
	case len(hs) == 0:
		tr.Scheme = ""
		tr.Verdict = "no credentials"
		add(tr, "verdict detail", "no Authorization header")
		return false, true
	case len(hs) > 1:
		return fail("more than one Authorization header")
	}
	scheme, rest, _ := strings.Cut(strings.TrimSpace(hs[0]), " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(scheme) {
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(rest)
		if err != nil {
			return fail("the Basic credentials are not base64 (RFC 7617 §2)")
		}
		user, pass, found := strings.Cut(string(raw), ":")
		add(tr, "username", user)
		add(tr, "password length", length(pass))
		switch {
		case !found:
			return fail(`the decoded credentials have no ":" between user and password`)
		case user != DemoUser:
			return fail("unknown user")
		case !equal(pass, DemoPassword):
			return fail("wrong password")
		}
	case "bearer", "token":
		tr.Scheme = "bearer"
		add(tr, "token length", length(rest))
		switch {
		case rest == "":
			return fail("no token after " + scheme)
		case !equal(rest, DemoToken):
			return fail("unknown token")
		}
	default:
		tr.Scheme = ""
		return fail("unsupported scheme " + oneLine(scheme) + " (use Basic, Bearer or token)")
	}
	tr.Verdict = "ok"
	add(tr, "verdict detail", "authenticated as "+DemoUser)
	return true, false
}

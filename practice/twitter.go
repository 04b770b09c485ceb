package practice

import (
	"net/http"
	"strconv"
)

func registerTwitter(mux *http.ServeMux, s *Server) {
	s.handle(mux, "GET /twitter/1.1/account/verify_credentials.json", "oauth1",
		"Twitter v1.1-style: the user of an OAuth 1.0a access token (demo-consumer-key + demo-access-token)", s.twitterVerifyCredentials)
	s.handle(mux, "POST /twitter/1.1/statuses/update.json", "oauth1",
		"Twitter v1.1-style: post status=… (form body or query), OAuth 1.0a signed", s.twitterUpdate)
}

// twitterErrors is the body of Twitter v1.1 errors.
type twitterErrors struct {
	Errors []twitterErrorItem `json:"errors"`
}

type twitterErrorItem struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// twitterUser is a trimmed Twitter v1.1 user object.
type twitterUser struct {
	ID             int64  `json:"id"`
	IDStr          string `json:"id_str"`
	Name           string `json:"name"`
	ScreenName     string `json:"screen_name"`
	Location       string `json:"location"`
	Description    string `json:"description"`
	Protected      bool   `json:"protected"`
	FollowersCount int    `json:"followers_count"`
	FriendsCount   int    `json:"friends_count"`
	CreatedAt      string `json:"created_at"`
	StatusesCount  int    `json:"statuses_count"`
}

// tweet is a trimmed Twitter v1.1 status object.
type tweet struct {
	CreatedAt string      `json:"created_at"`
	ID        int64       `json:"id"`
	IDStr     string      `json:"id_str"`
	Text      string      `json:"text"`
	Truncated bool        `json:"truncated"`
	User      twitterUser `json:"user"`
}

// twitterTimeLayout is how Twitter v1.1 writes created_at.
const twitterTimeLayout = "Mon Jan 02 15:04:05 -0700 2006"

func demoTwitterUser() twitterUser {
	return twitterUser{ID: 1, IDStr: "1", Name: "Demo User", ScreenName: DemoUser,
		Description: "I exist to be authenticated.", CreatedAt: "Mon Jan 14 04:33:35 +0000 2008"}
}

// twitterFail answers e in Twitter's shape.
func (s *Server) twitterFail(w http.ResponseWriter, r *http.Request, tr *ServerTrace, e *twitterErr) {
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `OAuth realm="authlab practice (Twitter)"`)
	}
	s.finish(w, r, tr, e.status)
	writeJSON(w, e.status, twitterErrors{[]twitterErrorItem{{e.code, e.message}}})
}

// twitterAuth reads the body and verifies the request; on failure it has
// answered already and returns nil.
func (s *Server) twitterAuth(w http.ResponseWriter, r *http.Request, tr *ServerTrace, need oauthNeed) *oauthVerified {
	body, err := readBody(w, r)
	if err != nil {
		tr.Verdict = "bad authentication data: " + err.Error() + " (code 215)"
		s.twitterFail(w, r, tr, badAuthData())
		return nil
	}
	v, e := s.verifyOAuth(r, body, tr, need)
	if e != nil {
		s.twitterFail(w, r, tr, e)
		return nil
	}
	return v
}

// twitterVerifyCredentials answers like GET account/verify_credentials.json.
func (s *Server) twitterVerifyCredentials(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "oauth1")
	if s.twitterAuth(w, r, tr, needAccessToken) == nil {
		return
	}
	s.finish(w, r, tr, http.StatusOK)
	writeJSON(w, http.StatusOK, demoTwitterUser())
}

// twitterUpdate answers like POST statuses/update.json, echoing the status.
func (s *Server) twitterUpdate(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "oauth1")
	v := s.twitterAuth(w, r, tr, needAccessToken)
	if v == nil {
		return
	}
	status, found := "", false
	for _, p := range v.req.params {
		if p.name == "status" {
			status, found = p.value, true
			break
		}
	}
	if !found {
		tr.Verdict = "ok, but no status parameter (code 170)"
		s.finish(w, r, tr, http.StatusForbidden)
		writeJSON(w, http.StatusForbidden, twitterErrors{[]twitterErrorItem{{170, "Missing required parameter: status."}}})
		return
	}
	id := s.tweets.Add(1)
	s.finish(w, r, tr, http.StatusOK)
	writeJSON(w, http.StatusOK, tweet{
		CreatedAt: s.now().UTC().Format(twitterTimeLayout),
		ID:        id, IDStr: strconv.FormatInt(id, 10),
		Text: status, User: demoTwitterUser(),
	})
}

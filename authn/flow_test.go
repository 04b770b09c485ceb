package authn

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync/atomic"
	"testing"
)

// flowTestScheme is a minimal Flow used to pin the engine's contract: it
// fetches a "token" with Call.Do in Prepare (once per session), sends it in
// X-Token, and answers a 401 once by fetching a fresh one.
type flowTestScheme struct{}

func init() { register(flowTestScheme{}) }

func (flowTestScheme) Info() Info {
	return Info{Name: "test-flow", Title: "Test flow", Summary: "Engine contract test scheme.", Spec: "none", Rank: 1000, NoChallenge: true, ClockFree: true,
		Fields: []Field{{Name: "token_url", Label: "Token URL", Required: true}}}
}

func (flowTestScheme) fetch(ctx context.Context, c *Call) error {
	u, err := url.Parse(c.Creds.Get("token_url"))
	if err != nil {
		return err
	}
	resp, err := c.Do(ctx, RoleToken, &Outgoing{Method: "POST", URL: u, Header: http.Header{}})
	if err != nil {
		return err
	}
	tok := string(resp.Body)
	resp.MarkSecret(tok)
	c.Env.Session.Set("token", tok)
	c.Notify(Notice{Title: "fetched", Done: true})
	return nil
}

func (s flowTestScheme) Prepare(ctx context.Context, c *Call) error {
	if c.Env.Session.Get("token") != nil {
		return nil
	}
	return s.fetch(ctx, c)
}

func (flowTestScheme) Authorize(out *Outgoing, _ Credentials, env Env, tr *Trace) error {
	tok, _ := env.Session.Get("token").(string)
	out.SetHeader("X-Token", tok, Mask(tok))
	tr.Add("send the token", "", "")
	return nil
}

func (s flowTestScheme) Answer(ctx context.Context, c *Call, resp *Response) (bool, error) {
	if resp.Status != http.StatusUnauthorized {
		return false, nil
	}
	return true, s.fetch(ctx, c)
}

func TestFlowContract(t *testing.T) {
	var issued, apiCalls atomic.Int64
	var valid atomic.Value
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		tok := "tok-" + string(rune('0'+issued.Add(1)))
		valid.Store(tok)
		w.Write([]byte(tok))
	})
	mux.HandleFunc("GET /api", func(w http.ResponseWriter, r *http.Request) {
		apiCalls.Add(1)
		if r.Header.Get("X-Token") != valid.Load() {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Write([]byte("ok"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	e := New(Options{})
	defer e.Close()

	var notices []Notice
	req := Request{URL: srv.URL + "/api", Scheme: "test-flow", Fields: map[string]string{"token_url": srv.URL + "/token"},
		Notify: func(n Notice) { notices = append(notices, n) }}
	res, err := e.Exchange(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := flowRoles(res), []string{RoleToken, RoleRequest}; !slices.Equal(got, want) {
		t.Fatalf("first call roles = %q; want %q", got, want)
	}
	if len(notices) != 1 || !notices[0].Done {
		t.Errorf("notices = %+v; want one Done notice", notices)
	}
	if got := res.ResponseSecrets(); !slices.Equal(got, []string{"tok-1"}) {
		t.Errorf("ResponseSecrets = %q; want [tok-1]", got)
	}

	// Same engine and credentials: the session keeps the token, no token request.
	res, err = e.Exchange(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := flowRoles(res), []string{RoleRequest}; !slices.Equal(got, want) {
		t.Fatalf("second call roles = %q; want %q", got, want)
	}

	// The server forgets the token: Answer fetches a new one and the engine retries once.
	valid.Store("revoked")
	res, err = e.Exchange(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := flowRoles(res), []string{RoleRequest, RoleToken, RoleRetry}; !slices.Equal(got, want) {
		t.Fatalf("after revocation roles = %q; want %q", got, want)
	}
	if st := res.Final().Response.Status; st != 200 {
		t.Errorf("final status = %d; want 200", st)
	}

	// A server that always refuses: retries stop at MaxRetries.
	valid.Store("never")
	mux.HandleFunc("GET /never", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	req.URL = srv.URL + "/never"
	res, _ = e.Exchange(context.Background(), req)
	var sends int
	for _, ex := range res.Exchanges {
		if ex.Role != RoleToken {
			sends++
		}
	}
	if sends != 1+MaxRetries {
		t.Errorf("sends to a refusing server = %d; want %d (roles %q)", sends, 1+MaxRetries, flowRoles(res))
	}

	// A cancelled context during Prepare ends the call as ErrCanceled.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fresh := req
	fresh.Fields = map[string]string{"token_url": srv.URL + "/token?other"}
	if _, err := e.Exchange(ctx, fresh); !errors.Is(err, ErrCanceled) {
		t.Errorf("Exchange with cancelled ctx = %v; want ErrCanceled", err)
	}
}

func flowRoles(res *Result) []string {
	var out []string
	for _, ex := range res.Exchanges {
		out = append(out, ex.Role)
	}
	return out
}

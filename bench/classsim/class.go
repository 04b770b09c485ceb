package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
)

// Action is one thing a student does: one `authlab send`, as a request for
// the authn engine (the same engine `authlab send` and the TUI use, so
// every request is signed for real: OAuth 1.0a nonces, SigV4 dates, a
// Digest response to the server's own challenge).
type Action struct {
	Name string
	Req  func(base string) authn.Request
}

// Mixes: what the class does against each kind of server.
const (
	// MixAll is the realistic mix of the practice server: Basic, OAuth
	// 1.0a, Digest (401 then the answer), OAuth 2.0 client credentials
	// (token then the API), JWT and SigV4.
	MixAll = "all"
	// MixBasic is Basic on /github/user alone: the same work as the
	// go-httpbin ceiling, on the practice server.
	MixBasic = "basic"
	// MixHTTPBin is Basic on go-httpbin's /basic-auth/USER/PASS: the ceiling.
	MixHTTPBin = "httpbin"
)

// Mix returns the actions of a mix, or an error naming the mixes.
func Mix(name string) ([]Action, error) {
	basic := Action{"basic", func(base string) authn.Request {
		return authn.Request{URL: base + "/github/user", Scheme: "basic",
			Fields: map[string]string{"username": practice.DemoUser, "password": practice.DemoPassword}}
	}}
	switch name {
	case MixBasic:
		return []Action{basic}, nil
	case MixHTTPBin:
		return []Action{{"basic", func(base string) authn.Request {
			return authn.Request{URL: base + BasicPath(MixHTTPBin), Scheme: "basic",
				Fields: map[string]string{"username": practice.DemoUser, "password": practice.DemoPassword}}
		}}}, nil
	case MixAll:
		return []Action{
			basic,
			{"oauth1", func(base string) authn.Request {
				return authn.Request{URL: base + "/twitter/1.1/account/verify_credentials.json", Scheme: "oauth1",
					Fields: map[string]string{"consumer_key": practice.DemoConsumerKey, "consumer_secret": practice.DemoConsumerSecret,
						"token": practice.DemoAccessToken, "token_secret": practice.DemoTokenSecret}}
			}},
			{"digest", func(base string) authn.Request {
				return authn.Request{URL: base + "/digest", Scheme: "digest",
					Fields: map[string]string{"username": practice.DemoUser, "password": practice.DemoPassword}}
			}},
			{"oauth2", func(base string) authn.Request {
				return authn.Request{URL: base + "/oauth2/me", Scheme: "oauth2",
					Fields: map[string]string{"grant": "client_credentials", "token_url": base + "/oauth2/token",
						"client_id": practice.DemoOAuth2ClientID, "client_secret": practice.DemoOAuth2ClientSecret}}
			}},
			{"jwt", func(base string) authn.Request {
				return authn.Request{URL: base + "/jwt", Scheme: "jwt",
					Fields: map[string]string{"claims": `{"sub":"demo"}`, "alg": "HS256", "secret": practice.DemoJWTSecret}}
			}},
			{"sigv4", func(base string) authn.Request {
				return authn.Request{URL: base + "/aws", Scheme: "sigv4",
					Fields: map[string]string{"access_key": practice.DemoAWSAccessKey, "secret_key": practice.DemoAWSSecretKey,
						"region": practice.DemoAWSRegion, "service": practice.DemoAWSService}}
			}},
		}, nil
	}
	return nil, fmt.Errorf("unknown mix %q: use %s, %s or %s", name, MixAll, MixBasic, MixHTTPBin)
}

// BasicPath is the path a mix's server answers Basic on: go-httpbin's
// /basic-auth/USER/PASS, the practice server's /github/user.
func BasicPath(mix string) string {
	if mix == MixHTTPBin {
		return "/basic-auth/" + practice.DemoUser + "/" + practice.DemoPassword
	}
	return "/github/user"
}

// transportFrom is an HTTP/1.1 transport whose connections leave from ip,
// so the server sees a machine of its own (Linux routes all of 127/8 to
// lo). At most conns connections are open at once.
func transportFrom(ip netip.Addr, conns int) *http.Transport {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip.AsSlice()}, Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{DialContext: d.DialContext, MaxIdleConns: conns, MaxIdleConnsPerHost: conns,
		MaxConnsPerHost: conns, IdleConnTimeout: 90 * time.Second}
}

// runAction sends one action through a new engine over tr (a fresh `authlab
// send`: no Digest challenge or OAuth 2.0 token kept from the last one, but
// the client's kept-alive connections) and classifies it.
func runAction(ctx context.Context, tr http.RoundTripper, a Action, base, student string, timeout time.Duration) (o Outcome, d time.Duration, requests int, status string) {
	eng := authn.New(authn.Options{Transport: tr, Timeout: timeout})
	req := a.Req(base)
	req.Header = http.Header{practice.StudentHeader: {student}}
	start := time.Now()
	res, err := eng.Exchange(ctx, req)
	d = time.Since(start)
	limited := false
	if res != nil {
		requests = len(res.Exchanges)
		for _, ex := range res.Exchanges {
			if ex.Response != nil && ex.Response.Status == http.StatusTooManyRequests {
				limited = true
			}
		}
	}
	switch fin := res.Final(); {
	case limited:
		return Limited, d, requests, "429"
	case err != nil:
		return Failed, d, requests, errorKind(err)
	case fin == nil || fin.Response == nil:
		return Failed, d, requests, "no response"
	case fin.Response.Status != http.StatusOK:
		return Failed, d, requests, fmt.Sprint(fin.Response.Status)
	}
	return OK, d, requests, "200"
}

// errorKind names a transport error for the tables.
func errorKind(err error) string {
	switch {
	case errors.Is(err, authn.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.EMFILE):
		return "client EMFILE"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "closed"
	}
	return "error"
}

// Config is one run of the simulator.
type Config struct {
	Base     string        // server URL, no trailing slash
	Mix      []Action      // what each well-behaved client repeats
	Clients  int           // well-behaved clients
	First    netip.Addr    // the first client's address; the others follow
	Duration time.Duration // how long clients start new actions
	Think    time.Duration // mean pause between a client's actions
	Timeout  time.Duration // per exchange (the engine's Options.Timeout)

	Flood     int        // flooder connections (0: no flooder)
	FloodMode string     // FloodBasic, FloodToken or FloodMix
	FloodAddr netip.Addr // the flooder's own address
	BasicPath string     // the path of FloodBasic (BasicPath of the mix)
}

// Flood modes: what the flooder sends as fast as it can.
const (
	// FloodBasic: one Basic GET, prepared once and resent (the cheapest
	// request for the flooder, so the most for the server).
	FloodBasic = "basic"
	// FloodToken: OAuth 2.0 client-credentials token requests (each
	// issues a token the server keeps).
	FloodToken = "token"
	// FloodMix: the class's own mix through the engine, without pauses.
	FloodMix = "mix"
)

// Results is what a run measured.
type Results struct {
	Class    Summary            // the well-behaved clients, all actions
	ByAction map[string]Summary // the well-behaved clients, per action
	Flood    Summary            // the flooder, one "action" per request
	Elapsed  time.Duration      // from the start until the last action ended
}

// Run runs the class (and the flooder) for cfg.Duration and waits for the
// actions under way to end.
func Run(cfg Config) Results {
	var (
		class    Tally
		flood    Tally
		byAction = map[string]*Tally{}
		wg       sync.WaitGroup
	)
	for _, a := range cfg.Mix {
		byAction[a.Name] = &Tally{}
	}
	start := time.Now()
	stop := start.Add(cfg.Duration)
	ctx := context.Background()
	addr := cfg.First
	for n := range cfg.Clients {
		tr := transportFrom(addr, 2)
		student := fmt.Sprintf("student-%02d", n+1)
		addr = addr.Next()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer tr.CloseIdleConnections()
			rng := rand.New(rand.NewPCG(uint64(n), 17))
			pause(stop, time.Duration(rng.Int64N(int64(cfg.Think)+1))) // spread the first requests
			for i := n; time.Now().Before(stop); i++ {
				a := cfg.Mix[i%len(cfg.Mix)]
				o, d, reqs, st := runAction(ctx, tr, a, cfg.Base, student, cfg.Timeout)
				class.Add(o, d, reqs, st)
				byAction[a.Name].Add(o, d, reqs, st) // the map is only read here
				// uniform in [think/2, 3·think/2): mean think, no lockstep
				pause(stop, cfg.Think/2+time.Duration(rng.Int64N(int64(cfg.Think)+1)))
			}
		}()
	}
	if cfg.Flood > 0 {
		floodRun(ctx, cfg, stop, &flood, &wg)
	}
	wg.Wait()
	r := Results{Class: class.Summary(), Flood: flood.Summary(), ByAction: map[string]Summary{}, Elapsed: time.Since(start)}
	for k, t := range byAction {
		r.ByAction[k] = t.Summary()
	}
	return r
}

// floodRun starts cfg.Flood workers, each sending back to back from
// cfg.FloodAddr over a transport of cfg.Flood connections. A 429 is what a
// flooder should get: it is counted as Limited, not as a failure.
func floodRun(ctx context.Context, cfg Config, stop time.Time, t *Tally, wg *sync.WaitGroup) {
	tr := transportFrom(cfg.FloodAddr, cfg.Flood)
	hc := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for w := range cfg.Flood {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer tr.CloseIdleConnections()
			for i := w; time.Now().Before(stop); i++ {
				if cfg.FloodMode == FloodMix {
					o, d, reqs, st := runAction(ctx, tr, cfg.Mix[i%len(cfg.Mix)], cfg.Base, "flooder", cfg.Timeout)
					t.Add(o, d, reqs, st)
					continue
				}
				req := floodRequest(ctx, cfg.FloodMode, cfg.Base, cfg.BasicPath)
				start := time.Now()
				resp, err := hc.Do(req)
				if err != nil {
					t.Add(Failed, time.Since(start), 1, errorKind(err))
					pause(stop, time.Millisecond) // a refused dial returns at once: do not spin
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d := time.Since(start)
				switch resp.StatusCode {
				case http.StatusOK:
					t.Add(OK, d, 1, "200")
				case http.StatusTooManyRequests:
					t.Add(Limited, d, 1, "429")
				default:
					t.Add(Failed, d, 1, fmt.Sprint(resp.StatusCode))
				}
			}
		}()
	}
}

// floodRequest is one request of the flooder: a Basic GET, or a client
// credentials token request (RFC 6749 §4.4.2, client authenticated with
// Basic as §2.3.1 prefers).
func floodRequest(ctx context.Context, mode, base, basicPath string) *http.Request {
	var req *http.Request
	if mode == FloodToken {
		req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"/oauth2/token",
			strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(practice.DemoOAuth2ClientID, practice.DemoOAuth2ClientSecret)
	} else {
		req, _ = http.NewRequestWithContext(ctx, http.MethodGet, base+basicPath, nil)
		req.SetBasicAuth(practice.DemoUser, practice.DemoPassword)
	}
	req.Header.Set(practice.StudentHeader, "flooder")
	return req
}

// pause sleeps for d, but not past stop.
func pause(stop time.Time, d time.Duration) {
	if left := time.Until(stop); d > left {
		d = left
	}
	if d > 0 {
		time.Sleep(d)
	}
}

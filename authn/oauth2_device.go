package authn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Device authorization grant (RFC 8628): ask for a device code, show the
// user code and verification URI, poll the token endpoint until the user
// approved or denied, or the code expired.
//
// The wait is bounded three ways: by the exchange's timeout (Call.Timeout,
// --timeout: the whole flow, the device authorization request included,
// ends with ErrTimeout when it passes), by the caller's context (Esc in the
// TUI, Ctrl-C: ErrCanceled), and by the code's lifetime, expires_in, or
// oauth2DefaultLifetime when the server gives none.

const (
	// oauth2DefaultInterval is the polling interval when the server gives
	// none (RFC 8628 §3.2).
	oauth2DefaultInterval = 5 * time.Second
	// oauth2SlowDown is what slow_down adds to the interval (§3.5).
	oauth2SlowDown = 5 * time.Second
	// oauth2MaxInterval caps what slow_down answers make of the interval
	// (never below the server's own interval): §3.5 adds 5 s for each, so
	// a server that answers slow_down to every poll would otherwise stretch
	// the wait without end; polling once a minute asks for no more than
	// the RFC's 5 s default, a twelfth as often.
	oauth2MaxInterval = time.Minute
	// oauth2DefaultLifetime is how long a device code is assumed to live
	// when the server omits expires_in, which RFC 8628 §3.2 makes REQUIRED:
	// 1800 s, the lifetime of §3.2's example response (GitHub gives 900 s,
	// Google 1800 s). Polling stops there, with ErrTimeout, if --timeout has
	// not stopped it first.
	oauth2DefaultLifetime = 30 * time.Minute
	// oauth2Nap bounds one real sleep of the poll wait, so that a clock
	// seam that runs faster than real time (tests) is noticed promptly.
	oauth2Nap = 200 * time.Millisecond
)

// oauth2DeviceAuth is the device authorization response (RFC 8628 §3.2).
type oauth2DeviceAuth struct {
	deviceCode, userCode      string
	verifyURI, verifyComplete string
	expiresIn, interval       time.Duration
}

// oauth2ParseDeviceAuth parses a device authorization response. Google's
// early "verification_url" is accepted for verification_uri. expires_in
// and interval may be numbers or numeric strings.
func oauth2ParseDeviceAuth(body []byte) (oauth2DeviceAuth, error) {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimSpace(body)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return oauth2DeviceAuth{}, errors.New("the body is not a JSON object (RFC 8628 §3.2)")
	}
	str := func(k string) string {
		switch v := m[k].(type) {
		case string:
			return v
		case json.Number:
			return v.String()
		}
		return ""
	}
	secs := func(k string) time.Duration {
		n, err := strconv.ParseFloat(strings.TrimSpace(str(k)), 64)
		if err != nil || n <= 0 || math.IsInf(n, 0) || math.IsNaN(n) {
			return 0
		}
		return time.Duration(math.Min(n, 24*3600)) * time.Second
	}
	d := oauth2DeviceAuth{deviceCode: str("device_code"), userCode: str("user_code"),
		verifyURI: str("verification_uri"), verifyComplete: str("verification_uri_complete"),
		expiresIn: secs("expires_in"), interval: secs("interval")}
	if d.verifyURI == "" {
		d.verifyURI = str("verification_url")
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"device_code", d.deviceCode}, {"user_code", d.userCode}, {"verification_uri", d.verifyURI}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return d, fmt.Errorf("the device authorization response lacks %s (RFC 8628 §3.2)", strings.Join(missing, ", "))
	}
	return d, nil
}

// oauth2SafeURL returns raw when it is an absolute http(s) URL, else "":
// a URL the user is asked to open must not be javascript: or file:.
func oauth2SafeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return raw
}

// device runs the device authorization grant.
func (r *oauth2Run) device(ctx context.Context) error {
	c, p := r.c, r.p
	if c.Timeout > 0 {
		// The whole flow, not each poll: the user must approve within
		// the timeout.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, c.Timeout, ErrTimeout)
		defer cancel()
	}
	// timedOut names the cause when the flow's own deadline ended it
	// (a wait or a poll cut short); other errors pass unchanged.
	timedOut := func(err error) error {
		if c.Timeout > 0 && errors.Is(context.Cause(ctx), ErrTimeout) {
			return fmt.Errorf("%w after %s waiting for the device code to be approved: give a longer --timeout (e.g. --timeout 10m) to have more time", ErrTimeout, oauth2Words(c.Timeout))
		}
		return err
	}
	out := &Outgoing{Method: http.MethodPost, URL: cloneURL(p.deviceURL), Header: http.Header{"Accept": {"application/json"}}}
	r.applyClientAuth(out)
	out.AddBodyParams(r.withScope(nil), nil)
	c.Trace.Add("Ask for a device code", "RFC 8628 §3.1",
		"The device authorization endpoint returns a device_code (kept by the client) and a short user_code (typed by the user on another device).",
		Plain("POST", p.deviceURL.String()), Plain("body", oauth2MaskedBody(out)))
	resp, err := c.Do(ctx, RoleToken, out)
	if err != nil {
		return fmt.Errorf("device authorization endpoint (%s): %w", p.deviceURL.Host, err)
	}
	if resp.Status != http.StatusOK {
		tr := oauth2ParseTokenResponse(resp.Status, resp.Header.Get("Content-Type"), resp.Body)
		desc := tr.problem
		if tr.code != "" {
			desc = oauth2OneLine(tr.desc)
		}
		return &oauth2TokenError{endpoint: "device authorization endpoint", request: "device code", status: resp.Status, code: oauth2OneLine(tr.code), desc: desc}
	}
	da, err := oauth2ParseDeviceAuth(resp.Body)
	resp.MarkSecret(da.deviceCode)
	if err != nil {
		return &oauth2TokenError{endpoint: "device authorization endpoint", request: "device code", status: resp.Status, desc: err.Error()}
	}
	now := c.Env.Now()
	interval := da.interval
	intervalNote := fmt.Sprintf("%s (from the server)", oauth2Words(interval))
	if interval <= 0 {
		interval = oauth2DefaultInterval
		intervalNote = "5 s (the default: the server gave none)"
	}
	vals := []Value{Plain("user_code", da.userCode), Plain("verification_uri", da.verifyURI)}
	if da.verifyComplete != "" {
		vals = append(vals, Plain("verification_uri_complete", da.verifyComplete))
	}
	vals = append(vals, Secret("device_code", da.deviceCode, ""))
	lifetime, assumed := da.expiresIn, da.expiresIn <= 0
	if assumed {
		lifetime = oauth2DefaultLifetime
	}
	deadline := now.Add(lifetime)
	if assumed {
		vals = append(vals, Plain("expires_in", fmt.Sprintf("%s assumed (at %s): the server gave none, though RFC 8628 §3.2 requires it", oauth2Words(lifetime), deadline.Format(time.TimeOnly))))
	} else {
		vals = append(vals, Plain("expires_in", fmt.Sprintf("%s (at %s)", oauth2Words(lifetime), deadline.Format(time.TimeOnly))))
	}
	// What the user sees counts down to whichever comes first: the code's
	// expiry or the timeout.
	shown := deadline
	if dl, ok := ctx.Deadline(); ok && now.Add(time.Until(dl)).Before(shown) {
		shown = now.Add(time.Until(dl))
		vals = append(vals, Plain("timeout", fmt.Sprintf("%s: polling stops then if the code is not approved", oauth2Words(c.Timeout))))
	}
	maxInterval := max(oauth2MaxInterval, interval)
	vals = append(vals, Plain("interval", intervalNote))
	c.Trace.Add("Read the device authorization response", "RFC 8628 §3.2", "", vals...)

	link := oauth2SafeURL(da.verifyComplete)
	if link == "" {
		link = oauth2SafeURL(da.verifyURI)
	}
	c.Notify(Notice{Title: "Open the verification page and enter the code", Code: da.userCode, URL: link,
		Deadline: shown, Detail: fmt.Sprintf("authlab polls the token endpoint every %s until you approve", oauth2Words(interval))})
	defer c.Notify(Notice{Title: "Device authorization finished", Done: true})
	c.Trace.Add("Show the user code and where to enter it", "RFC 8628 §3.3",
		"The user opens verification_uri on a phone or laptop, signs in and types user_code (verification_uri_complete has it filled in).",
		Plain("user_code", da.userCode), Plain("open", link))

	r.polling = true
	defer func() { r.polling = false }()
	params := [][2]string{{"grant_type", oauth2DeviceGrantType}, {"device_code", da.deviceCode}}
	masks := map[string]string{"device_code": Mask("")}
	for n := 1; ; n++ {
		// A poll at or after the deadline would be refused: stop now
		// rather than wait for it.
		if !c.Env.Now().Add(interval).Before(deadline) {
			if assumed {
				return fmt.Errorf("%w: the device code was not approved within %s, the lifetime authlab assumes when the server gives no expires_in (RFC 8628 §3.2 requires one); start again", ErrTimeout, oauth2Words(lifetime))
			}
			return &oauth2TokenError{endpoint: "token endpoint", request: "device_code", status: 0, code: "expired_token",
				desc: fmt.Sprintf("the device code expired after %s without approval (RFC 8628 §3.5)", oauth2Words(lifetime))}
		}
		if err := oauth2Wait(ctx, c.Env.Now, interval); err != nil {
			return timedOut(err)
		}
		res, err := r.send(ctx, "device_code", params, masks)
		if err == nil {
			c.Trace.Add(fmt.Sprintf("Poll %d: approved", n), "RFC 8628 §3.4, §3.5",
				"The user approved: the token endpoint answers with the access token.",
				Plain("waited", oauth2Words(interval)))
			r.polling = false
			r.granted = oauth2GrantDeviceCode
			return r.keep(res)
		}
		var te *oauth2TokenError
		if !errors.As(err, &te) {
			return timedOut(err)
		}
		switch te.code {
		case "authorization_pending":
			c.Trace.Add(fmt.Sprintf("Poll %d: authorization_pending", n), "RFC 8628 §3.5",
				"The user has not finished yet: keep polling at the same interval.",
				Plain("waited", oauth2Words(interval)), Plain("error", te.code))
		case "slow_down":
			old := interval
			interval = min(interval+oauth2SlowDown, maxInterval)
			note := "The server asks for slower polling: the interval grows by 5 seconds, for this and every later request."
			if interval < old+oauth2SlowDown {
				note = fmt.Sprintf("The server asks for slower polling again: the interval stays at %s, authlab's cap (RFC 8628 §3.5 adds 5 seconds each time; a server that always says slow_down would otherwise stretch the wait without end).", oauth2Words(maxInterval))
			}
			c.Trace.Add(fmt.Sprintf("Poll %d: slow_down", n), "RFC 8628 §3.5", note,
				Plain("waited", oauth2Words(old)), Plain("error", te.code), Plain("new interval", oauth2Words(interval)))
			c.Notify(Notice{Title: "Open the verification page and enter the code", Code: da.userCode, URL: link,
				Deadline: shown, Detail: fmt.Sprintf("the server asked to slow down: polling every %s", oauth2Words(interval))})
		case "access_denied":
			te.desc = oauth2Join("the user denied the request", te.desc)
			return te
		case "expired_token":
			te.desc = oauth2Join("the device code expired before the user approved it; start again", te.desc)
			return te
		default:
			return te
		}
	}
}

// oauth2Join joins an explanation and the server's description.
func oauth2Join(ours, theirs string) string {
	if theirs == "" {
		return ours
	}
	return ours + " (server: " + theirs + ")"
}

// oauth2Wait waits d, cancellable through ctx. It ends when either the
// clock seam or the real clock says d has passed: the seam lets tests run a
// fast clock (and the practice server, sharing it, sees the same
// intervals); the real clock keeps a frozen seam from waiting forever.
func oauth2Wait(ctx context.Context, now func() time.Time, d time.Duration) error {
	until := now().Add(d)
	realEnd := time.Now().Add(d)
	for {
		left := min(until.Sub(now()), time.Until(realEnd))
		if left <= 0 {
			return nil
		}
		t := time.NewTimer(min(left, oauth2Nap))
		select {
		case <-ctx.Done():
			t.Stop()
			return context.Cause(ctx)
		case <-t.C:
		}
	}
}

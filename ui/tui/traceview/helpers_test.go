package traceview

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/charmbracelet/x/ansi"
)

var fixedNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// practiceHost is the host every test URL names; routeTo sends the bytes
// to a loopback server, so traces (which hold the URL) do not depend on
// the port.
const practiceHost = "practice.test"

// routeTo returns a transport that sends every request, whatever its
// host, to the loopback server srv.
func routeTo(srv *httptest.Server) http.RoundTripper {
	addr := srv.Listener.Addr().String()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	if tr.TLSClientConfig != nil {
		tr.TLSClientConfig.ServerName = "example.com" // httptest's certificate names it
	}
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return tr
}

// counter is a deterministic randomness seam: 0x00, 0x01, … so nonces
// and cnonces repeat from run to run.
type counter struct{ n byte }

func (c *counter) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = c.n
		c.n++
	}
	return len(p), nil
}

// exchange sends req through a real engine to h on loopback, the clock
// pinned and randomness deterministic, and returns the result (a failed
// exchange still has one).
func exchange(t testing.TB, h http.Handler, tls bool, req authn.Request) *authn.Result {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	eng := authn.New(authn.Options{Transport: routeTo(srv), Now: func() time.Time { return fixedNow }, Rand: &counter{}})
	t.Cleanup(eng.Close)
	res, err := eng.Exchange(context.Background(), req)
	if res == nil {
		t.Fatalf("Exchange(%s %s) = nil result, %v", req.Method, req.URL, err)
	}
	res.Total = 87 * time.Millisecond
	for i := range res.Exchanges {
		res.Exchanges[i].Timing = authn.Timing{Total: 3 * time.Millisecond}
	}
	return res
}

// practiceSend sends req to the practice server at path.
func practiceSend(t testing.TB, method, path, scheme string, fields map[string]string) *authn.Result {
	t.Helper()
	ps := practice.New(practice.Options{Now: func() time.Time { return fixedNow }})
	return exchange(t, ps.Handler(), false, authn.Request{Method: method, URL: "http://" + practiceHost + path, Scheme: scheme, Fields: fields})
}

func oauth1Fields(tokenSecret string) map[string]string {
	return map[string]string{
		"consumer_key": practice.DemoConsumerKey, "consumer_secret": practice.DemoConsumerSecret,
		"token": practice.DemoAccessToken, "token_secret": tokenSecret,
		"nonce": "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", "timestamp": "1795953600",
	}
}

func twitterVerify(t testing.TB, tokenSecret string) *authn.Result {
	return practiceSend(t, "GET", "/twitter/1.1/account/verify_credentials.json", "oauth1", oauth1Fields(tokenSecret))
}

// The published Twitter example ("Creating a signature", developer
// documentation; authn's oauth1 test vectors).
const (
	twitterURL         = "https://api.twitter.com/1.1/statuses/update.json?include_entities=true"
	twitterBody        = "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21"
	twitterBaseString  = "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
	twitterSigningKey  = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
	twitterSignature   = "hCtSmYh+iHYCEqBWrE7C7hYmtUk="
	twitterConsumerSec = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
)

// twitterExample signs the published example and sends it to a loopback
// server that answers as Twitter does without valid credentials (400,
// code 215).
func twitterExample(t *testing.T) *authn.Result {
	t.Helper()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"errors":[{"code":215,"message":"Bad Authentication data."}]}`))
	})
	return exchange(t, h, true, authn.Request{
		Method: "POST", URL: twitterURL, Body: []byte(twitterBody),
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Scheme: "oauth1",
		Fields: map[string]string{
			"consumer_key": "xvz1evFS4wEEPTGEFPHBog", "consumer_secret": twitterConsumerSec,
			"token": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", "token_secret": "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
			"nonce": "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", "timestamp": "1318622958",
		},
	})
}

// onScreen reads value i back off the rendered lines the way a student
// reads it: the text after the gutter of each of its rows, a row whose
// gutter shows the continuation mark glued to the row above, any other
// row starting a new line of the value.
func onScreen(t *testing.T, m Model, i int) string {
	t.Helper()
	v := m.doc.values[i]
	var b strings.Builder
	for j := v.start; j < v.end; j++ {
		line := ansi.Strip(m.doc.lines[j])
		gutter := ansi.Cut(line, v.col-gutterW, v.col)
		text := ansi.Cut(line, v.col, ansi.StringWidth(line))
		switch {
		case j == v.start:
		case strings.HasSuffix(gutter, contMark):
		default:
			b.WriteByte('\n')
		}
		b.WriteString(text)
	}
	return b.String()
}

// find returns the index of the first value whose label is label.
func find(t *testing.T, m Model, label string) int {
	t.Helper()
	var labels []string
	for i, v := range m.doc.values {
		if v.label == label {
			return i
		}
		labels = append(labels, v.label)
	}
	t.Fatalf("no value %q; the view has %q", label, labels)
	return -1
}

// closedURL is a loopback URL where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/"
}

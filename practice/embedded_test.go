package practice

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
)

func TestEmbeddedExpandAndUnexpand(t *testing.T) {
	e := NewEmbedded(Options{})
	defer e.Close()
	if e.Started() != "" {
		t.Fatal("the server started before first use")
	}
	if s, _ := e.Expand("https://api.github.com/user"); s != "https://api.github.com/user" || e.Started() != "" {
		t.Errorf("a URL without the placeholder started the server or changed: %q", s)
	}
	u, err := e.Expand(Placeholder + "/github/user")
	if err != nil || !strings.HasPrefix(u, "http://127.0.0.1:") || !strings.HasSuffix(u, "/github/user") {
		t.Fatalf("Expand = %q, %v", u, err)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("GET %s without credentials = %d; want 401", u, resp.StatusCode)
	}
	if got := Unexpand(u, e.Started()); got != Placeholder+"/github/user" {
		t.Errorf("Unexpand = %q", got)
	}
	if got := Unexpand("https://other/x", e.Started()); got != "https://other/x" {
		t.Errorf("Unexpand of another URL = %q", got)
	}
}

var parseBaseTests = []struct {
	in, want string // want "" : refused
}{
	{"http://192.168.1.20:8089", "http://192.168.1.20:8089"},
	{"http://192.168.1.20:8089/", "http://192.168.1.20:8089"},
	{"HTTPS://class.example", "https://class.example"},
	{"http://[fe80::1]:8089", "http://[fe80::1]:8089"},
	{"https://class.example/authlab/", "https://class.example/authlab"},
	{"", ""},
	{"ftp://10.0.0.5", ""},
	{"javascript:alert(1)", ""},
	{"10.0.0.5:8089", ""},
	{"http://", ""},
	{"http://:8089", ""},
	{"http://u:pw@10.0.0.5", ""},
	{"http://10.0.0.5/?x=1", ""},
	{"http://10.0.0.5/#top", ""},
	{"http://10.0.0.5:99999", ""},
	{"http://10.0.0.5/\x1b[2J", ""},
	{"http://bank\u202e.example", ""},
	{"http://10.0.0.5/ x", ""},
	{Placeholder, ""},
	{"http://h/" + strings.Repeat("a", 300), ""},
}

func TestParseBase(t *testing.T) {
	for _, tt := range parseBaseTests {
		got, err := ParseBase(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ParseBase(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\x1b\u202e\n") {
			t.Errorf("ParseBase(%q) error carries the raw text: %q", tt.in, err)
		}
	}
}

var unexpandTests = []struct{ u, base, want string }{
	{"http://h:8089/github/user", "http://h:8089", Placeholder + "/github/user"},
	{"http://h:8089", "http://h:8089", Placeholder},
	{"http://h:8089?x", "http://h:8089", Placeholder + "?x"},
	{"http://h:80890/github/user", "http://h:8089", "http://h:80890/github/user"},
	{"http://h:8089.evil/x", "http://h:8089", "http://h:8089.evil/x"},
	{"http://h:8089/x", "", "http://h:8089/x"},
}

func TestUnexpand(t *testing.T) {
	for _, tt := range unexpandTests {
		if got := Unexpand(tt.u, tt.base); got != tt.want {
			t.Errorf("Unexpand(%q, %q) = %q; want %q", tt.u, tt.base, got, tt.want)
		}
	}
}

// A remote target starts nothing here: {{practice}} is its URL, Started
// reports it from the start, and the student header is scoped to it.
func TestRemoteTarget(t *testing.T) {
	e := NewTarget(Options{}, Target{Remote: "http://10.0.0.5:8089", Student: "alice"})
	defer e.Close()
	req := authn.Request{URL: Placeholder + "/github/user", Fields: map[string]string{"token_url": Placeholder + "/oauth2/token"}}
	if err := e.ExpandRequest(&req); err != nil {
		t.Fatal(err)
	}
	if req.URL != "http://10.0.0.5:8089/github/user" || req.Fields["token_url"] != "http://10.0.0.5:8089/oauth2/token" {
		t.Errorf("ExpandRequest = %q, %v; want the remote URL", req.URL, req.Fields)
	}
	if e.srv != nil {
		t.Errorf("the embedded server started for a remote target")
	}
	if got := e.Started(); got != "http://10.0.0.5:8089" {
		t.Errorf("Started() = %q; want the remote URL", got)
	}
	want := []authn.ScopedHeader{{Base: "http://10.0.0.5:8089", Name: StudentHeader, Value: "alice"}}
	if !reflect.DeepEqual(req.Scoped, want) {
		t.Errorf("Scoped = %+v; want %+v", req.Scoped, want)
	}
	var none *Embedded
	if none.Started() != "" || none.Remote() != "" || none.Student() != "" || none.Close() != nil {
		t.Errorf("a nil *Embedded is not the absent server")
	}
}

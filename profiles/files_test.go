package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// snapshot is every file below dir (links as "-> target") with its bytes,
// so a test can say "nothing changed" byte for byte.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			out[rel] = "-> " + target
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out[rel] = fmt.Sprintf("%04o %s", fi.Mode().Perm(), b)
		case fi.IsDir():
			out[rel+"/"] = ""
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if w, ok := after[k]; !ok {
			t.Errorf("%s: %s is gone", what, k)
		} else if v != w {
			t.Errorf("%s: %s changed:\n%.200q\nto\n%.200q", what, k, v, w)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s: new file %s was left behind", what, k)
		}
	}
}

// oneLineErr checks that err is one line holding every one of want.
func oneLineErr(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error; want one saying %q", what, want)
		return
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("%s: error %q is more than one line", what, msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("%s: error = %q; want it to contain %q", what, msg, w)
		}
	}
}

// TestFilesBrokenTOML writes broken profile files of several kinds next to
// a good one: List shows each as broken with "path:line:column: message"
// (and the good one intact), and no Save, with or without the stamp that
// was loaded, changes a byte of the broken file or leaves a temporary file.
// Holds the BrokenError refusal in Save (fails if Save stops decoding the
// file it replaces) and decodeParseError's positions.
func TestFilesBrokenTOML(t *testing.T) {
	tests := []struct {
		name, content string
		line, col     int
		msg           string
	}{
		{"unquoted", "version = 1\nurl = https://x/\n", 2, 7, "unexpected character"},
		{"unterminated", "version = 1\ndescription = \"no end\nmethod = \"GET\"\n", 2, 22, "basic strings cannot have new lines"},
		{"duplicate", "version = 1\nurl = 'a'\nurl = 'b'\n", 3, 1, "already defined"},
		{"bad utf8", "version = 1\ndescription = \"\xff\xfe\"\n", 2, 16, "invalid UTF-8"},
		{"wrong type", "version = 1\n\nfollow = \"yes\"\n", 3, 10, "cannot decode"},
		{"bad duration", "version = 1\ntimeout = \"soon\"\n", 2, 11, "not a duration"},
		{"newer", "version = 99\nurl = 'x'\n", 0, 0, "written by a newer authlab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			if _, err := s.Save(Profile{Name: "good", URL: "https://good/"}, SaveOptions{}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(s.Dir, "g", "broken.toml")
			writeFile(t, path, tt.content, 0o600)
			old := time.Now().Add(-time.Hour).Truncate(time.Second)
			os.Chtimes(path, old, old)
			before := snapshot(t, s.Dir)

			es, err := s.List()
			if err != nil || len(es) != 2 || es[0].Name != "g/broken" || es[1].Name != "good" || es[1].Broken() {
				t.Fatalf("List() = %+v, %v; want g/broken and good (intact)", es, err)
			}
			e := es[0]
			if !e.Broken() || e.Profile != nil {
				t.Fatalf("List() entry %+v; want broken", e)
			}
			want := path + ": "
			if tt.line > 0 {
				want = fmt.Sprintf("%s:%d:%d: ", path, tt.line, tt.col)
			}
			if got := e.Err.Error(); !strings.HasPrefix(got, want) || !strings.Contains(got, tt.msg) || strings.Contains(got, "\n") {
				t.Errorf("Err = %q; want one line starting %q, containing %q", got, want, tt.msg)
			}
			loaded, _ := s.Load("g/broken")
			p := Profile{Name: "g/broken", Method: "GET", URL: "https://replacement/"}
			for _, o := range []SaveOptions{{}, {Expect: &e.Stamp}, {Expect: &loaded.Stamp}, {AllowPlaintext: true}} {
				_, err := s.Save(p, o)
				if !errors.Is(err, ErrBroken) {
					t.Errorf("Save(%+v) over a broken file = %v; want ErrBroken", o, err)
				}
				oneLineErr(t, "Save over a broken file", err, "refusing to overwrite", want, "fix or remove the file")
			}
			sameSnapshot(t, "refused saves", before, snapshot(t, s.Dir))
			if fi, err := os.Stat(path); err != nil || !fi.ModTime().Equal(old) {
				t.Errorf("the broken file was touched: %v, %v", fi.ModTime(), err)
			}
		})
	}
}

// TestFilesSymlinkedFolder: the profiles folder is a symbolic link to a
// folder elsewhere (a synced folder, a dotfiles checkout). authlab follows
// it: List shows the profiles (it showed none before: WalkDir does not
// follow a root that is a link), Save writes into the target through the
// link, and the link stays a link. A link that points nowhere or to a file
// is an error naming the target, and creates nothing. Links inside the
// folder are not written through: a group folder that is a link and a
// profile file that is a link are refused, and their targets are
// unchanged. Holds checkRootLink, List's walkRoot and the Lstat checks in
// ensureDirs and Save.
func TestFilesSymlinkedFolder(t *testing.T) {
	base := t.TempDir()
	synced := filepath.Join(base, "Sync", "authlab")
	link := filepath.Join(base, "config", "profiles")
	os.MkdirAll(filepath.Dir(link), 0o700)
	if _, err := NewStore(synced).Save(Profile{Name: "work/api", URL: "https://api/"}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(synced, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	s := NewStore(link)

	t.Run("followed", func(t *testing.T) {
		es, err := s.List()
		if err != nil || len(es) != 1 || es[0].Name != "work/api" || es[0].Broken() || es[0].Path != filepath.Join(link, "work", "api.toml") {
			t.Fatalf("List() through the link = %+v, %v; want work/api at %s", es, err, filepath.Join(link, "work", "api.toml"))
		}
		e, err := s.Load("work/api")
		if err != nil {
			t.Fatal(err)
		}
		e.Profile.URL = "https://api/v2"
		if _, err := s.Save(*e.Profile, SaveOptions{Expect: &e.Stamp}); err != nil {
			t.Fatalf("Save through the link = %v", err)
		}
		if _, err := s.Save(Profile{Name: "new", URL: "https://new/"}, SaveOptions{}); err != nil {
			t.Fatalf("Save of a new profile through the link = %v", err)
		}
		for _, f := range []string{"work/api.toml", "new.toml"} {
			b, err := os.ReadFile(filepath.Join(synced, f))
			if err != nil || !bytes.Contains(b, []byte("https://")) {
				t.Errorf("%s in the linked folder = %q, %v", f, b, err)
			}
		}
		if b, _ := os.ReadFile(filepath.Join(synced, "work", "api.toml")); !bytes.Contains(b, []byte("https://api/v2")) {
			t.Errorf("the save did not reach the linked folder: %q", b)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the link was replaced: %v, %v", fi.Mode(), err)
		}
		es, _ = s.List()
		if names := entryNames(es); !slices.Equal(names, []string{"new", "work/api"}) {
			t.Errorf("List() = %q; want new, work/api", names)
		}
	})

	for _, tt := range []struct{ name, target, want string }{
		{"dangling", filepath.Join(base, "unmounted", "authlab"), "which does not exist: mount or create it"},
		{"to a file", filepath.Join(synced, "new.toml"), "which is not a folder"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := filepath.Join(base, "link-"+strings.ReplaceAll(tt.name, " ", "-"))
			os.Symlink(tt.target, l)
			before := snapshot(t, base)
			s := NewStore(l)
			_, lerr := s.List()
			_, serr := s.Save(Profile{Name: "g/p", URL: "https://p/"}, SaveOptions{})
			for _, err := range []error{lerr, serr} {
				oneLineErr(t, tt.name, err, "the profiles folder "+l+" is a symbolic link to "+tt.target, tt.want, "--profiles DIR")
			}
			sameSnapshot(t, "after List and Save through a "+tt.name+" link", before, snapshot(t, base))
		})
	}

	t.Run("links inside", func(t *testing.T) {
		elsewhere := filepath.Join(base, "elsewhere")
		writeFile(t, filepath.Join(elsewhere, "victim.toml"), "version = 1\nurl = 'https://victim/'\n", 0o600)
		os.Symlink(elsewhere, filepath.Join(synced, "linkedgroup"))
		os.Symlink(filepath.Join(elsewhere, "victim.toml"), filepath.Join(synced, "linkedfile.toml"))
		before := snapshot(t, base)
		_, err := s.Save(Profile{Name: "linkedgroup/x", URL: "https://x/"}, SaveOptions{})
		oneLineErr(t, "Save into a linked group", err, "is a symbolic link", "replace the link with a folder")
		e, lerr := s.Load("linkedfile")
		if lerr != nil {
			t.Fatalf("Load(linked file) = %v", lerr)
		}
		for _, o := range []SaveOptions{{Expect: &e.Stamp}, {Overwrite: true}} {
			_, err = s.Save(Profile{Name: "linkedfile", URL: "https://replaced/"}, o)
			var le *LinkError
			if !errors.As(err, &le) {
				t.Errorf("Save(%+v) over a linked file = %v; want a *LinkError", o, err)
			}
			oneLineErr(t, "Save over a linked file", err, "is a symbolic link", "edit the file it points to")
		}
		sameSnapshot(t, "refused saves through inner links", before, snapshot(t, base))
	})
}

func entryNames(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

package profiles

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

var readSettingsTests = []struct {
	name, text string // text "" : no file
	want       string // Practice
	err        string // "" : no error
}{
	{"no file", "", "", ""},
	{"url", "version = 1\n[practice]\nurl = \"http://10.0.0.5:8089\"\n", "http://10.0.0.5:8089", ""},
	{"no version", "[practice]\nurl = \"http://10.0.0.5\"\n", "http://10.0.0.5", ""},
	{"empty file", "# nothing\n", "", ""},
	{"misspelt table", "[practise]\nurl = \"http://10.0.0.5\"\n", "", "unknown key practise"},
	{"unknown key", "[practice]\nurl = \"http://10.0.0.5\"\nstudent = \"x\"\n", "", "unknown key practice.student"},
	{"newer", "version = 2\n[practice]\nurl = \"http://10.0.0.5\"\n", "", "newer authlab"},
	{"version 0", "version = 0\n", "", "not a settings version"},
	{"bad toml", "[practice\n", "", SettingsFile + ":1"},
	{"wrong type", "[practice]\nurl = 5\n", "", SettingsFile},
}

func TestReadSettings(t *testing.T) {
	for _, tt := range readSettingsTests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.text != "" {
				if err := os.WriteFile(filepath.Join(dir, SettingsFile), []byte(tt.text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			s, err := ReadSettings(dir)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("ReadSettings = %v; want no error", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("ReadSettings error = %v; want one containing %q", err, tt.err)
			}
			if s.Practice != tt.want {
				t.Errorf("Practice = %q; want %q", s.Practice, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

// A FIFO or a folder in the settings file's place is refused, never
// waited on; a missing folder has no settings; the settings file is never
// listed as a profile.
func TestReadSettingsFiles(t *testing.T) {
	dir := t.TempDir()
	if s, err := ReadSettings(filepath.Join(dir, "missing")); err != nil || s != (Settings{}) {
		t.Errorf("ReadSettings(missing folder) = %+v, %v; want zero, nil", s, err)
	}
	fifo := filepath.Join(dir, "fifo")
	os.Mkdir(fifo, 0o700)
	if err := syscall.Mkfifo(filepath.Join(fifo, SettingsFile), 0o600); err != nil {
		t.Skip("no FIFO here:", err)
	}
	if _, err := ReadSettings(fifo); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadSettings(FIFO) = %v; want a not-a-regular-file error", err)
	}
	sub := filepath.Join(dir, "sub")
	os.MkdirAll(filepath.Join(sub, SettingsFile), 0o700)
	if _, err := ReadSettings(sub); err == nil {
		t.Errorf("ReadSettings(folder in its place) = nil; want an error")
	}
	ok := filepath.Join(dir, "ok")
	os.Mkdir(ok, 0o700)
	os.WriteFile(filepath.Join(ok, SettingsFile), []byte("[practice]\nurl = \"http://h\"\n"), 0o600)
	if list, err := NewStore(ok).List(); err != nil || len(list) != 0 {
		t.Errorf("List = %v, %v; want no profiles (the settings file is not one)", list, err)
	}
}

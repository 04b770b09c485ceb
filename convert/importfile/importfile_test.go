package importfile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/profiles"
)

// Detect on the real published files the importers' tests read (their
// sources and licences are in each package's testdata README), and on
// files that are none of the three.
func TestDetect(t *testing.T) {
	tests := []struct{ file, want string }{
		{"../postman/testdata/real/wise-groups-api.postman_collection.json", "postman"},
		{"../postman/testdata/real/postman-transformer-helpers-v2.0.0.json", "postman"},
		{"../postman/testdata/fixtures/practice.postman_collection.json", "postman"},
		{"../openapi/testdata/real/swagger-petstore-3.0.yaml", "openapi"},
		{"../openapi/testdata/real/ory-hydra-3.0.json", "openapi"},
		{"../openapi/testdata/real/oai-petstore-swagger-2.0.json", "openapi"},
		{"../httpfile/testdata/eshop/Catalog.API.http", "http"},
		{"../httpfile/testdata/httpyac/digest.http", "http"},
	}
	for _, tt := range tests {
		data, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Detect(tt.file, data)
		if err != nil || f.Name != tt.want {
			t.Errorf("Detect(%s) = %q, %v; want %s", tt.file, f.Name, err, tt.want)
		}
	}
	// A .http file under another name is told by its request line.
	if f, err := Detect("requests.txt", []byte("# comment\nGET https://api.example/x\nAccept: */*\n")); err != nil || f.Name != "http" {
		t.Errorf("Detect(request line) = %q, %v; want http", f.Name, err)
	}
	for _, data := range []string{`{"name":"not a collection"}`, "hello\nworld\n", "", "[1,2,3]"} {
		if f, err := Detect("x.json", []byte(data)); err == nil {
			t.Errorf("Detect(%q) = %s; want an error", data, f.Name)
		} else if !strings.Contains(err.Error(), "name the format") {
			t.Errorf("Detect(%q) error %q does not say how to go on", data, err)
		}
	}
}

// Load puts every profile under the group, and Save writes nothing when
// one of them exists.
func TestLoadAndSave(t *testing.T) {
	file := "../postman/testdata/fixtures/practice.postman_collection.json"
	res, group, err := Load(context.Background(), file, Format{}, Options{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if group != "practice" || len(res.Profiles) == 0 {
		t.Fatalf("Load = group %q, %d profiles; want group practice and the collection's requests", group, len(res.Profiles))
	}
	for _, p := range res.Profiles {
		if !strings.HasPrefix(p.Name, "practice/") {
			t.Errorf("profile %s is not under practice/", p.Name)
		}
	}
	dir := t.TempDir()
	store := profiles.NewStore(dir)
	taken := res.Profiles[len(res.Profiles)-1]
	taken.Fields = nil
	taken.Scheme = "none"
	if _, err := store.Save(taken, profiles.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Save(store, res); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("Save over an existing profile = %v; want it refused", err)
	}
	n := 0
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(d.Name(), ".toml") {
			n++
		}
		return nil
	})
	if n != 1 {
		t.Errorf("a refused import left %d profile files; want only the one that was there", n)
	}
	if err := Save(profiles.NewStore(t.TempDir()), res); err != nil {
		t.Errorf("Save into an empty folder: %v", err)
	}
}

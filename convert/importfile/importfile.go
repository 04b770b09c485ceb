// Package importfile is what both front ends do to import a file: read it
// (capped, a regular file only), tell its format, hand it to that
// format's importer (convert/postman, convert/openapi, convert/httpfile),
// put the result under a group, and save it without replacing anything.
// `authlab import FORMAT FILE` and the TUI's profile browser (i) share it,
// so a file imports the same way from both.
package importfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/authlab/authlab/convert/collection"
	"github.com/authlab/authlab/convert/httpfile"
	"github.com/authlab/authlab/convert/openapi"
	"github.com/authlab/authlab/convert/postman"
	"github.com/authlab/authlab/profiles"
)

// MaxFile bounds a file an import reads (a collection, a document, a .http
// file, an environment): real ones are far smaller.
const MaxFile = 20 << 20

// Options are what some formats take besides the file.
type Options struct {
	// Environments are Postman environment files read with a collection.
	Environments []string
	// Discover, when set, fetches an OpenAPI openIdConnect scheme's
	// discovery document (the caller sends it through the engine).
	Discover func(ctx context.Context, url string) ([]byte, error)
}

// Format is one file format an import reads. Read only parses (the
// file's bytes, and the companion files it names); saving is Save's.
type Format struct {
	Name string // "postman", "openapi", "http"
	What string // "a Postman collection"
	Read func(ctx context.Context, path string, data []byte, o Options) (collection.Result, error)
}

// Formats lists the formats, one row each: a new format is a package
// under convert/ and a row here.
func Formats() []Format {
	return []Format{
		{Name: "postman", What: "a Postman collection", Read: func(_ context.Context, _ string, data []byte, o Options) (collection.Result, error) {
			var envs [][]byte
			for _, e := range o.Environments {
				b, err := ReadFile(e)
				if err != nil {
					return collection.Result{}, err
				}
				envs = append(envs, b)
			}
			return postman.Import(data, envs...)
		}},
		{Name: "openapi", What: "an OpenAPI document", Read: func(_ context.Context, _ string, data []byte, o Options) (collection.Result, error) {
			return openapi.Import(data, openapi.Options{Discover: o.Discover})
		}},
		{Name: "http", What: "a .http file", Read: func(_ context.Context, path string, data []byte, _ Options) (collection.Result, error) {
			var envs httpfile.Envs
			dir := filepath.Dir(path)
			for _, c := range []struct {
				name string
				to   *[]byte
			}{{"http-client.env.json", &envs.Public}, {"http-client.private.env.json", &envs.Private}} {
				p := filepath.Join(dir, c.name)
				if _, err := os.Lstat(p); err != nil {
					continue
				}
				b, err := ReadFile(p)
				if err != nil {
					return collection.Result{}, err
				}
				*c.to = b
			}
			return httpfile.Import(filepath.Base(path), data, envs)
		}},
	}
}

// Lookup returns the format called name.
func Lookup(name string) (Format, bool) {
	for _, f := range Formats() {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// Detect tells a file's format from its contents, then its name: JSON
// with info.schema naming getpostman.com (or info._postman_id) is a
// Postman collection; JSON or YAML with a top-level openapi key an OpenAPI
// document; a .http or .rest file, or text whose first request line is
// METHOD URL, a .http file. The error says what was seen and how to name
// the format instead.
func Detect(path string, data []byte) (Format, error) {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	pick := func(name string) (Format, error) { f, _ := Lookup(name); return f, nil }
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var probe struct {
			Info *struct {
				Schema    string `json:"schema"`
				PostmanID string `json:"_postman_id"`
			} `json:"info"`
			OpenAPI json.RawMessage `json:"openapi"`
			Swagger json.RawMessage `json:"swagger"`
		}
		if err := json.Unmarshal(trimmed, &probe); err == nil {
			switch {
			case probe.Info != nil && (strings.Contains(probe.Info.Schema, "getpostman.com") || probe.Info.PostmanID != ""):
				return pick("postman")
			case probe.OpenAPI != nil || probe.Swagger != nil:
				return pick("openapi") // Swagger 2.0 is refused there, with how to convert it
			}
		}
	}
	if openapiYAML.Match(trimmed) {
		return pick("openapi")
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".http", ".rest":
		return pick("http")
	}
	if requestLine.Match(data) {
		return pick("http")
	}
	return Format{}, fmt.Errorf("%s is not a Postman collection, an OpenAPI document or a .http file that authlab can tell: name the format (authlab import postman|openapi|http FILE)", filepath.Base(path))
}

var (
	openapiYAML = regexp.MustCompile(`(?m)^(openapi|swagger)\s*:`)
	requestLine = regexp.MustCompile(`(?m)^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+\S+`)
)

// ReadFile reads a file to import: a regular file, at most MaxFile bytes.
func ReadFile(path string) ([]byte, error) {
	b, err := profiles.ReadBodyFile(context.Background(), path, MaxFile)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return b, nil
}

var nonGroup = regexp.MustCompile(`[^a-z0-9._-]+`)

// DefaultGroup names the group of an import after its file:
// "Twilio API.postman_collection.json" → "twilio-api".
func DefaultGroup(path string) string {
	base := strings.ToLower(filepath.Base(path))
	for _, ext := range []string{".postman_collection.json", ".json", ".yaml", ".yml", ".http", ".rest"} {
		base = strings.TrimSuffix(base, ext)
	}
	g := strings.Trim(nonGroup.ReplaceAllString(base, "-"), "-._")
	if g == "" {
		g = "imported"
	}
	return g
}

// Load reads path as format f (or the detected format when f is the zero
// Format) and returns what it holds with every profile under group (or
// DefaultGroup's when empty), nothing saved. An empty file is an error.
func Load(ctx context.Context, path string, f Format, o Options, group string) (collection.Result, string, error) {
	data, err := ReadFile(path)
	if err != nil {
		return collection.Result{}, "", err
	}
	if f.Read == nil {
		if f, err = Detect(path, data); err != nil {
			return collection.Result{}, "", err
		}
	}
	res, err := f.Read(ctx, path, data, o)
	if err != nil {
		return collection.Result{}, "", fmt.Errorf("%s: %w", path, err)
	}
	if group == "" {
		group = DefaultGroup(path)
	}
	group = strings.Trim(group, "/")
	for i := range res.Profiles {
		res.Profiles[i].Name = group + "/" + res.Profiles[i].Name
	}
	for i := range res.Unmapped {
		if res.Unmapped[i].Profile != "" {
			res.Unmapped[i].Profile = group + "/" + res.Unmapped[i].Profile
		}
	}
	if len(res.Profiles) == 0 {
		return collection.Result{}, "", fmt.Errorf("%s: no requests found in this %s", path, res.Format)
	}
	return res, group, nil
}

// Save writes res's profiles and environments, after checking that none
// exists: an import never replaces a profile or an environment, and a
// refused one writes nothing.
func Save(store *profiles.Store, res collection.Result) error {
	for _, p := range res.Profiles {
		if err := profiles.ValidateName(p.Name); err != nil {
			return err
		}
		switch _, err := store.Load(p.Name); {
		case err == nil:
			return fmt.Errorf("profile %s exists: import under another group with --save-to, or remove it first (authlab profiles rm %s)", p.Name, p.Name)
		case !errors.Is(err, os.ErrNotExist): // a broken or unreadable file is not replaced either
			return fmt.Errorf("profile %s: %w", p.Name, err)
		}
	}
	for _, e := range res.Environments {
		switch _, err := store.LoadEnvironment(e.Name); {
		case err == nil:
			return fmt.Errorf("environment %s exists: rename or remove %s first", e.Name, filepath.Join(store.Dir, profiles.EnvironmentsDir, e.Name+".toml"))
		case !errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("environment %s: %w", e.Name, err)
		}
	}
	for _, p := range res.Profiles {
		if _, err := store.Save(p, profiles.SaveOptions{}); err != nil {
			return fmt.Errorf("saving %s: %w", p.Name, err)
		}
	}
	for _, e := range res.Environments {
		if err := store.SaveEnvironment(e, profiles.SaveOptions{}); err != nil {
			return fmt.Errorf("saving environment %s: %w", e.Name, err)
		}
	}
	return nil
}

// Package postman reads Postman collections (format v2.0 and v2.1, as
// published at schema.getpostman.com) and Postman environment files into
// authlab profiles and environments, and writes profiles back as a v2.1
// collection for a colleague who uses Postman.
//
// Folders become groups and requests become profiles ("users/get-user").
// Auth is inherited as Postman inherits it: a request without auth takes
// its folder's, a folder without auth its parent's, up to the collection's;
// {"type": "noauth"} opts out. Each auth type maps onto one of authlab's
// schemes (basic, bearer, apikey, digest, oauth1, oauth2, awsv4 → sigv4,
// jwt); what a scheme cannot express, and the types authlab has no scheme
// for (hawk, ntlm, edgegrid, asap), is one collection.Unmapped entry.
//
// Secrets never become literals: a secret field that names a variable
// keeps {{var}}, and the variable's value in the environment is an env:NAME
// reference; a secret typed into the file becomes env:NAME (named by
// convert/internal/envname), and its value is not kept. A value that looks
// like an authlab reference (file:…, keyring:…) is refused, so that a
// collection from elsewhere cannot make authlab read this machine's files.
//
// The package only parses: bytes in, collection.Result out; it writes no
// file and sends nothing.
package postman

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/authlab/authlab/convert/collection"
	"github.com/authlab/authlab/profiles"
)

// Limits on hostile input.
const (
	// MaxDocument is the largest collection or environment file read.
	MaxDocument = 20 << 20
	// MaxDepth is the deepest folder nesting read.
	MaxDepth = 32
	// MaxRequests is the most requests one collection may hold.
	MaxRequests = 10000
	// MaxVariables is the most variables one collection or environment
	// may define.
	MaxVariables = 10000
)

// practiceVar is authlab's built-in variable for the practice server's
// base URL ({{practice}}, practice.Placeholder; convert does not import
// practice): never defined by an import.
const practiceVar = "practice"

// Versions as Result.Format names them.
const (
	FormatV20 = "Postman collection v2.0"
	FormatV21 = "Postman collection v2.1"
)

// Import reads a Postman collection and, optionally, Postman environment
// files that go with it. It detects v2.0 or v2.1 from info.schema (and
// from the shape of the auth attributes when the schema is missing). The
// collection's variables become an Environment named after the collection
// (or "default"); each environment file becomes one more.
//
// An error is one line naming the problem and the fix; a file that reads
// but holds things authlab cannot express is not an error: they are the
// Result's Unmapped entries.
func Import(doc []byte, environments ...[]byte) (collection.Result, error) {
	c, err := decodeCollection(doc)
	if err != nil {
		return collection.Result{}, err
	}
	im := newImporter()
	im.res.Format = detectFormat(c, doc)
	for i, e := range environments {
		env, err := decodeEnvironment(e)
		if err != nil {
			return collection.Result{}, fmt.Errorf("environment file %d: %w", i+1, err)
		}
		im.envFiles = append(im.envFiles, env)
		im.plainVars(env.values) // an environment's value wins over the collection's, as in Postman
	}
	if err := im.collection(c); err != nil {
		return collection.Result{}, err
	}
	im.finish()
	return im.res, nil
}

func decodeCollection(doc []byte) (*pmCollection, error) {
	if len(doc) > MaxDocument {
		return nil, fmt.Errorf("the collection is %d bytes, more than the %d MiB authlab reads: split it into several collections in Postman", len(doc), MaxDocument>>20)
	}
	doc = bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf"))
	var c pmCollection
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, fmt.Errorf("not a Postman collection: %s: export it from Postman as Collection v2.1 (JSON)", jsonProblem(err))
	}
	switch {
	case c.Info == nil && !absent(c.Values):
		return nil, errors.New("this is a Postman environment file, not a collection: pass it after the collection")
	case c.Info == nil && !absent(c.Requests):
		return nil, errors.New("this is a Postman collection v1, which authlab does not read: open it in Postman and export it as Collection v2.1")
	case c.Info == nil:
		return nil, errors.New("not a Postman collection: it has no \"info\" member: export it from Postman as Collection v2.1 (JSON)")
	}
	if s := str(c.Info.Schema); s != "" && !strings.Contains(s, "/v2.0") && !strings.Contains(s, "/v2.1") {
		return nil, fmt.Errorf("collection schema %q is not v2.0 or v2.1: open it in Postman and export it as Collection v2.1", clip(s))
	}
	return &c, nil
}

// jsonProblem says what encoding/json found, in one line.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d (%s)", se.Offset, se.Error())
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("%s is a JSON %s where a %s belongs", te.Field, te.Value, te.Type)
		}
		return fmt.Sprintf("a JSON %s where a %s belongs", te.Value, te.Type)
	}
	return oneLine(err.Error())
}

// detectFormat names the version: info.schema says it; without one, v2.1
// writes auth attributes as arrays and v2.0 as objects.
func detectFormat(c *pmCollection, doc []byte) string {
	s := str(c.Info.Schema)
	switch {
	case strings.Contains(s, "/v2.1"):
		return FormatV21
	case strings.Contains(s, "/v2.0"):
		return FormatV20
	}
	if bytes.Contains(doc, []byte(`"key"`)) {
		return FormatV21
	}
	return FormatV20
}

func clip(s string) string {
	s = oneLine(s)
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// oneLine keeps messages to one line whatever the file held.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), " ")
}

// refPrefixes are the prefixes of values authlab would read as references
// (profiles.IsRef, and command: which #18 adds).
func looksLikeRef(v string) bool {
	return profiles.IsRef(v) || strings.HasPrefix(v, "command:")
}

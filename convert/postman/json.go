package postman

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The shapes below follow the published JSON schemas of the Postman
// collection format (schema.getpostman.com, collection v2.0.0 and v2.1.0)
// loosely: every member whose type differs between the versions, or that
// real exports fill with another type than the schema says (a number where
// a string belongs, a description object), is kept raw and read by the
// helpers at the end of this file, so a surprising member costs one
// Unmapped entry or a note, never the whole import.

// pmCollection is the top of a collection file.
type pmCollection struct {
	Info     *pmInfo         `json:"info"`
	Item     []pmItem        `json:"item"`
	Auth     json.RawMessage `json:"auth"`
	Event    []pmEvent       `json:"event"`
	Variable []pmVariable    `json:"variable"`
	// Values is the member of an environment file, read only to say that
	// the file is one.
	Values json.RawMessage `json:"values"`
	// Requests is the member of a v1 collection, read only to say so.
	Requests json.RawMessage `json:"requests"`
}

type pmInfo struct {
	Name        json.RawMessage `json:"name"`
	Schema      json.RawMessage `json:"schema"`
	Description json.RawMessage `json:"description"`
}

// pmItem is a folder (Item set) or a request (Request set).
type pmItem struct {
	Name        json.RawMessage `json:"name"`
	Description json.RawMessage `json:"description"`
	Item        *[]pmItem       `json:"item"`
	Request     json.RawMessage `json:"request"`
	Auth        json.RawMessage `json:"auth"` // a folder's auth (v2.1)
	Event       []pmEvent       `json:"event"`
	// Events is the v1 spelling that some v2 exports still carry (Postman's
	// own examples do); read the same as Event.
	Events   []pmEvent       `json:"events"`
	Variable []pmVariable    `json:"variable"`
	Response json.RawMessage `json:"response"`
	Behavior json.RawMessage `json:"protocolProfileBehavior"`
}

type pmRequest struct {
	Method      json.RawMessage `json:"method"`
	URL         json.RawMessage `json:"url"`
	Header      json.RawMessage `json:"header"`
	Body        *pmBody         `json:"body"`
	Auth        json.RawMessage `json:"auth"`
	Description json.RawMessage `json:"description"`
	Certificate json.RawMessage `json:"certificate"`
	Proxy       json.RawMessage `json:"proxy"`
}

type pmURL struct {
	Raw      json.RawMessage `json:"raw"`
	Protocol json.RawMessage `json:"protocol"`
	Host     json.RawMessage `json:"host"`
	Port     json.RawMessage `json:"port"`
	Path     json.RawMessage `json:"path"`
	Query    []pmKV          `json:"query"`
	Variable []pmKV          `json:"variable"`
	Hash     json.RawMessage `json:"hash"`
}

// pmKV is a header, query parameter, form field or path variable.
type pmKV struct {
	Key      json.RawMessage `json:"key"`
	Value    json.RawMessage `json:"value"`
	Type     json.RawMessage `json:"type"`
	Src      json.RawMessage `json:"src"`
	Disabled json.RawMessage `json:"disabled"`
}

type pmBody struct {
	Mode       json.RawMessage `json:"mode"`
	Raw        json.RawMessage `json:"raw"`
	URLEncoded []pmKV          `json:"urlencoded"`
	FormData   []pmKV          `json:"formdata"`
	File       json.RawMessage `json:"file"`
	GraphQL    *struct {
		Query     json.RawMessage `json:"query"`
		Variables json.RawMessage `json:"variables"`
	} `json:"graphql"`
	Options *struct {
		Raw *struct {
			Language json.RawMessage `json:"language"`
		} `json:"raw"`
	} `json:"options"`
	Disabled json.RawMessage `json:"disabled"`
}

type pmEvent struct {
	Listen   json.RawMessage `json:"listen"`
	Disabled json.RawMessage `json:"disabled"`
	Script   *struct {
		Exec json.RawMessage `json:"exec"`
		Src  json.RawMessage `json:"src"`
	} `json:"script"`
}

type pmVariable struct {
	Key         json.RawMessage `json:"key"`
	ID          json.RawMessage `json:"id"`
	Value       json.RawMessage `json:"value"`
	Type        json.RawMessage `json:"type"`
	Disabled    json.RawMessage `json:"disabled"`
	Enabled     json.RawMessage `json:"enabled"` // environment files
	Description json.RawMessage `json:"description"`
}

// str reads a JSON value as text: a string as it is, null or absence as
// "", any other value (a number, a boolean, an object) as its JSON text,
// as Postman shows a non-string variable value.
func str(r json.RawMessage) string {
	r = bytes.TrimSpace(r)
	if len(r) == 0 || bytes.Equal(r, []byte("null")) {
		return ""
	}
	if r[0] == '"' {
		var s string
		if json.Unmarshal(r, &s) == nil {
			return s
		}
	}
	return string(r)
}

// isTrue reports whether a JSON value is true (or the string "true").
func isTrue(r json.RawMessage) bool {
	s := str(r)
	return s == "true"
}

// absent reports whether a member is missing or null.
func absent(r json.RawMessage) bool {
	r = bytes.TrimSpace(r)
	return len(r) == 0 || bytes.Equal(r, []byte("null"))
}

// description reads a description: a string, or {content, type}.
func description(r json.RawMessage) string {
	r = bytes.TrimSpace(r)
	if len(r) > 0 && r[0] == '{' {
		var d struct {
			Content json.RawMessage `json:"content"`
		}
		if json.Unmarshal(r, &d) == nil {
			return str(d.Content)
		}
		return ""
	}
	return str(r)
}

// lines reads a script's exec: an array of lines or one string.
func lines(r json.RawMessage) []string {
	r = bytes.TrimSpace(r)
	if len(r) > 0 && r[0] == '[' {
		var raw []json.RawMessage
		if json.Unmarshal(r, &raw) == nil {
			out := make([]string, 0, len(raw))
			for _, l := range raw {
				out = append(out, str(l))
			}
			return out
		}
	}
	if s := str(r); s != "" {
		return strings.Split(s, "\n")
	}
	return nil
}

// pathParts reads url.host or url.path: a string, or an array of strings
// (or, for path, of {type, value} segments).
func pathParts(r json.RawMessage) []string {
	r = bytes.TrimSpace(r)
	if len(r) == 0 || r[0] != '[' {
		if s := str(r); s != "" {
			return []string{s}
		}
		return nil
	}
	var raw []json.RawMessage
	if json.Unmarshal(r, &raw) != nil {
		return nil
	}
	out := make([]string, 0, len(raw))
	for _, p := range raw {
		p = bytes.TrimSpace(p)
		if len(p) > 0 && p[0] == '{' {
			var seg struct {
				Value json.RawMessage `json:"value"`
			}
			_ = json.Unmarshal(p, &seg)
			out = append(out, str(seg.Value))
			continue
		}
		out = append(out, str(p))
	}
	return out
}

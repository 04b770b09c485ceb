package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits on a document. An OpenAPI document comes from anywhere (a vendor's
// site, a colleague, a pull request), so every dimension that could make
// the import slow or large is capped, and a document past a cap is refused
// with one line naming the cap.
const (
	// MaxDocument is the largest document read: GitHub's REST description,
	// among the largest published, is about 12 MiB of JSON.
	MaxDocument = 20 << 20
	// MaxDepth is the deepest nesting of objects and arrays.
	MaxDepth = 256
	// MaxNodes is the most values a document may hold once its YAML aliases
	// are expanded: a billion-laughs document (nine aliases of nine aliases
	// of …) passes a size cap and stops here.
	MaxNodes = 4_000_000
	// MaxOperations is the most operations (profiles) imported from one
	// document; the rest are listed in Notes.
	MaxOperations = 10_000
	// maxRefHops is the longest chain of $ref followed to reach a value.
	maxRefHops = 32
)

type kind uint8

const (
	kNull kind = iota
	kScalar
	kMap
	kSeq
)

// node is one value of the document, JSON or YAML alike, mappings in file
// order (a document's order of paths, flows and security alternatives is
// the order the user reads and the order profiles are made in).
type node struct {
	kind  kind
	str   string   // a scalar's text
	isStr bool     // a scalar is a string (not a number or boolean)
	keys  []string // a mapping's keys, in order
	vals  []*node  // a mapping's values, parallel to keys
	items []*node  // a sequence's items
}

// get returns the value of key in a mapping, nil when n is not a mapping or
// has no such key.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kMap {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// has reports whether the mapping n has key, whatever its value.
func (n *node) has(key string) bool {
	if n == nil || n.kind != kMap {
		return false
	}
	for _, k := range n.keys {
		if k == key {
			return true
		}
	}
	return false
}

// text returns the scalar text of n's key ("" when absent or not a scalar).
func (n *node) text(key string) string {
	v := n.get(key)
	if v == nil || v.kind != kScalar {
		return ""
	}
	return v.str
}

// truthy reports whether n's key is the boolean true (YAML 1.2 core schema:
// true, True, TRUE).
func (n *node) truthy(key string) bool {
	return strings.EqualFold(n.text(key), "true")
}

// parse reads a JSON or YAML document into a tree.
func parse(doc []byte) (*node, error) {
	if len(doc) > MaxDocument {
		return nil, fmt.Errorf("the document is %d bytes, over the %d MiB limit: import a smaller document (split it, or trim the paths you do not need)", len(doc), MaxDocument>>20)
	}
	doc = bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(doc, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, errors.New("the document is empty: give an OpenAPI 3 document in JSON or YAML")
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		return parseJSON(trimmed)
	}
	return parseYAML(doc)
}

// parseJSON reads JSON token by token, so that keys keep their order and
// depth is checked before it is reached.
func parseJSON(doc []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	count := 0
	var value func(depth int) (*node, error)
	value = func(depth int) (*node, error) {
		if depth > MaxDepth {
			return nil, fmt.Errorf("the document nests deeper than %d levels: it is not an API description authlab can read", MaxDepth)
		}
		count++
		if count > MaxNodes {
			return nil, fmt.Errorf("the document holds more than %d values: import a smaller document", MaxNodes)
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				n := &node{kind: kMap}
				for dec.More() {
					kt, err := dec.Token()
					if err != nil {
						return nil, err
					}
					k, _ := kt.(string)
					v, err := value(depth + 1)
					if err != nil {
						return nil, err
					}
					n.keys, n.vals = append(n.keys, k), append(n.vals, v)
				}
				if _, err := dec.Token(); err != nil {
					return nil, err
				}
				return n, nil
			case '[':
				n := &node{kind: kSeq}
				for dec.More() {
					v, err := value(depth + 1)
					if err != nil {
						return nil, err
					}
					n.items = append(n.items, v)
				}
				if _, err := dec.Token(); err != nil {
					return nil, err
				}
				return n, nil
			}
			return nil, fmt.Errorf("unexpected %q", t)
		case nil:
			return &node{kind: kNull}, nil
		case string:
			return &node{kind: kScalar, str: t, isStr: true}, nil
		case json.Number:
			return &node{kind: kScalar, str: t.String()}, nil
		case bool:
			if t {
				return &node{kind: kScalar, str: "true"}, nil
			}
			return &node{kind: kScalar, str: "false"}, nil
		}
		return nil, fmt.Errorf("unexpected token %v", tok)
	}
	n, err := value(0)
	if err == nil {
		if _, err2 := dec.Token(); err2 != io.EOF {
			err = errors.New("text after the end of the JSON value")
		}
	}
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(doc[:min(int(se.Offset), len(doc))], []byte("\n"))
			return nil, fmt.Errorf("the document is not valid JSON (line %d: %v): fix it or export it again", line, se)
		}
		if strings.Contains(err.Error(), "levels") || strings.Contains(err.Error(), "values") {
			return nil, err
		}
		return nil, fmt.Errorf("the document is not valid JSON (%v): fix it or export it again", err)
	}
	return n, nil
}

// parseYAML reads YAML 1.2 into yaml.v3's node tree, which keeps aliases as
// aliases, then converts it: an anchor's value is converted once and shared
// by its aliases, and the size its aliases expand to is counted first, so a
// billion-laughs document is refused before anything is built.
func parseYAML(doc []byte) (*node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("the document is neither JSON nor valid YAML (%s): fix it or export it again", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if root.Kind == 0 {
		return nil, errors.New("the document is empty: give an OpenAPI 3 document in JSON or YAML")
	}
	c := yamlConv{size: map[*yaml.Node]int{}, done: map[*yaml.Node]*node{}}
	total, err := c.count(&root, 0)
	if err != nil {
		return nil, err
	}
	if total > MaxNodes {
		return nil, fmt.Errorf("the document's YAML aliases expand to more than %d values (a YAML bomb?): remove the aliases or import a smaller document", MaxNodes)
	}
	return c.conv(&root), nil
}

type yamlConv struct {
	size map[*yaml.Node]int   // expanded size of a node, memoised
	done map[*yaml.Node]*node // converted node, memoised (aliases share it)
}

// count returns the number of values n expands to, aliases included,
// failing past MaxNodes or MaxDepth; an alias cycle fails too.
func (c *yamlConv) count(n *yaml.Node, depth int) (int, error) {
	if depth > MaxDepth {
		return 0, fmt.Errorf("the document nests deeper than %d levels (or its aliases loop): it is not an API description authlab can read", MaxDepth)
	}
	if s, ok := c.size[n]; ok {
		if s < 0 {
			return 0, errors.New("the document's YAML aliases refer to themselves: remove the loop")
		}
		return s, nil
	}
	c.size[n] = -1
	total := 1
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return 0, errors.New("the document has an alias without an anchor: fix the YAML")
		}
		s, err := c.count(n.Alias, depth+1)
		if err != nil {
			return 0, err
		}
		total = s
	}
	for _, ch := range n.Content {
		s, err := c.count(ch, depth+1)
		if err != nil {
			return 0, err
		}
		total += s
		if total > MaxNodes {
			return 0, fmt.Errorf("the document's YAML aliases expand to more than %d values (a YAML bomb?): remove the aliases or import a smaller document", MaxNodes)
		}
	}
	c.size[n] = total
	return total, nil
}

// conv converts a counted node.
func (c *yamlConv) conv(n *yaml.Node) *node {
	if out, ok := c.done[n]; ok {
		return out
	}
	var out *node
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			out = &node{kind: kNull}
		} else {
			out = c.conv(n.Content[0])
		}
	case yaml.AliasNode:
		out = c.conv(n.Alias)
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			out = &node{kind: kNull}
		} else {
			out = &node{kind: kScalar, str: n.Value, isStr: n.Tag != "!!int" && n.Tag != "!!float" && n.Tag != "!!bool"}
		}
	case yaml.SequenceNode:
		out = &node{kind: kSeq}
		c.done[n] = out
		for _, ch := range n.Content {
			out.items = append(out.items, c.conv(ch))
		}
	case yaml.MappingNode:
		out = &node{kind: kMap}
		c.done[n] = out
		var merges []*node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				// YAML 1.1 merge keys (<<: *base), which many
				// hand-written OpenAPI files use
				mv := c.conv(v)
				if mv.kind == kSeq {
					merges = append(merges, mv.items...)
				} else {
					merges = append(merges, mv)
				}
				continue
			}
			key := k.Value
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				key = k.Alias.Value
			}
			out.keys, out.vals = append(out.keys, key), append(out.vals, c.conv(v))
		}
		for _, m := range merges {
			if m.kind != kMap {
				continue
			}
			for i, k := range m.keys {
				if !out.has(k) {
					out.keys, out.vals = append(out.keys, k), append(out.vals, m.vals[i])
				}
			}
		}
	default:
		out = &node{kind: kNull}
	}
	c.done[n] = out
	return out
}

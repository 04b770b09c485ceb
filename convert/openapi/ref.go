package openapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// refError is a $ref that could not be followed.
type refError struct {
	ref    string
	reason string
}

func (e *refError) Error() string { return fmt.Sprintf("$ref %q: %s", e.ref, e.reason) }

// deref follows n's $ref, if it has one, within the document: a local
// reference ("#/components/securitySchemes/api_key", JSON Pointer, RFC 6901,
// with %-escapes as in a URI fragment, RFC 3986 §3.5) is resolved, chains
// up to maxRefHops long; a loop, a dangling pointer or a reference to
// another file is a *refError. In OpenAPI 3.1 a Reference Object may carry
// summary and description beside $ref (§4.8.23): they are kept out of the
// returned value, as the specification says they override only those two
// fields of the target, which no mapping here reads.
func deref(root, n *node) (*node, error) {
	seen := map[string]bool{}
	for hops := 0; n != nil && n.kind == kMap && n.has("$ref"); hops++ {
		ref := n.text("$ref")
		if hops >= maxRefHops {
			return nil, &refError{ref, fmt.Sprintf("more than %d $ref hops: shorten the chain", maxRefHops)}
		}
		if seen[ref] {
			return nil, &refError{ref, "refers back to itself (a $ref loop): break the loop"}
		}
		seen[ref] = true
		target, err := pointer(root, ref)
		if err != nil {
			return nil, err
		}
		n = target
	}
	return n, nil
}

// pointer resolves a local reference "#/a/b~1c" in root.
func pointer(root *node, ref string) (*node, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, &refError{ref, "points into another file, which an import does not read: bundle the document first (e.g. redocly bundle, swagger-cli bundle)"}
	}
	frag, err := url.PathUnescape(ref[1:])
	if err != nil {
		return nil, &refError{ref, "is not a valid URI fragment"}
	}
	if frag == "" {
		return root, nil
	}
	if !strings.HasPrefix(frag, "/") {
		return nil, &refError{ref, "is not a JSON Pointer (RFC 6901): it must start with #/"}
	}
	n := root
	for _, tok := range strings.Split(frag[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n.kind {
		case kMap:
			if !n.has(tok) {
				return nil, &refError{ref, fmt.Sprintf("nothing at %q in the document", tok)}
			}
			n = n.get(tok)
		case kSeq:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.items) {
				return nil, &refError{ref, fmt.Sprintf("no item %q in the document", tok)}
			}
			n = n.items[i]
		default:
			return nil, &refError{ref, fmt.Sprintf("nothing at %q in the document", tok)}
		}
	}
	return n, nil
}

package pretty

import (
	"strings"
	"testing"
)

// TestBodyXML checks XML re-indentation, its fall-back to text on
// malformed XML, and CRLF as a line end.
func TestBodyXML(t *testing.T) {
	tests := []struct {
		name, ct, body, want string
		kind                 Kind
	}{
		{"soap fault", "text/xml; charset=utf-8",
			`<?xml version="1.0"?><s:Envelope xmlns:s="urn:s"><s:Body><s:Fault><code>401</code><msg a="x&amp;y">Bad &lt;token&gt;</msg><empty/></s:Fault></s:Body></s:Envelope>`,
			"<?xml version=\"1.0\"?>\n<s:Envelope xmlns:s=\"urn:s\">\n  <s:Body>\n    <s:Fault>\n      <code>401</code>\n      <msg a=\"x&amp;y\">Bad &lt;token&gt;</msg>\n      <empty/>\n    </s:Fault>\n  </s:Body>\n</s:Envelope>\n", XML},
		{"atom +xml, CDATA and comment kept", "application/atom+xml",
			"<feed>\r\n<!-- c --><t><![CDATA[<b>]]></t></feed>",
			"<feed>\n  <!-- c -->\n  <t><![CDATA[<b>]]></t>\n</feed>\n", XML},
		{"mixed text", "application/xml", "<p>hi<b>x</b>there</p>", "<p>\n  hi\n  <b>x</b>\n  there\n</p>\n", XML},
		{"mismatched end tag", "application/xml", "<a><b></a></b>", "<a><b></a></b>", Text},
		{"two roots", "application/xml", "<a/><b/>", "<a/><b/>", Text},
		{"unclosed", "application/xml", "<a><b>", "<a><b>", Text},
		{"text outside root", "application/xml", "<a/>junk", "<a/>junk", Text},
		{"unknown entity", "application/xml", "<a>&bogus;</a>", "<a>&bogus;</a>", Text},
		{"hostile text sanitized", "application/xml", "<a>\x1b]52;c;eA==\x07</a>", "<a>\\x1b]52;c;eA==\\x07</a>", Text}, // encoding/xml refuses control characters
		{"xml labelled text/plain is text", "text/plain", "<a><b/></a>", "<a><b/></a>", Text},
		{"CRLF text", "text/plain", "a\r\nb\r\n", "a\nb\n", Text},
		{"lone CR escaped", "text/plain", "a\rb\r\n", "a\\x0db\n", Text},
	}
	for _, tc := range tests {
		out, kind := Body(tc.ct, []byte(tc.body), false)
		if string(out) != tc.want || kind != tc.kind {
			t.Errorf("%s: Body(%q, %q) = %q, %v; want %q, %v", tc.name, tc.ct, tc.body, out, kind, tc.want, tc.kind)
		}
	}
}

// TestBodyXMLDeep checks that hostile nesting falls back to text instead
// of indenting without bound.
func TestBodyXMLDeep(t *testing.T) {
	n := maxDepth + 1
	body := strings.Repeat("<a>", n) + strings.Repeat("</a>", n)
	if _, kind := Body("application/xml", []byte(body), false); kind != Text {
		t.Errorf("Body(xml nested %d deep) kind = %v; want %v", n, kind, Text)
	}
}

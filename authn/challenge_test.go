package authn

import (
	"reflect"
	"strings"
	"testing"
)

// challengeOf builds a Challenge from a scheme and name/value pairs.
func challengeOf(scheme string, kv ...string) Challenge {
	c := Challenge{Scheme: scheme}
	for i := 0; i+1 < len(kv); i += 2 {
		c.Params = append(c.Params, Param{Name: kv[i], Value: kv[i+1]})
	}
	return c
}

var parseChallengesTests = []struct {
	name    string
	in      []string
	want    []Challenge
	wantErr string // substring of the error; "" means no error
}{
	{
		name: "RFC 9110 §11.6.1 / RFC 7235 §4.1 example",
		in:   []string{`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`},
		want: []Challenge{
			challengeOf("Newauth", "realm", "apps", "type", "1", "title", `Login to "apps"`),
			challengeOf("Basic", "realm", "simple"),
		},
	},
	{
		name: "RFC 7617 §2.1 charset",
		in:   []string{`Basic realm="WallyWorld", charset="UTF-8"`},
		want: []Challenge{challengeOf("Basic", "realm", "WallyWorld", "charset", "UTF-8")},
	},
	{
		name: "RFC 7617 §2 example",
		in:   []string{`Basic realm="WallyWorld"`},
		want: []Challenge{challengeOf("Basic", "realm", "WallyWorld")},
	},
	{
		name: "RFC 6750 §3 no error",
		in:   []string{`Bearer realm="example"`},
		want: []Challenge{challengeOf("Bearer", "realm", "example")},
	},
	{
		name: "RFC 6750 §3 invalid_token",
		in:   []string{`Bearer realm="example", error="invalid_token", error_description="The access token expired"`},
		want: []Challenge{challengeOf("Bearer", "realm", "example", "error", "invalid_token", "error_description", "The access token expired")},
	},
	{
		name: "RFC 6750 §3 insufficient_scope with scope list",
		in:   []string{`Bearer realm="example", error="insufficient_scope", scope="openid profile email"`},
		want: []Challenge{challengeOf("Bearer", "realm", "example", "error", "insufficient_scope", "scope", "openid profile email")},
	},
	{
		name: "RFC 7616 §3.9.1 Digest, two challenges over two lines",
		in: []string{
			`Digest
    realm="http-auth@example.org",
    qop="auth, auth-int",
    algorithm=SHA-256,
    nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
			`Digest
    realm="http-auth@example.org",
    qop="auth, auth-int",
    algorithm=MD5,
    nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
		},
		want: []Challenge{
			challengeOf("Digest", "realm", "http-auth@example.org", "qop", "auth, auth-int", "algorithm", "SHA-256",
				"nonce", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "opaque", "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"),
			challengeOf("Digest", "realm", "http-auth@example.org", "qop", "auth, auth-int", "algorithm", "MD5",
				"nonce", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "opaque", "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"),
		},
	},
	{
		name: "Digest on one line with stale=true",
		in:   []string{`Digest realm="r", nonce="n2", stale=true, algorithm=SHA-256, qop="auth"`},
		want: []Challenge{challengeOf("Digest", "realm", "r", "nonce", "n2", "stale", "true", "algorithm", "SHA-256", "qop", "auth")},
	},
	{
		name: "several challenges in one line",
		in:   []string{`Basic realm="a, b", Bearer, Digest realm="d", nonce="x"`},
		want: []Challenge{challengeOf("Basic", "realm", "a, b"), challengeOf("Bearer"), challengeOf("Digest", "realm", "d", "nonce", "x")},
	},
	{
		name: "token68",
		in:   []string{`Negotiate YII=`},
		want: []Challenge{{Scheme: "Negotiate", Token68: "YII="}},
	},
	{
		name: "token68 with padding, then another challenge",
		in:   []string{`Negotiate oYG0MIGxoAMKAQChCwYJKoZIgvcSAQIC+/a==, NTLM`},
		want: []Challenge{{Scheme: "Negotiate", Token68: "oYG0MIGxoAMKAQChCwYJKoZIgvcSAQIC+/a=="}, challengeOf("NTLM")},
	},
	{
		name: "padded token68 followed by a challenge with params",
		in:   []string{`Negotiate abc=, Basic realm="y"`},
		want: []Challenge{{Scheme: "Negotiate", Token68: "abc="}, challengeOf("Basic", "realm", "y")},
	},
	{
		name: "obsolete line folding",
		in:   []string{"Basic\r\n realm=\"x\",\r\n\tcharset=\"UTF-8\""},
		want: []Challenge{challengeOf("Basic", "realm", "x", "charset", "UTF-8")},
	},
	{
		name: "bare schemes over several lines",
		in:   []string{"Negotiate", "NTLM"},
		want: []Challenge{challengeOf("Negotiate"), challengeOf("NTLM")},
	},
	{
		name: "OWS around = and commas, empty elements, upper-case names",
		in:   []string{` ,, Basic  Realm = "x" ,  , CHARSET=UTF-8 ,`},
		want: []Challenge{challengeOf("Basic", "realm", "x", "charset", "UTF-8")},
	},
	{
		name: "parameters continue on the next field line (RFC 9110 §5.3)",
		in:   []string{`Bearer realm="a"`, `error="invalid_token"`},
		want: []Challenge{challengeOf("Bearer", "realm", "a", "error", "invalid_token")},
	},
	{
		name: "escaped backslash and empty quoted string",
		in:   []string{`X a="c:\\dir\\", b=""`},
		want: []Challenge{challengeOf("X", "a", `c:\dir\`, "b", "")},
	},
	{
		name: "tab as whitespace",
		in:   []string{"Basic\trealm=\"t\""},
		want: []Challenge{challengeOf("Basic", "realm", "t")},
	},
	{
		name: "empty input",
		in:   []string{"", " , "},
		want: nil,
	},
	{
		name: "nil input",
		in:   nil,
		want: nil,
	},
	// Malformed input: everything parseable is kept.
	{
		name:    "unterminated quote",
		in:      []string{`Basic realm="oops, Bearer`},
		want:    []Challenge{challengeOf("Basic")},
		wantErr: "byte 12): unterminated quoted string",
	},
	{
		name:    "quote closed by the next value's opening quote",
		in:      []string{`Basic realm="oops, Bearer realm="x"`},
		want:    []Challenge{challengeOf("Basic", "realm", "oops, Bearer realm=")},
		wantErr: `byte 33): unexpected "x\""`,
	},
	{
		name:    "unterminated quote at the end",
		in:      []string{`Basic realm="ok", charset="UTF-8`},
		want:    []Challenge{challengeOf("Basic", "realm", "ok")},
		wantErr: "unterminated quoted string",
	},
	{
		name:    "= without name",
		in:      []string{`Basic realm="x", =foo, Bearer`},
		want:    []Challenge{challengeOf("Basic", "realm", "x"), challengeOf("Bearer")},
		wantErr: `byte 17): "=" without a parameter name`,
	},
	{
		name:    "= without name after scheme",
		in:      []string{`Basic =foo`},
		want:    nil,
		wantErr: `parameter "Basic" before any auth-scheme`,
	},
	{
		name:    "parameter without a scheme",
		in:      []string{`realm="x", Basic`},
		want:    []Challenge{challengeOf("Basic")},
		wantErr: `parameter "realm" before any auth-scheme`,
	},
	{
		name:    "parameter without a value",
		in:      []string{`Basic realm=, charset="UTF-8"`},
		want:    []Challenge{challengeOf("Basic", "charset", "UTF-8")},
		wantErr: `parameter "realm" has no value`,
	},
	{
		name:    "parameter after token68",
		in:      []string{`Negotiate abc, realm="x"`},
		want:    []Challenge{{Scheme: "Negotiate", Token68: "abc"}},
		wantErr: `parameter "realm" after the token68`,
	},
	{
		name:    "garbage after a parameter",
		in:      []string{`Basic realm="x" junk, Bearer`},
		want:    []Challenge{challengeOf("Basic", "realm", "x"), challengeOf("Bearer")},
		wantErr: `unexpected "junk, Bearer" after challenge "Basic"`,
	},
	{
		name:    "non-token value",
		in:      []string{`Bearer error_uri=https://x/y, realm="r"`},
		want:    []Challenge{challengeOf("Bearer", "error_uri", "https://x/y", "realm", "r")},
		wantErr: `byte 17): parameter "error_uri": the unquoted value "https://x/y" is not a token`,
	},
	{
		name:    "no space after scheme",
		in:      []string{`Basic"realm", Bearer`},
		want:    []Challenge{challengeOf("Basic"), challengeOf("Bearer")},
		wantErr: `expected a space after auth-scheme "Basic"`,
	},
	{
		name:    "not a token at all",
		in:      []string{`(Basic), Digest`},
		want:    []Challenge{challengeOf("Digest")},
		wantErr: `expected an auth-scheme or a parameter, found "(Basic)`,
	},
	{
		name:    "error position names the field line",
		in:      []string{`Basic realm="x"`, `Bearer realm="y`},
		want:    []Challenge{challengeOf("Basic", "realm", "x"), challengeOf("Bearer")},
		wantErr: `field line 2, byte 13`,
	},
}

func TestParseChallenges(t *testing.T) {
	for _, tt := range parseChallengesTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChallenges(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseChallenges(%q) =\n  %#v\nwant\n  %#v", tt.in, got, tt.want)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("ParseChallenges(%q) error = %v; want nil", tt.in, err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("ParseChallenges(%q) error = nil; want one containing %q", tt.in, tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("ParseChallenges(%q) error = %q; want one containing %q", tt.in, err, tt.wantErr)
			}
		})
	}
}

func TestChallengeParam(t *testing.T) {
	cs, err := ParseChallenges([]string{`Bearer Realm="example", scope="a b", realm="second"`})
	if err != nil || len(cs) != 1 {
		t.Fatalf("ParseChallenges = %v, %v", cs, err)
	}
	c := cs[0]
	for _, name := range []string{"realm", "REALM", "Realm"} {
		if v, ok := c.Param(name); !ok || v != "example" {
			t.Errorf("Param(%q) = %q, %v; want %q, true (the first one)", name, v, ok, "example")
		}
	}
	if v, ok := c.Param("error"); ok || v != "" {
		t.Errorf("Param(%q) = %q, %v; want \"\", false", "error", v, ok)
	}
	if !c.Is("bearer") || c.Is("Basic") {
		t.Errorf("Is: case-insensitive scheme match broken for %q", c.Scheme)
	}
}

func TestChallengeStringRoundTrip(t *testing.T) {
	for _, tt := range parseChallengesTests {
		if tt.wantErr != "" {
			continue
		}
		for _, c := range tt.want {
			got, err := ParseChallenges([]string{c.String()})
			if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], c) {
				t.Errorf("ParseChallenges(%q) = %#v, %v; want %#v", c.String(), got, err, c)
			}
		}
	}
}

// FuzzParseChallenges checks that the parser never panics and that
// everything it returns is well-formed.
func FuzzParseChallenges(f *testing.F) {
	for _, tt := range parseChallengesTests {
		f.Add(strings.Join(tt.in, "\n"))
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Newlines split the input into field lines.
		values := strings.Split(s, "\n")
		cs, err := ParseChallenges(values)
		for _, c := range cs {
			if !challengeIsToken(c.Scheme) {
				t.Fatalf("ParseChallenges(%q): scheme %q is not a token", values, c.Scheme)
			}
			if c.Token68 != "" && len(c.Params) > 0 {
				t.Fatalf("ParseChallenges(%q): %q has both a token68 and params", values, c.Scheme)
			}
			if c.Token68 != "" && !challengeValidToken68(c.Token68) {
				t.Fatalf("ParseChallenges(%q): token68 %q is malformed", values, c.Token68)
			}
			for _, p := range c.Params {
				if !challengeIsToken(p.Name) {
					t.Fatalf("ParseChallenges(%q): param name %q is not a token", values, p.Name)
				}
				if p.Name != strings.ToLower(p.Name) {
					t.Fatalf("ParseChallenges(%q): param name %q is not lower-case", values, p.Name)
				}
			}
		}
		if err == nil {
			// A clean parse must survive a round trip through String.
			var again []string
			for _, c := range cs {
				again = append(again, c.String())
			}
			cs2, err2 := ParseChallenges(again)
			if err2 != nil || !reflect.DeepEqual(cs, cs2) {
				t.Fatalf("round trip of %q: %q parsed as %#v, %v; want %#v", values, again, cs2, err2, cs)
			}
		}
	})
}

func challengeValidToken68(s string) bool {
	t := strings.TrimRight(s, "=")
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if !challengeToken68Char(t[i]) {
			return false
		}
	}
	return true
}

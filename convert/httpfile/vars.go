package httpfile

import (
	"regexp"
	"strings"

	"github.com/authlab/authlab/profiles"
)

var (
	// A {{...}} reference: an environment, file or request variable, or
	// a system variable ($guid, $processEnv NAME, $auth.token("id")).
	varRe = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)
	// {{$shared name}} in an environment value (REST Client README).
	sharedRe = regexp.MustCompile(`\{\{\s*\$shared\s+([^{}\s]+)\s*\}\}`)
	// A plain variable name: letters, digits, - _ and . (VS Code file
	// variables may hold dots: @Catalog.API_HostAddress).
	nameRe = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)
	// Request variables: {{login.response.body.$.token}}.
	requestVarRe = regexp.MustCompile(`^[\w-]+\.(response|request)\.`)
	// $processEnv NAME, $dotenv NAME (VS Code) and $env.NAME (JetBrains).
	processEnvRe = regexp.MustCompile(`^\$(processEnv|dotenv)\s+(%?)([A-Za-z_][A-Za-z0-9_.\-]*)$|^\$env\.([A-Za-z_][A-Za-z0-9_]*)$`)
	authTokenRe  = regexp.MustCompile(`^\$auth\.(token|idToken|header)\(\s*"([^"]*)"\s*\)$`)
)

// onlyVar returns NAME when s is exactly one plain {{NAME}}.
func onlyVar(s string) (string, bool) {
	m := varRe.FindStringSubmatchIndex(s)
	if m == nil || m[0] != 0 || m[1] != len(s) {
		return "", false
	}
	name := s[m[2]:m[3]]
	return name, nameRe.MatchString(name) && !requestVarRe.MatchString(name)
}

// envRef returns X when s is exactly {{$processEnv X}}, {{$dotenv X}} or
// {{$env.X}}: the value is read from the environment at each send.
func envRef(s string) (string, bool) {
	m := varRe.FindStringSubmatchIndex(s)
	if m == nil || m[0] != 0 || m[1] != len(s) {
		return "", false
	}
	p := processEnvRe.FindStringSubmatch(s[m[2]:m[3]])
	if p == nil || p[2] == "%" {
		return "", false
	}
	name := p[3] + p[4]
	return name, profiles.ValidEnvName(name)
}

// varNames returns the plain variables s uses.
func varNames(s string) []string {
	var out []string
	for _, m := range varRe.FindAllStringSubmatch(s, -1) {
		if nameRe.MatchString(m[1]) && !requestVarRe.MatchString(m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// fields splits s at runs of spaces and tabs outside {{ }}, so
// "Basic {{ user }} {{$processEnv PASS}}" has three fields.
func fields(s string) []string {
	var out []string
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.HasPrefix(s[i:], "{{"):
			depth++
			b.WriteString("{{")
			i++
			continue
		case strings.HasPrefix(s[i:], "}}") && depth > 0:
			depth--
			b.WriteString("}}")
			i++
			continue
		case (c == ' ' || c == '\t') && depth == 0:
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
			continue
		}
		b.WriteByte(c)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// Package shell reads and writes POSIX shell words: Split turns a pasted
// command line (a curl command from an API's documentation) into its
// arguments, Quote writes an argument so that a POSIX shell reads it back
// unchanged. Nothing here runs a shell or expands anything.
package shell

import "strings"

// Quote returns s written as one POSIX shell word (IEEE Std 1003.1, Shell
// Command Language §2.2): unchanged when every byte is safe, else in single
// quotes, where each single quote inside is written as: close the quotes,
// an escaped quote, reopen (a single-quoted string cannot contain one).
// Nothing inside single quotes is special, so no expansion can happen.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	if isSafe(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// QuoteVar returns a double-quoted shell word in which each ${NAME} of vars
// is expanded by the shell and everything else is literal: the way an
// exported command refers to a secret held in an environment variable
// ("Authorization: Bearer $TOKEN"). parts alternates literal text and
// variable names: QuoteVar("Bearer ", "TOKEN") is "Bearer ${TOKEN}".
// Literal text has ", \, $ and ` escaped (§2.2.3).
func QuoteVar(parts ...string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString("${" + p + "}")
			continue
		}
		for _, r := range p {
			switch r {
			case '"', '\\', '$', '`':
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// isSafe reports whether s needs no quoting: letters, digits and a few
// punctuation marks that no POSIX shell treats specially anywhere in a word.
func isSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-_./:,+@%=", c) >= 0:
			if c == '=' && i == 0 {
				return false // harmless, but reads oddly
			}
		default:
			return false
		}
	}
	return true
}

package practice

import "strings"

// hawkMACMistake names a Bad mac more precisely when the server can check
// it with what it knows: the MAC received matches the server's normalized
// string with one line changed the way clients get it wrong (the port of a
// Host header that had none or went through a proxy, the query left out of
// the resource, ext not signed). Otherwise the key or a value the server
// cannot guess differs.
func hawkMACMistake(t ServerTrace) string {
	const fallback = "Hawk MAC wrong (key or normalized string)"
	cred, ok := hawkCredentials(traceValue(t, "received id"))
	got, normalized := traceValue(t, "received mac"), traceValue(t, "normalized string")
	lines := strings.Split(normalized, "\n")
	if !ok || got == "" || len(lines) < 10 || lines[0] != "hawk.1.header" {
		return fallback
	}
	variant := func(i int, v string) string {
		l := append([]string(nil), lines...)
		l[i] = v
		return strings.Join(l, "\n")
	}
	resource, _, hasQuery := strings.Cut(lines[4], "?")
	tries := []struct {
		ok       bool
		text     string
		category string
	}{
		{lines[6] != "80", variant(6, "80"), "Hawk port signed as 80 (Host port lost)"},
		{lines[6] != "443", variant(6, "443"), "Hawk port signed as 443 (Host port lost)"},
		{hasQuery, variant(4, resource), "Hawk query not signed"},
		{lines[8] != "", variant(8, ""), "Hawk ext not signed"},
	}
	for _, try := range tries {
		if try.ok && equal(got, hawkServerMAC(cred, try.text)) {
			return try.category
		}
	}
	return fallback
}

package authn

// PercentEncode percent-encodes s as RFC 3986 §2.3 leaves only the
// unreserved characters (ALPHA, DIGIT, "-", ".", "_", "~") as they are,
// every other byte as %XX with upper-case hex digits: the encoding of
// OAuth 1.0a (RFC 5849 §3.6) and of AWS Signature Version 4's UriEncode
// (“Create a canonical request”). Unlike url.QueryEscape, a space is %20
// and "~" is kept.
func PercentEncode(s string) string { return oauth1Encode(s) }

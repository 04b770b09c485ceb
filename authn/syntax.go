package authn

// IsToken reports whether s is an RFC 9110 §5.6.2 token: what a method or a
// header field name must be. The engine refuses a request that breaks it;
// front ends and converters check with the same rule before they get there.
func IsToken(s string) bool { return isToken(s) }

// ValidFieldValue reports whether s may be sent as a header field value
// (RFC 9110 §5.5): no control character other than horizontal tab, no DEL.
func ValidFieldValue(s string) bool { return validFieldValue(s) }

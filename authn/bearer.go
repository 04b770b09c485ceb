package authn

// bearer implements the Authorization Request Header Field of RFC 6750 §2.1:
// "Authorization: Bearer <token>". Whoever holds the token is authorized, so
// it is always masked.
type bearer struct{}

func init() { register(bearer{}) }

func (bearer) Info() Info {
	return Info{
		Name:    "bearer",
		Title:   "Bearer token",
		Summary: "An access token (OAuth 2.0, personal access token, JWT) in the Authorization header.",
		Spec:    "RFC 6750",
		Rank:    20,
		// RFC 6750 §3: a protected resource challenges with "Bearer". The
		// token is opaque here: its lifetime is the server's business.
		Challenges: []string{"Bearer"},
		ClockFree:  true,
		Fields: []Field{
			{Name: "token", Label: "Token", Help: "the access token, sent as is", Secret: true, Required: true},
		},
	}
}

func (bearer) Authorize(out *Outgoing, c Credentials, _ Env, tr *Trace) error {
	tok := c.Get("token")
	if !isB64Token(tok) {
		return &InputError{Field: "token", Problem: "the bearer token has characters RFC 6750 §2.1 does not allow (spaces, quotes, commas…)",
			Fix: "paste the token alone, without \"Bearer \" or quotes"}
	}
	header := "Bearer " + tok
	masked := "Bearer " + Mask("")
	out.SetHeader("Authorization", header, masked)
	tr.Add("Put the token in the Authorization header", "RFC 6750 §2.1",
		"The token is sent as is. Anyone who holds it can use it until it expires, so send it only over https.",
		Secret("Authorization", header, masked))
	return nil
}

// isB64Token reports whether s matches b64token = 1*( ALPHA / DIGIT /
// "-" / "." / "_" / "~" / "+" / "/" ) *"=" (RFC 6750 §2.1).
func isB64Token(s string) bool {
	if s == "" {
		return false
	}
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' {
			continue
		}
		break
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// ExplainOffer describes a Bearer challenge (RFC 6750 §3) and the
// parameters that say what to get: scope, and resource_metadata (RFC 9728
// §5.1). oauth2 and jwt answer Bearer too and leave the text to this one.
func (bearer) ExplainOffer(c Challenge) (detail, ref string, ok bool) {
	detail = "Bearer: send an OAuth 2.0 access token as `Authorization: Bearer <token>`."
	if _, ok := c.Param("error"); !ok {
		detail += " The challenge has no error code, which RFC 6750 §3.1 reserves for requests that carried no token the server could see."
	}
	detail += hintParamNotes(c, "scope", "resource_metadata")
	if _, ok := c.Param("resource_metadata"); ok {
		detail += " resource_metadata points to the protected resource's metadata, which names its authorization servers (RFC 9728 §5.1)."
	}
	return detail, "RFC 6750 §3", true
}

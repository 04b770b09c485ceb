package authn

// none sends the request without credentials: the baseline that shows what a
// server says to an anonymous client (usually 401 with its challenges).
type none struct{}

func init() { register(none{}) }

func (none) Info() Info {
	return Info{
		Name:    "none",
		Title:   "No authentication",
		Summary: "Send the request without credentials, to see what the server asks for.",
		Rank:    0,
		// It sends nothing, so it answers nothing and no clock matters.
		NoChallenge: true,
		ClockFree:   true,
	}
}

func (none) Authorize(_ *Outgoing, _ Credentials, _ Env, tr *Trace) error {
	tr.Add("Send without credentials", "RFC 9110 §11.6.1",
		"No Authorization header is added. A protected resource should answer 401 with a WWW-Authenticate header naming the schemes it accepts.")
	return nil
}

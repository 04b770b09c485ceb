package authn

// Redact masks every occurrence of the secrets in what the server sent back
// (status reason, header values, body) and in the hints derived from it, in
// every encoding Secrets.Mask knows. It changes res in place; the trace is
// left alone (its secrets are flagged and masked by every renderer
// already). Presenter mode calls it, since a server may echo a credential.
func (res *Result) Redact(secrets Secrets) {
	if secrets.Len() == 0 || res == nil {
		return
	}
	for i := range res.Exchanges {
		resp := res.Exchanges[i].Response
		if resp == nil {
			continue
		}
		resp.Reason = secrets.Mask(resp.Reason)
		for k, vs := range resp.Header {
			for j, v := range vs {
				vs[j] = secrets.Mask(v)
			}
			resp.Header[k] = vs
		}
		if secrets.Contains(string(resp.Body)) {
			resp.Body = []byte(secrets.Mask(string(resp.Body)))
		}
	}
	for i, h := range res.Hints {
		h.Title, h.Detail = secrets.Mask(h.Title), secrets.Mask(h.Detail)
		for j, c := range h.Checks {
			h.Checks[j] = secrets.Mask(c)
		}
		res.Hints[i] = h
	}
}

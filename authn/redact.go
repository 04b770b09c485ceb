package authn

import (
	"encoding/base64"
	"strings"
)

// SecretsOf lists the secret values of a request as they could come back in
// a response: each secret field's value, Basic's base64 credentials, and
// every credential value the scheme added (tokens, signatures). Presenter
// mode masks all of them wherever a server echoes them, so a projector never
// shows one. Values shorter than four bytes are left out (masking them would
// mangle ordinary text and they protect nothing).
func SecretsOf(req Request, res *Result) []string {
	var out []string
	add := func(s string) {
		if len(s) >= 4 {
			out = append(out, s)
		}
	}
	if s, err := Lookup(req.Scheme); err == nil {
		for _, f := range s.Info().Fields {
			if v := req.Fields[f.Name]; f.Secret && v != "" {
				add(v)
			}
		}
	}
	if u, p := req.Fields["username"], req.Fields["password"]; p != "" {
		add(base64.StdEncoding.EncodeToString([]byte(u + ":" + p)))
	}
	// credentials typed as headers (-H 'Authorization: Bearer …', Cookie):
	// the whole value, the credential after the scheme word, each cookie
	// value (the secrets audit, TestAuditSecrets/run/raw-credentials)
	for _, name := range []string{"Authorization", "Proxy-Authorization", "Cookie"} {
		for _, v := range req.Header.Values(name) {
			add(v)
			if _, cred, ok := strings.Cut(v, " "); ok && name != "Cookie" {
				add(strings.TrimSpace(cred))
			}
			if name == "Cookie" {
				for _, c := range strings.Split(v, ";") {
					if _, val, ok := strings.Cut(c, "="); ok {
						add(strings.TrimSpace(val))
					}
				}
			}
		}
	}
	if res != nil {
		out = append(out, res.ResponseSecrets()...)
		for _, ex := range res.Exchanges {
			for _, c := range ex.Request.Credentials {
				if c.Value != c.Masked {
					add(c.Value)
				}
			}
		}
	}
	return out
}

// Redact masks every occurrence of the secrets in what the server sent back
// (status reason, header values, body) and in the hints derived from it. It
// changes res in place; the trace is left alone (its secrets are flagged and
// masked by every renderer already).
func (res *Result) Redact(secrets []string) {
	if len(secrets) == 0 || res == nil {
		return
	}
	mask := Mask("")
	r := strings.NewReplacer(pairs(secrets, mask)...)
	for i := range res.Exchanges {
		resp := res.Exchanges[i].Response
		if resp == nil {
			continue
		}
		resp.Reason = r.Replace(resp.Reason)
		for k, vs := range resp.Header {
			for j, v := range vs {
				vs[j] = r.Replace(v)
			}
			resp.Header[k] = vs
		}
		resp.Body = []byte(r.Replace(string(resp.Body)))
	}
	for i, h := range res.Hints {
		h.Title, h.Detail = r.Replace(h.Title), r.Replace(h.Detail)
		for j, c := range h.Checks {
			h.Checks[j] = r.Replace(c)
		}
		res.Hints[i] = h
	}
}

func pairs(secrets []string, mask string) []string {
	out := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		out = append(out, s, mask)
	}
	return out
}

package openapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// discoveryTimeout bounds one Options.Discover call; the caller's fetcher
// may bound it more tightly.
const discoveryTimeout = 15 * time.Second

// discovery is what an OpenID Provider's metadata (OpenID Connect Discovery
// 1.0 §3, RFC 8414 §2) says about getting a token.
type discovery struct {
	Issuer    string   `json:"issuer"`
	Token     string   `json:"token_endpoint"`
	Authorize string   `json:"authorization_endpoint"`
	Device    string   `json:"device_authorization_endpoint"`
	Grants    []string `json:"grant_types_supported"`
	PKCE      []string `json:"code_challenge_methods_supported"`
	err       string
	url       string
}

// deviceGrant is the device flow's grant type (RFC 8628 §3.4).
const deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

// openIDConnect maps an openIdConnect scheme onto oauth2 from its discovery
// document: the authorization code grant when the provider offers it (the
// default of grant_types_supported, Discovery §3), else client
// credentials, else the device flow; the scope always holds openid
// (OpenID Connect Core 1.0 §3.1.2.1).
func (im *importer) openIDConnect(m *part, s *node) {
	raw := s.text("openIdConnectUrl")
	if hasVarSyntax(raw) {
		m.bad = fmt.Sprintf("openIdConnect %s: openIdConnectUrl holds {{ or }}, which authlab would read as a variable", m.key)
		return
	}
	if raw == "" {
		m.bad = fmt.Sprintf("openIdConnect %s has no openIdConnectUrl", m.key)
		return
	}
	m.label = "openIdConnect"
	m.scheme = "oauth2"
	m.fields = map[string]string{"grant": "authorization_code", "client_id": im.userVar(m.key, "client_id"), "scope": "openid"}
	u, pending := im.resolveURL(raw)
	if pending != "" {
		m.pending = fmt.Sprintf("openIdConnect %s: %s", m.key, pending)
		return
	}
	if im.o.Discover == nil {
		im.note(fmt.Sprintf("openIdConnect %s: its discovery document %s was not fetched (no network during import): read token_endpoint and authorization_endpoint there and fill token_url and auth_url", m.key, clean(u, 200)))
		m.pending = fmt.Sprintf("openIdConnect %s: token_url and auth_url unknown until %s is read", m.key, clean(u, 200))
		return
	}
	d := im.discover(u)
	if d.err != "" {
		im.note(fmt.Sprintf("openIdConnect %s: discovery at %s failed: %s", m.key, clean(u, 200), d.err))
		m.pending = fmt.Sprintf("openIdConnect %s: discovery failed (%s): fill token_url and auth_url", m.key, d.err)
		return
	}
	grants := d.Grants
	if len(grants) == 0 {
		grants = []string{"authorization_code", "implicit"}
	}
	m.label = "openIdConnect via " + clean(u, 200)
	m.fields["token_url"] = d.Token
	switch {
	case slices.Contains(grants, "authorization_code") && d.Authorize != "":
		m.fields["auth_url"] = d.Authorize
		if len(d.PKCE) > 0 && !slices.Contains(d.PKCE, "S256") {
			m.desc = append(m.desc, "the provider does not list PKCE S256, which authlab sends")
		}
	case slices.Contains(grants, "client_credentials"):
		m.fields["grant"] = "client_credentials"
		m.fields["client_secret"] = im.secretRef(m.key, "oauth2", []string{"client_secret", m.key + " client secret"})
	case slices.Contains(grants, deviceGrant) && d.Device != "":
		m.fields["grant"] = "device_code"
		m.fields["device_auth_url"] = d.Device
	default:
		m.pending = fmt.Sprintf("openIdConnect %s: the provider offers no grant authlab runs (%v)", m.key, clean(fmt.Sprint(grants), 200))
	}
}

// discover fetches and reads a discovery document once per URL.
func (im *importer) discover(u string) *discovery {
	if d, ok := im.discovered[u]; ok {
		return d
	}
	d := &discovery{url: u}
	im.discovered[u] = d
	ctx, cancel := context.WithTimeout(context.Background(), discoveryTimeout)
	defer cancel()
	body, err := im.o.Discover(ctx, u)
	switch {
	case err != nil:
		d.err = clean(err.Error(), 200)
	case len(body) > MaxDiscovery:
		d.err = fmt.Sprintf("the document is over %d KiB", MaxDiscovery>>10)
	default:
		if err := json.Unmarshal(body, d); err != nil {
			d.err = "not a JSON discovery document: " + clean(err.Error(), 100)
			break
		}
		for name, e := range map[string]*string{"token_endpoint": &d.Token, "authorization_endpoint": &d.Authorize, "device_authorization_endpoint": &d.Device} {
			if *e == "" {
				continue
			}
			pu, err := url.Parse(*e)
			if err != nil || !pu.IsAbs() || pu.Scheme != "https" && pu.Scheme != "http" || pu.Host == "" {
				d.err = fmt.Sprintf("%s %q is not an absolute http(s) URL", name, clean(*e, 100))
				return d
			}
		}
		if hasVarSyntax(d.Token + d.Authorize + d.Device) {
			d.err = "an endpoint holds {{ or }}, which authlab would read as a variable"
			return d
		}
		if d.Token == "" {
			d.err = "it names no token_endpoint"
		}
	}
	return d
}

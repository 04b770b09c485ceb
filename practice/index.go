package practice

import (
	"fmt"
	"html"
	"mime"
	"net/http"
	"strings"
)

func registerIndex(mux *http.ServeMux, s *Server) {
	mux.HandleFunc("GET /{$}", s.index) // not listed: it is the list
}

// demoCredentials is the "demo_credentials" object of GET /.
type demoCredentials struct {
	User                 string `json:"user"`
	Password             string `json:"password"`
	Token                string `json:"token"`
	ExpiredToken         string `json:"expired_token"`
	APIKey               string `json:"api_key"`
	ConsumerKey          string `json:"consumer_key"`
	ConsumerSecret       string `json:"consumer_secret"`
	AccessToken          string `json:"access_token"`
	TokenSecret          string `json:"token_secret"`
	RSAPrivateKeyPEM     string `json:"rsa_private_key_pem"`
	SignatureMethods     string `json:"signature_methods"`
	TimestampWindowSecs  int    `json:"timestamp_window_seconds"`
	ThreeLeggedCallbacks string `json:"three_legged_callback"`

	DigestRealm          string `json:"digest_realm"`
	OAuth2ClientID       string `json:"oauth2_client_id"`
	OAuth2ClientSecret   string `json:"oauth2_client_secret"`
	OAuth2PublicClientID string `json:"oauth2_public_client_id"`
	OAuth2RefreshToken   string `json:"oauth2_refresh_token"`
	OAuth2ShortScope     string `json:"oauth2_short_scope"`
	JWTSecret            string `json:"jwt_secret"`
	ECPrivateKeyPEM      string `json:"ec_private_key_pem"`
	Ed25519PrivateKeyPEM string `json:"ed25519_private_key_pem"`
	AWSAccessKey         string `json:"aws_access_key"`
	AWSSecretKey         string `json:"aws_secret_key"`
	AWSRegion            string `json:"aws_region"`
	AWSService           string `json:"aws_service"`
	AWSSessionToken      string `json:"aws_session_token"`
	HawkID               string `json:"hawk_id"`
	HawkKey              string `json:"hawk_key"`
	HawkSHA1ID           string `json:"hawk_sha1_id"`
	EdgeGridClientToken  string `json:"edgegrid_client_token"`
	EdgeGridClientSecret string `json:"edgegrid_client_secret"`
	EdgeGridAccessToken  string `json:"edgegrid_access_token"`
	NTLMDomain           string `json:"ntlm_domain"`
}

func demo() demoCredentials {
	return demoCredentials{
		User: DemoUser, Password: DemoPassword, Token: DemoToken, ExpiredToken: DemoExpiredToken,
		APIKey: DemoAPIKey, ConsumerKey: DemoConsumerKey, ConsumerSecret: DemoConsumerSecret,
		AccessToken: DemoAccessToken, TokenSecret: DemoTokenSecret, RSAPrivateKeyPEM: DemoRSAPrivateKeyPEM,
		SignatureMethods:     "HMAC-SHA1, HMAC-SHA256, PLAINTEXT, RSA-SHA1",
		TimestampWindowSecs:  int(oauthWindow.Seconds()),
		ThreeLeggedCallbacks: `"oob" (PIN) or a registered callback: ` + registeredRedirectsText,
		DigestRealm:          DigestRealm,
		OAuth2ClientID:       DemoOAuth2ClientID, OAuth2ClientSecret: DemoOAuth2ClientSecret,
		OAuth2PublicClientID: DemoOAuth2PublicClientID, OAuth2RefreshToken: DemoOAuth2RefreshToken,
		OAuth2ShortScope: DemoOAuth2ShortScope + " (tokens live 2 s)",
		JWTSecret:        DemoJWTSecret, ECPrivateKeyPEM: DemoECPrivateKeyPEM, Ed25519PrivateKeyPEM: DemoEd25519PrivateKeyPEM,
		AWSAccessKey: DemoAWSAccessKey, AWSSecretKey: DemoAWSSecretKey, AWSRegion: DemoAWSRegion, AWSService: DemoAWSService,
		AWSSessionToken: DemoAWSSessionToken,
		HawkID:          DemoHawkID, HawkKey: DemoHawkKey, HawkSHA1ID: DemoHawkSHA1ID,
		EdgeGridClientToken: DemoEdgeGridClientToken, EdgeGridClientSecret: DemoEdgeGridClientSecret, EdgeGridAccessToken: DemoEdgeGridAccessToken,
		NTLMDomain: NTLMDomain,
	}
}

// index lists the endpoints and the demo credentials: JSON when the client
// accepts application/json, HTML for a browser, plain text otherwise.
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Vary", "Accept")
	switch preferred(r.Header.Get("Accept")) {
	case "json":
		writeJSON(w, http.StatusOK, struct {
			Endpoints []endpoint      `json:"endpoints"`
			Demo      demoCredentials `json:"demo_credentials"`
		}{s.endpoints, demo()})
	case "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var b strings.Builder
		b.WriteString("<!doctype html>\n<meta charset=utf-8>\n<title>authlab practice server</title>\n<h1>authlab practice server</h1>\n<pre>")
		b.WriteString(html.EscapeString(s.indexText()))
		b.WriteString("</pre>\n")
		w.Write([]byte(b.String()))
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte(s.indexText()))
	}
}

// preferred picks "json", "html" or "text" from an Accept header: the first
// listed of the three wins (q-values are not weighed: this is a menu).
func preferred(accept string) string {
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch {
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			return "json"
		case mt == "text/html":
			return "html"
		case mt == "text/plain":
			return "text"
		}
	}
	return "text"
}

func (s *Server) indexText() string {
	var b strings.Builder
	b.WriteString("authlab practice server: every endpoint verifies for real and answers like the provider it imitates.\n")
	b.WriteString("Each verification is traced in the " + TraceHeader + " response header and on the server's console.\n\nEndpoints (method, path, scheme, largest body accepted, what it checks)\n")
	for _, e := range s.endpoints {
		fmt.Fprintf(&b, "  %-6s %-45s %-14s %-9s %s\n", e.Method, e.Path, e.Scheme, "≤"+sizeText(e.MaxBody), e.Description)
	}
	d := demo()
	b.WriteString("\nDemo credentials (the same in every classroom; not secrets)\n")
	for _, kv := range [][2]string{
		{"user / password", d.User + " / " + d.Password},
		{"bearer token", d.Token + " (expired: " + d.ExpiredToken + ")"},
		{"API key", d.APIKey},
		{"OAuth 1.0a consumer", d.ConsumerKey + " / " + d.ConsumerSecret},
		{"OAuth 1.0a access token", d.AccessToken + " / " + d.TokenSecret},
		{"signature methods", d.SignatureMethods + " (RSA-SHA1: the key below)"},
		{"timestamp window", fmt.Sprintf("±%d s", d.TimestampWindowSecs)},
		{"EdgeGrid client token", d.EdgeGridClientToken},
		{"EdgeGrid client secret", d.EdgeGridClientSecret},
		{"EdgeGrid access token", d.EdgeGridAccessToken},
	} {
		fmt.Fprintf(&b, "  %-24s %s\n", kv[0], kv[1])
	}
	b.WriteString("\nRSA-SHA1 demo private key (PKCS#1):\n")
	b.WriteString(d.RSAPrivateKeyPEM)
	b.WriteString("\n")
	return b.String()
}

package practice

import "time"

// Bounds of the server's in-memory state: every store is partitioned per
// client (see partitioned), so each number is one client's share, and at
// most maxClients clients are remembered at once (a classroom of 100 with
// room to spare). The memory figures are measured by
// TestStoreMemoryBound.
const (
	maxClients      = 256 // partitions per store
	maxNonces       = 500 // OAuth 1.0a nonces remembered per client
	maxTokens       = 100 // issued OAuth 1.0a tokens per client
	requestTokenTTL = 15 * time.Minute
)

// tokenKind tells a temporary credential from a token credential.
type tokenKind int

const (
	requestToken tokenKind = iota + 1 // RFC 5849 §2.1 temporary credentials
	accessToken                       // RFC 5849 §2.3 token credentials
)

// tokenInfo is what the server knows about one issued token.
type tokenInfo struct {
	kind       tokenKind
	secret     string
	consumer   string
	callback   string // request tokens: oauth_callback
	verifier   string // request tokens: the PIN shown by /authorize
	authorized bool   // request tokens: the user saw the PIN
}

// newOAuth1Nonces returns the store of used OAuth 1.0a nonces (RFC 5849
// §3.3), keyed by consumer key and nonce, stamped with oauth_timestamp.
func newOAuth1Nonces() *partitioned[struct{}] {
	return newPartitioned[struct{}](maxNonces, maxClients)
}

// newOAuth1Tokens returns the store of issued OAuth 1.0a tokens.
func newOAuth1Tokens() *partitioned[tokenInfo] {
	return newPartitioned[tokenInfo](maxTokens, maxClients)
}

// nonceUntil is when a nonce with timestamp ts can be forgotten: after it,
// ts is outside the ±oauthWindow the verifier accepts, so a replay is
// refused as "Timestamp out of bounds" whether the nonce is remembered or
// not.
func nonceUntil(ts int64) time.Time {
	return time.Unix(ts, 0).Add(oauthWindow + time.Second)
}

// oauth1Token returns the issued token of kind k, unless unknown or expired
// at now. Tokens are looked up from any address (partitioned: a token is a
// credential whose holder may use it anywhere; it is also signed with its
// secret).
func (s *Server) oauth1Token(token string, k tokenKind, now time.Time) (tokenInfo, bool) {
	info, ok := s.tokens.get(token, now)
	if !ok || info.kind != k {
		return tokenInfo{}, false
	}
	return info, true
}

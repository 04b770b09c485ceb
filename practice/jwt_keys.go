package practice

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
)

// DemoJWTSecret is the HMAC secret with which /jwt verifies HS256, HS384
// and HS512 tokens. Like every demo credential it is public and the same in
// every classroom. At 15 bytes it is shorter than RFC 7518 §3.2 asks for
// (the hash size: 32 bytes for HS256), which is fine for practice only.
const DemoJWTSecret = "demo-jwt-secret"

// DemoECPrivateKeyPEM is the demo EC P-256 private key (SEC1 PEM) for ES256
// tokens (RFC 7518 §3.4); /jwt verifies with its public half. Published on
// purpose: never use it for anything but practice.
const DemoECPrivateKeyPEM = `-----BEGIN EC PRIVATE KEY-----
MHcCAQEEINR3F9DKpHk4HINISHlvyM6jqto4W1LDoHWQEedmjQqvoAoGCCqGSM49
AwEHoUQDQgAE2jOtjw8oC9p56wlkX681AdRL+1tp6Uf0uDlxOulMS64UoCh/busF
Z988rkn04SCRO9SQ7EeKiUhBqn6DNT2brA==
-----END EC PRIVATE KEY-----
`

// DemoEd25519PrivateKeyPEM is the demo Ed25519 private key (PKCS#8 PEM) for
// EdDSA tokens (RFC 8037 §3.1); /jwt verifies with its public half.
// Published on purpose: never use it for anything but practice.
const DemoEd25519PrivateKeyPEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIIDM/rRaoAQ+3jYe9txaNQzT6xiZ7A4F2nwYUkh81Ff6
-----END PRIVATE KEY-----
`

// jwtDemoECPublicKey is the public half of DemoECPrivateKeyPEM.
func jwtDemoECPublicKey() *ecdsa.PublicKey {
	block, _ := pem.Decode([]byte(DemoECPrivateKeyPEM))
	if block == nil {
		panic("practice: DemoECPrivateKeyPEM is not PEM")
	}
	k, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		panic("practice: DemoECPrivateKeyPEM: " + err.Error())
	}
	return &k.PublicKey
}

// jwtDemoEd25519PublicKey is the public half of DemoEd25519PrivateKeyPEM.
func jwtDemoEd25519PublicKey() ed25519.PublicKey {
	block, _ := pem.Decode([]byte(DemoEd25519PrivateKeyPEM))
	if block == nil {
		panic("practice: DemoEd25519PrivateKeyPEM is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		panic("practice: DemoEd25519PrivateKeyPEM: " + err.Error())
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		panic("practice: DemoEd25519PrivateKeyPEM is not an Ed25519 key")
	}
	return priv.Public().(ed25519.PublicKey)
}

package practice

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
)

// The attack labs (issue #20): endpoints under /labs that are vulnerable on
// purpose, each beside a fixed twin that refuses the same exploit with the
// right error. They exist only when Options.Labs is set (`authlab serve
// --labs`); otherwise no /labs route is registered and every lab path is
// 404.
//
// Each lab is exploited with authlab's own schemes and flags (the Exploit
// line of its catalogue entry). The server decides whether an exploit
// worked: a vulnerable endpoint that was tricked sets the verdict of its
// server trace to "lab NAME: exploited …" and reports an Event whose
// Mistake is "lab NAME: exploited" (LabExploited reads it), so the console,
// the room view and a lesson's check all see it. A fixed endpoint that
// refused an exploit reports "lab NAME (fixed): refused …".
//
// Nothing here touches the disk: the kid lab's key folder is an in-memory
// map, the lab keys and secrets are made at startup (crypto/rand) and die
// with the server.

// Lab is one attack lab as GET /labs lists it.
type Lab struct {
	Name       string   `json:"name"`
	Title      string   `json:"title"`
	Vulnerable string   `json:"vulnerable"` // the deliberately vulnerable endpoint
	Fixed      string   `json:"fixed"`      // its fixed twin
	Setup      []string `json:"setup,omitempty"`
	Story      string   `json:"story"`   // what is wrong with the vulnerable endpoint
	Exploit    []string `json:"exploit"` // authlab commands, BASE for the server's URL
	Check      string   `json:"check"`   // how the server knows it worked
	Fix        string   `json:"fix"`     // the fix, with its RFC
	Ref        string   `json:"ref"`
}

// Labs returns the catalogue of the attack labs, in the order GET /labs
// lists them.
func Labs() []Lab {
	return []Lab{
		labJWTNone(), labJWTConfusion(), labJWTWeak(), labJWTKid(),
		labOAuth2Redirect(), labOAuth2State(), labOAuth1Nonce(), labDigestDowngrade(),
	}
}

// LabMistakeExploited is the suffix of an Event's Mistake when a lab was
// exploited: "lab jwt-none: exploited".
const LabMistakeExploited = ": exploited"

// LabExploited reports whether e records a successful exploit of a lab, and
// which one.
func LabExploited(e Event) (string, bool) {
	name, ok := strings.CutPrefix(e.Mistake, "lab ")
	if !ok {
		return "", false
	}
	name, ok = strings.CutSuffix(name, LabMistakeExploited)
	if !ok || strings.ContainsAny(name, " :") {
		return "", false
	}
	return name, true
}

// labState is the state of the labs of one Server: keys made at startup.
type labState struct {
	s *Server
	// rsa signs the RS256 tokens of jwt-none and jwt-confusion; its public
	// half is published (public.pem) and its private half never leaves.
	rsa    *rsa.PrivateKey
	rsaPEM []byte // PKIX PEM of the public key, as GET …/public.pem serves it
	// fixedSecret is the jwt-weak fixed twin's HMAC key: 32 random bytes
	// (RFC 7518 §3.2, RFC 8725 §3.5).
	fixedSecret []byte
	// keyFiles is the kid lab's in-memory "filesystem" of keys.
	keyFiles map[string][]byte
	// codeKey MACs the OAuth 2.0 labs' authorization codes and states.
	codeKey []byte
	// the Digest verifiers of the downgrade lab (own nonce keys, nc tables)
	digestVuln, digestFixed *digestVerifier
}

func registerLabs(mux *http.ServeMux, s *Server) {
	if !s.opts.Labs {
		return
	}
	l := newLabState(s)
	s.handle(mux, "GET /labs", "labs", "the attack labs: each lab's vulnerable and fixed endpoints, the exploit to perform with authlab, and the fix", l.index)
	l.registerJWT(mux)
	l.registerOAuth2(mux)
	l.registerOAuth1(mux)
	l.registerDigest(mux)
}

func newLabState(s *Server) *labState {
	l := &labState{s: s}
	var err error
	if l.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic("practice: labs: no RSA key: " + err.Error())
	}
	l.rsaPEM = labPublicPEM(&l.rsa.PublicKey)
	l.fixedSecret = labRandom(32)
	l.keyFiles = labKeyFiles()
	l.codeKey = labRandom(32)
	l.digestVuln = newDigestVerifier(s, digestMaxNonces, maxClients)
	l.digestFixed = newDigestVerifier(s, digestMaxNonces, maxClients)
	return l
}

// labRandom returns n random bytes.
func labRandom(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("practice: labs: no randomness: " + err.Error())
	}
	return b
}

// labsIndex is the body of GET /labs.
type labsIndex struct {
	Warning string `json:"warning"`
	Base    string `json:"base"`
	Labs    []Lab  `json:"labs"`
}

// index answers GET /labs: the catalogue, with BASE replaced by the URL the
// client reached the server at.
func (l *labState) index(w http.ResponseWriter, r *http.Request) {
	base := oauth2BaseURL(r)
	labs := Labs()
	for i := range labs {
		for j, c := range labs[i].Exploit {
			labs[i].Exploit[j] = strings.ReplaceAll(c, "BASE", base)
		}
	}
	writeJSON(w, http.StatusOK, labsIndex{
		Warning: "These endpoints are vulnerable on purpose. Exploit them here, never against a service you do not own.",
		Base:    base, Labs: labs,
	})
}

// labFinish answers like finish, with the lab's own event: mistake is
// "lab NAME: exploited" for an exploit that worked (labExploited), a
// refusal of the fixed twin, or "" for a normal step.
func (l *labState) finish(w http.ResponseWriter, r *http.Request, tr *ServerTrace, status int, mistake string) {
	w.Header().Set(TraceHeader, EncodeTrace(*tr))
	s := l.s
	if s.observe == nil {
		return
	}
	s.emit(Event{
		Time: s.now(), Kind: EventVerified, Client: ClientOf(r),
		Method: r.Method, Path: r.URL.Path, Status: status,
		Mistake: mistake, Trace: MaskTrace(*tr),
	})
}

// labExploited is the Mistake of an exploit of lab that worked.
func labExploited(lab string) string { return "lab " + lab + LabMistakeExploited }

// labRefused is the Mistake of a fixed twin that refused an attempt.
func labRefused(lab, why string) string { return "lab " + lab + " (fixed): refused: " + why }

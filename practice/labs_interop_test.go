package practice

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/internal/testenv"
)

// TestLabsInteropPyJWT runs PyJWT (Debian python3-jwt) and Python's own
// hmac against the JWT labs: PyJWT verifies the labs' RS256 tokens with the
// published public key (they are standard JWTs); an alg none token PyJWT
// made, and an HS256 token keyed with the PEM bytes by Python's hmac, are
// accepted by the vulnerable endpoints and refused by the fixed ones, so
// the labs do not depend on authlab's client; and PyJWT itself refuses a
// PEM key as an HMAC secret, the guard authlab's jwt scheme has unless
// attack=key-confusion.
func TestLabsInteropPyJWT(t *testing.T) {
	python := testenv.Python(t, []string{"jwt", "cryptography"}, "python3-jwt", "python3-cryptography")
	ts, rec := newLabServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "testdata/labs_pyjwt.py")
	cmd.Stdin = strings.NewReader(`{"base":"` + ts.URL + `"}`)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("labs_pyjwt.py: %v\n%s\n%s", err, out, stderr.String())
	}
	var got struct {
		Decoded             map[string]any `json:"decoded"`
		NoneVulnerable      int            `json:"none_vulnerable"`
		NoneFixed           int            `json:"none_fixed"`
		PyJWTPEMHMAC        string         `json:"pyjwt_pem_hmac"`
		ConfusionVulnerable int            `json:"confusion_vulnerable"`
		ConfusionFixed      int            `json:"confusion_fixed"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.Decoded["role"] != "user" || got.Decoded["sub"] != "student" {
		t.Errorf("PyJWT decoded the lab token as %v; want sub student, role user", got.Decoded)
	}
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"alg none, vulnerable", got.NoneVulnerable, 200}, {"alg none, fixed", got.NoneFixed, 401},
		{"key confusion, vulnerable", got.ConfusionVulnerable, 200}, {"key confusion, fixed", got.ConfusionFixed, 401},
	} {
		if c.got != c.want {
			t.Errorf("%s: status %d; want %d", c.name, c.got, c.want)
		}
	}
	if !strings.HasPrefix(got.PyJWTPEMHMAC, "refused: ") || !strings.Contains(got.PyJWTPEMHMAC, "HMAC") {
		t.Errorf("PyJWT with a PEM HMAC secret: %q; want its InvalidKeyError", got.PyJWTPEMHMAC)
	}
	evs := rec.since(0)
	for _, lab := range []string{"jwt-none", "jwt-confusion"} {
		if labExploitedIn(evs, lab) == nil {
			t.Errorf("no exploit of %s recorded: %s", lab, labEventsText(evs))
		}
	}
}

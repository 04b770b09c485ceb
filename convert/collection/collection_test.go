package collection

import (
	"testing"

	"github.com/authlab/authlab/profiles"
)

func TestFull(t *testing.T) {
	r := Result{
		Profiles: []profiles.Profile{{Name: "a"}, {Name: "b"}, {Name: "c"}},
		Unmapped: []Unmapped{{Profile: "b", What: "auth type hawk"}, {Profile: "b", What: "a script"}, {Where: "collection", What: "a pre-request script"}},
	}
	if full, total := r.Full(); full != 2 || total != 3 {
		t.Errorf("Full() = %d, %d; want 2, 3", full, total)
	}
}

package export

import (
	gold "github.com/authlab/authlab/internal/golden"
	"testing"
)

// golden compares got with testdata/NAME.golden (rewriting it with -update).
// Every target's tests use it; name goldens TARGET-CASE (curl-basic).
func golden(t *testing.T, name, got string) {
	t.Helper()
	gold.Assert(t, name, got)
}

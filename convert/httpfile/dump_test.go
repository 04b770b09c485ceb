package httpfile

import (
	"encoding/json"
	"os"
	"testing"
)

func TestDump(t *testing.T) {
	f := os.Getenv("DUMP")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	var e Envs
	if p := os.Getenv("PUB"); p != "" {
		e.Public, _ = os.ReadFile(p)
	}
	if p := os.Getenv("PRIV"); p != "" {
		e.Private, _ = os.ReadFile(p)
	}
	r, err := Import(f, b, e)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.MarshalIndent(r, "", " ")
	t.Log(string(out))
	full, total := r.Full()
	t.Log(full, total)
}

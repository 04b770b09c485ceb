package cli_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/testenv"
)

// `authlab send URL | jq .`: the built binary's stdout piped into a real
// jq, against a loopback server. jq must get the body alone; the status
// line goes to stderr; authlab's exit code is the status's.
func TestSendPipeIntoJQ(t *testing.T) {
	jq := testenv.Program(t, "jq", "jq")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/missing" {
			w.WriteHeader(http.StatusNotFound)
		}
		json.NewEncoder(w).Encode(map[string]any{"path": r.URL.Path, "n": 42})
	}))
	defer srv.Close()
	tests := []struct {
		path string
		args []string
		code int
		line string // on authlab's stderr
	}{
		{"/ok", nil, 0, "200 OK · "},
		{"/ok", []string{"-v"}, 0, "> GET " + srv.URL + "/ok"},
		{"/ok", []string{"--trace"}, 0, "200 OK · "},
		{"/missing", nil, 4, "404 Not Found · "},
	}
	for _, tt := range tests {
		send := exec.Command(binary, append(append([]string{"send"}, tt.args...), srv.URL+tt.path)...)
		send.Env = []string{"HOME=" + t.TempDir()}
		var sendErr, jqOut, jqErr bytes.Buffer
		send.Stderr = &sendErr
		filter := exec.Command(jq, ".path, .n")
		pipe, err := send.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		filter.Stdin, filter.Stdout, filter.Stderr = pipe, &jqOut, &jqErr
		if err := filter.Start(); err != nil {
			t.Fatal(err)
		}
		if err := send.Start(); err != nil {
			t.Fatal(err)
		}
		sendRes := send.Wait()
		jqRes := filter.Wait()
		code := 0
		if ee, ok := sendRes.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if sendRes != nil {
			t.Fatal(sendRes)
		}
		args := append(tt.args, tt.path)
		if code != tt.code {
			t.Errorf("authlab send %q | jq: authlab exit %d; want %d\n%s", args, code, tt.code, sendErr.String())
		}
		if want := `"` + tt.path + `"` + "\n42\n"; jqRes != nil || jqOut.String() != want {
			t.Errorf("authlab send %q | jq = %q (%v, %s); want %q", args, jqOut.String(), jqRes, strings.TrimSpace(jqErr.String()), want)
		}
		if !strings.Contains(sendErr.String(), tt.line) {
			t.Errorf("authlab send %q | jq: authlab's stderr = %q; want %q in it", args, sendErr.String(), tt.line)
		}
	}
}

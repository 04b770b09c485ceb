package cli

import (
	"bytes"
	"context"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestBuildVersion(t *testing.T) {
	const rev = "ae05e2019d41230187bf13436583f25a80279a1a"
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want []string // lines
	}{
		{"no build info", nil, false, []string{"authlab (devel)", "commit  unknown", "go      " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH}},
		{"clean tree", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"},
			Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-12-07T06:00:00Z"}, {Key: "vcs.modified", Value: "false"}}}, true,
			[]string{"authlab v1.2.3", "commit  " + rev, "date    2026-12-07T06:00:00Z", "go      go1.26.8 " + runtime.GOOS + "/" + runtime.GOARCH}},
		{"dirty tree", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261207060000-ae05e2019d41+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: "true"}}}, true,
			[]string{"authlab v0.0.0-20261207060000-ae05e2019d41+dirty", "commit  " + rev + "+dirty", "go      go1.26.8 " + runtime.GOOS + "/" + runtime.GOARCH}},
		{"built without VCS stamping", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true,
			[]string{"authlab (devel)", "commit  unknown", "go      go1.26.8 " + runtime.GOOS + "/" + runtime.GOARCH}},
	}
	for _, tt := range tests {
		want := strings.Join(tt.want, "\n") + "\n"
		if got := buildVersion(tt.bi, tt.ok); got != want {
			t.Errorf("%s: buildVersion = %q; want %q", tt.name, got, want)
		}
	}
}

// `authlab --version` and `authlab version` print the same text: this
// test binary's own build info.
func TestVersionInProcess(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	want := buildVersion(bi, ok)
	for _, args := range [][]string{{"--version"}, {"version"}} {
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, testEnv(&out, &errb))
		if code != ExitOK || out.String() != want || errb.Len() != 0 {
			t.Errorf("authlab %q = exit %d, stdout %q, stderr %q; want 0, %q, nothing", args, code, out.String(), errb.String(), want)
		}
		if !strings.Contains(out.String(), runtime.Version()) {
			t.Errorf("authlab %q = %q; want the Go version %s in it", args, out.String(), runtime.Version())
		}
	}
}

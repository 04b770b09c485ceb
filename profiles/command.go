package profiles

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/authlab/authlab/convert/shell"
)

// command:ARGV runs a program and takes its output as the secret
// (`command:gh auth token`, as resterm has): the line is split into words
// the way the curl importer splits a pasted command (convert/shell, POSIX
// quoting), and the program is run directly, without a shell, with an
// empty stdin, within a time limit; its stdout (at most MaxCommandOutput
// bytes, one trailing newline removed) is the value. A failure's error
// carries the first line of its stderr. The same command line runs once
// per CommandRunner (a session: one `authlab send`, one TUI).
//
// Running a program is the strongest thing a reference does, so it is
// refused from an untrusted folder like env: and file: (readsLocal), and
// runs only where the front end asks for it (Resolver.Commands): export
// and `profiles show` never run one.

// PrefixCommand starts a command: reference.
const PrefixCommand = "command:"

// MaxCommandOutput is the most a command: reference's program may print.
const MaxCommandOutput = 64 << 10

// DefaultCommandTimeout bounds a command: reference's program when the
// runner sets no Timeout.
const DefaultCommandTimeout = 10 * time.Second

// CommandRunner runs command: references for one session and remembers
// their output, so a command used by several fields or sends runs once. It
// is safe for concurrent use.
type CommandRunner struct {
	// Timeout bounds each program (--timeout); 0 is DefaultCommandTimeout.
	Timeout time.Duration
	// Run is the seam that runs argv; nil runs it with os/exec.
	Run func(ctx context.Context, argv []string) (stdout, stderr []byte, err error)

	mu    sync.Mutex
	cache map[string]string
}

// NewCommandRunner returns a runner with the time limit d (0: the default).
func NewCommandRunner(d time.Duration) *CommandRunner { return &CommandRunner{Timeout: d} }

// SplitCommand splits the command line of a command: reference into its
// program and arguments. Only a plain command is accepted: no variables
// ($HOME is not expanded: there is no shell), no pipes, redirections,
// $(…) or second commands.
func SplitCommand(line string) ([]string, error) {
	if strings.TrimSpace(line) == "" {
		return nil, errors.New("names no program: write command:PROGRAM ARGS, e.g. command:gh auth token")
	}
	c, err := shell.Split(line)
	if err != nil {
		return nil, err
	}
	if c.Rest != "" || len(c.Notes) > 0 {
		return nil, errors.New("is run without a shell, so pipes, redirections, $(…) and second commands do not work: put them in a script and name the script")
	}
	argv := make([]string, 0, len(c.Words))
	for _, w := range c.Words {
		if !w.IsLiteral() {
			return nil, fmt.Errorf("uses the variable $%s, which is not expanded (there is no shell): write its value, or put the command in a script", w.Vars()[0])
		}
		argv = append(argv, w.Text)
	}
	if len(argv) == 0 {
		return nil, errors.New("names no program: write command:PROGRAM ARGS")
	}
	return argv, nil
}

// output runs line (once per runner) and returns its output.
func (c *CommandRunner) output(label, ref string) (string, error) {
	line := strings.TrimPrefix(ref, PrefixCommand)
	c.mu.Lock()
	defer c.mu.Unlock() // one at a time: a second use waits for the first's output
	if v, ok := c.cache[line]; ok {
		return v, nil
	}
	argv, err := SplitCommand(line)
	if err != nil {
		return "", &RefError{Ref: ref, Label: label, Problem: "the command " + err.Error(), Fix: "see FORMAT.md, Secrets"}
	}
	d := c.Timeout
	if d <= 0 {
		d = DefaultCommandTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	run := c.Run
	if run == nil {
		run = runCommand
	}
	stdout, stderr, err := run(ctx, argv)
	if ctx.Err() != nil {
		return "", &RefError{Ref: ref, Label: label, Problem: fmt.Sprintf("%s did not finish within %s", argv[0], d), Fix: "check it runs on its own (it gets no input), or raise --timeout"}
	}
	if err != nil {
		problem := fmt.Sprintf("%s failed (%s)", argv[0], printable(err.Error()))
		if first := firstLine(stderr); first != "" {
			problem += ": " + first
		}
		return "", &RefError{Ref: ref, Label: label, Problem: problem, Fix: "run it yourself to see why"}
	}
	if len(stdout) > MaxCommandOutput {
		return "", &RefError{Ref: ref, Label: label, Problem: fmt.Sprintf("%s printed more than %d KiB", argv[0], MaxCommandOutput>>10), Fix: "name a command that prints only the secret"}
	}
	s := strings.TrimSuffix(string(stdout), "\n")
	s = strings.TrimSuffix(s, "\r")
	if c.cache == nil {
		c.cache = map[string]string{}
	}
	c.cache[line] = s
	return s, nil
}

// runCommand runs argv with os/exec, no shell, stdin empty (/dev/null),
// keeping at most MaxCommandOutput+1 bytes of stdout and 4 KiB of stderr.
func runCommand(ctx context.Context, argv []string) ([]byte, []byte, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	out := &capped{max: MaxCommandOutput + 1}
	errOut := &capped{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = out, errOut
	cmd.WaitDelay = time.Second // a grandchild holding stdout open does not hang the send
	err := cmd.Run()
	return out.b.Bytes(), errOut.b.Bytes(), err
}

// capped keeps the first max bytes written to it and discards the rest.
type capped struct {
	b   bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.b.Len(); room > 0 {
		c.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// firstLine is the first non-empty line of a program's stderr, without
// control characters (it goes into a one-line message), at most 200 bytes.
func firstLine(b []byte) string {
	for l := range strings.SplitSeq(string(b), "\n") {
		if l = strings.TrimSpace(printable(l)); l != "" {
			if len(l) > 200 {
				l = l[:200] + "…"
			}
			return l
		}
	}
	return ""
}

func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, s)
}

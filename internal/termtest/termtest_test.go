package termtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// echo is a line program: it prints a prompt, then each byte it reads
// as "key %q"; q ends it with exit code 3, a cancelled context with 0.
func echo(ctx context.Context, stdin io.Reader, stdout io.Writer) int {
	fmt.Fprint(stdout, "ready\n")
	keys := make(chan byte)
	go func() {
		r := bufio.NewReader(stdin)
		for {
			b, err := r.ReadByte()
			if err != nil {
				close(keys)
				return
			}
			keys <- b
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return 0
		case b, ok := <-keys:
			if !ok || b == 'q' {
				fmt.Fprint(stdout, "bye\n")
				return 3
			}
			fmt.Fprintf(stdout, "key %q\n", b)
		}
	}
}

func TestTermKeysScreenExit(t *testing.T) {
	term := Start(t, Config{Width: 40, Height: 10, Record: true}, echo)
	term.WaitText("ready")
	term.Type("ab")
	if got := term.WaitText(`key 'b'`); !strings.Contains(got, "ready\nkey 'a'\nkey 'b'") {
		t.Errorf("screen = %q; want ready, key 'a', key 'b' on lines of their own (LF as CR LF)", got)
	}
	if _, ok := term.Exited(); ok {
		t.Error("Exited() = true before q")
	}
	term.Key("q")
	if code := term.Wait(); code != 3 {
		t.Errorf("Wait() = %d; want 3", code)
	}
	if got, want := string(term.Output()), "ready\nkey 'a'\nkey 'b'\nbye\n"; got != want {
		t.Errorf("Output() = %q; want %q", got, want)
	}
	if code, ok := term.Exited(); !ok || code != 3 {
		t.Errorf("Exited() = %d, %v; want 3, true", code, ok)
	}
}

func TestTermStop(t *testing.T) {
	term := Start(t, Config{}, echo)
	term.WaitText("ready")
	term.Stop()
	if code := term.Wait(); code != 0 {
		t.Errorf("Wait() after Stop = %d; want 0", code)
	}
}

func TestTextTrimsLines(t *testing.T) {
	term := Start(t, Config{Width: 20, Height: 3}, func(ctx context.Context, _ io.Reader, out io.Writer) int {
		fmt.Fprint(out, "\x1b[1mbold\x1b[0m   \nx")
		<-ctx.Done()
		return 0
	})
	if got, want := term.WaitText("x"), "bold\nx\n"; got != want {
		t.Errorf("Text() = %q; want %q", got, want)
	}
}

func TestTextWhereBold(t *testing.T) {
	term := Start(t, Config{Width: 30, Height: 2}, func(ctx context.Context, _ io.Reader, out io.Writer) int {
		fmt.Fprint(out, "1 Response\x1b[1;4m2 Body\x1b[0m3 Héaders✓ \x1b[1mé✓\x1b[0m")
		<-ctx.Done()
		return 0
	})
	term.WaitText("é✓")
	if got, want := term.TextWhere(Bold), "          2 Body           é✓\n"; got != want {
		t.Errorf("TextWhere(Bold) = %q; want %q", got, want)
	}
}

type deadlineTB struct {
	testing.TB
	d  time.Time
	ok bool
}

func (d deadlineTB) Deadline() (time.Time, bool) { return d.d, d.ok }

func TestDeadline(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name     string
		d        time.Time
		ok       bool
		min, max time.Duration // of Deadline - now
	}{
		{"none", time.Time{}, false, DefaultWait - time.Second, DefaultWait},
		{"10 min: 30 s margin", now.Add(10 * time.Minute), true, 9*time.Minute + 29*time.Second, 9*time.Minute + 30*time.Second},
		{"100 s: a tenth", now.Add(100 * time.Second), true, 89 * time.Second, 90 * time.Second},
		{"5 s: at least 1 s", now.Add(5 * time.Second), true, 3*time.Second + 900*time.Millisecond, 4 * time.Second},
	}
	for _, tt := range tests {
		got := time.Until(Deadline(deadlineTB{t, tt.d, tt.ok}))
		if got < tt.min || got > tt.max {
			t.Errorf("Deadline(%s) = now + %v; want between %v and %v", tt.name, got, tt.min, tt.max)
		}
	}
}

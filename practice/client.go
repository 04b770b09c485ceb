package practice

import (
	"net"
	"net/http"
	"strings"
	"unicode/utf8"
)

// StudentHeader carries the student name a client was given (`authlab
// --student NAME`, AUTHLAB_STUDENT). The practice server shows it beside the
// client's address on the console and in the room view, and uses it for
// nothing else: any client can send any name.
const StudentHeader = "X-Authlab-Student"

// maxStudent bounds a student name as shown (runes).
const maxStudent = 32

// LessonHeader carries the id of the `authlab learn` lesson a request is
// for ("oauth1-32"), sent only to the practice server like StudentHeader:
// the room view grades the lesson from the server's own verdict. Like the
// student name it is the client's claim, for display only.
const LessonHeader = "X-Authlab-Lesson"

// lessonID keeps a claimed lesson id when it looks like one (lower-case
// letters, digits, '-' and '.', at most 64), else "".
func lessonID(v string) string {
	if v == "" || len(v) > 64 {
		return ""
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return ""
		}
	}
	return v
}

// Client is who sent one request, as the practice server tells clients
// apart: Key partitions state and limits, Addr and Student are for display.
type Client struct {
	// Key is the partition key: the IPv4 address, or the /64 prefix of an
	// IPv6 address (one machine usually holds a whole /64, so rotating
	// addresses inside it buys no extra share).
	Key string
	// Addr is the remote IP address as seen ("10.0.0.7").
	Addr string
	// Student is the claimed student name, single-line and at most 32
	// runes; "" when none was sent. Never trusted for anything but display.
	Student string
	// Lesson is the claimed lesson id (LessonHeader), "" when none or
	// malformed.
	Lesson string
}

// Label is the client as the instructor reads it: "alice (10.0.0.7)", or
// the address alone.
func (c Client) Label() string {
	if c.Student == "" {
		return c.Addr
	}
	return c.Student + " (" + c.Addr + ")"
}

// ClientOf returns the client of r from its remote address and
// StudentHeader. Proxy headers (X-Forwarded-For) are ignored: the server is
// reached directly in a classroom, and a header would let one client pose
// as another.
func ClientOf(r *http.Request) Client {
	return Client{Key: ClientKey(r.RemoteAddr), Addr: hostOf(r.RemoteAddr), Student: studentName(r.Header.Get(StudentHeader)), Lesson: lessonID(r.Header.Get(LessonHeader))}
}

// ClientKey returns the partition key of a remote address ("IP:port"):
// the IPv4 address, or the IPv6 /64 prefix ("2001:db8:1:2::/64").
func ClientKey(remoteAddr string) string {
	h := hostOf(remoteAddr)
	ip := net.ParseIP(h)
	if ip == nil {
		return h
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return (&net.IPNet{IP: ip.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
}

// hostOf strips the port of a remote address.
func hostOf(remoteAddr string) string {
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return h
	}
	return remoteAddr
}

// studentName makes a claimed name displayable: printable runes only (a
// name cannot move the cursor or forge a console line), spaces trimmed, at
// most maxStudent runes.
func studentName(v string) string {
	if !utf8.ValidString(v) {
		return ""
	}
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(v) {
		if n == maxStudent {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x2028 && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

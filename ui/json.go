package ui

import (
	"bytes"
	"encoding/json"
	"net/http"
	"unicode/utf8"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/sanitize"
)

// jsonResult is the document `authlab send --json` prints. Its field names
// are a contract for scripts: add fields, never rename them.
type jsonResult struct {
	Scheme    string         `json:"scheme"`
	Status    int            `json:"status,omitempty"`
	Reason    string         `json:"reason,omitempty"`
	Error     string         `json:"error,omitempty"`
	TotalMS   float64        `json:"total_ms"`
	Exchanges []jsonExchange `json:"exchanges"`
	Hints     []jsonHint     `json:"hints"`
	Trace     []jsonStep     `json:"trace"`
}

type jsonExchange struct {
	Role     string        `json:"role,omitempty"` // request, challenge, retry, token, redirect
	Request  jsonRequest   `json:"request"`
	Response *jsonResponse `json:"response,omitempty"`
	Timing   jsonTiming    `json:"timing"`
	Error    string        `json:"error,omitempty"`
	Proxy    *jsonProxy    `json:"proxy,omitempty"` // the route, when a proxy is configured (proxy.go)
}

type jsonRequest struct {
	Method  string              `json:"method"`
	URL     string              `json:"url"`
	Headers map[string][]string `json:"headers"`
	Body    string              `json:"body,omitempty"`
}

type jsonResponse struct {
	Status        int                 `json:"status"`
	Reason        string              `json:"reason"`
	Proto         string              `json:"proto"`
	Headers       map[string][]string `json:"headers"`
	Body          string              `json:"body,omitempty"`
	BodyBase64    []byte              `json:"body_base64,omitempty"` // when the body is not UTF-8
	BodyBytes     int                 `json:"body_bytes"`
	BodyTruncated bool                `json:"body_truncated"`
}

type jsonTiming struct {
	DNSMS       float64 `json:"dns_ms"`
	ConnectMS   float64 `json:"connect_ms"`
	TLSMS       float64 `json:"tls_ms"`
	FirstByteMS float64 `json:"first_byte_ms"`
	TotalMS     float64 `json:"total_ms"`
	Reused      bool    `json:"reused"`
}

type jsonHint struct {
	Level  string   `json:"level"`
	Title  string   `json:"title"`
	Detail string   `json:"detail,omitempty"`
	Checks []string `json:"checks,omitempty"`
	Ref    string   `json:"ref,omitempty"`
}

type jsonStep struct {
	Title  string      `json:"title"`
	Ref    string      `json:"ref,omitempty"`
	Note   string      `json:"note,omitempty"`
	Values []jsonValue `json:"values,omitempty"`
}

type jsonValue struct {
	Label  string `json:"label"`
	Value  string `json:"value"`
	Secret bool   `json:"secret,omitempty"`
	Masked bool   `json:"masked,omitempty"`
}

func ms(d interface{ Microseconds() int64 }) float64 { return float64(d.Microseconds()) / 1000 }

// PrintJSON writes res as one JSON document. Secrets — credentials and the
// tokens a flow found in responses — are masked unless Reveal. The output is safe for a terminal: besides JSON's own escaping of
// C0 controls, DEL, C1 controls and bidi controls are written as \u escapes.
func (p Printer) PrintJSON(res *authn.Result) error {
	if p.Present {
		p.Reveal = false
		res = PresentResult(res)
	}
	res = MaskResponseSecrets(res, p.Reveal)
	doc := jsonResult{Scheme: res.Scheme.Name, TotalMS: ms(res.Total), Exchanges: []jsonExchange{}, Hints: []jsonHint{}, Trace: []jsonStep{}}
	if res.Err != nil {
		doc.Error = res.Err.Error()
	}
	if fin := res.Final(); fin != nil && fin.Response != nil {
		doc.Status, doc.Reason = fin.Response.Status, fin.Response.Reason
	}
	for i := range res.Exchanges {
		ex := &res.Exchanges[i]
		je := jsonExchange{
			Role: ex.Role,
			Request: jsonRequest{
				Method:  ex.Request.Method,
				URL:     ex.Request.DisplayURL(p.Reveal),
				Headers: headerMap(ex.Request.DisplayHeader(p.Reveal)),
				Body:    string(ex.Request.DisplayBody(p.Reveal)),
			},
			Timing: jsonTiming{DNSMS: ms(ex.Timing.DNS), ConnectMS: ms(ex.Timing.Connect), TLSMS: ms(ex.Timing.TLS),
				FirstByteMS: ms(ex.Timing.FirstByte), TotalMS: ms(ex.Timing.Total), Reused: ex.Timing.Reused},
		}
		if ex.Err != nil {
			je.Error = ex.Err.Error()
		}
		je.Proxy = proxyJSON(ex.Proxy)
		if r := ex.Response; r != nil {
			h := r.Header
			if p.Present {
				h = PresentHeader(h)
			}
			jr := &jsonResponse{Status: r.Status, Reason: r.Reason, Proto: r.Proto, Headers: headerMap(h),
				BodyBytes: len(r.Body), BodyTruncated: r.Truncated}
			if utf8.Valid(r.Body) {
				jr.Body = string(r.Body)
			} else {
				jr.BodyBase64 = r.Body
			}
			je.Response = jr
		}
		doc.Exchanges = append(doc.Exchanges, je)
	}
	for _, h := range res.Hints {
		doc.Hints = append(doc.Hints, jsonHint{Level: h.Level.String(), Title: h.Title, Detail: h.Detail, Checks: h.Checks, Ref: h.Ref})
	}
	trace := res.Trace
	if p.Present {
		trace = trace.Presenting()
	}
	for _, s := range trace.Steps {
		js := jsonStep{Title: s.Title, Ref: s.Ref, Note: s.Note}
		for _, v := range s.Values {
			js.Values = append(js.Values, jsonValue{Label: v.Label, Value: v.Shown(p.Reveal), Secret: v.Secret, Masked: v.Secret && !p.Reveal})
		}
		doc.Trace = append(doc.Trace, js)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := p.Out.Write(sanitize.JSON(buf.Bytes()))
	return err
}

func headerMap(h http.Header) map[string][]string {
	if h == nil {
		return map[string][]string{}
	}
	return h
}

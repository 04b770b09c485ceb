package authn

import (
	"net/http"
	"strings"
	"testing"
)

// Error bodies in the shapes AWS services send (S3 REST-XML, the query
// protocol of STS/IAM, EC2, JSON protocols with __type or X-Amzn-ErrorType).
var sigv4ErrorBodyTests = []struct {
	name, body string
	header     http.Header
	code, msg  string
	field      [2]string // one extra field expected, if any
}{
	{"s3", `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><StringToSign>AWS4-HMAC-SHA256
20150830T123600Z
20150830/us-east-1/s3/aws4_request
abc</StringToSign><CanonicalRequest>GET
/
</CanonicalRequest></Error>`, nil, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		[2]string{"StringToSign", "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/s3/aws4_request\nabc"}},
	{"sts", `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>4c2c</RequestId></ErrorResponse>`,
		nil, "InvalidClientTokenId", "The security token included in the request is invalid.", [2]string{"Type", "Sender"}},
	{"ec2", `<Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to validate the provided access credentials</Message></Error></Errors><RequestID>x</RequestID></Response>`,
		nil, "AuthFailure", "AWS was not able to validate the provided access credentials", [2]string{}},
	{"json __type", `{"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token included in the request is invalid."}`,
		nil, "UnrecognizedClientException", "The security token included in the request is invalid.", [2]string{}},
	{"json header", `{"message":"Signature expired: 20150830T123600Z is now earlier than 20231114T215820Z (20231114T221320Z - 15 min.)"}`,
		hintHeader("X-Amzn-ErrorType", "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/"),
		"InvalidSignatureException", "Signature expired: 20150830T123600Z is now earlier than 20231114T215820Z (20231114T221320Z - 15 min.)", [2]string{}},
	{"not aws json", `{"code":"x","message":"y"}`, nil, "", "", [2]string{}},
	{"html", `<html><body>Error</body></html>`, nil, "", "", [2]string{}},
	{"bad code", `<Error><Code>a b</Code></Error>`, nil, "", "", [2]string{}},
}

func TestSigV4ErrorBody(t *testing.T) {
	for _, tt := range sigv4ErrorBodyTests {
		ex := hintGet("https://sts.amazonaws.com/", nil, 403, tt.header, tt.body)
		e, ok := newHintInput(ex, Info{Name: "sigv4"}, hintNow).sigv4ResponseError()
		if ok != (tt.code != "") || e.Code != tt.code || e.Message != tt.msg {
			t.Errorf("%s: sigv4ResponseError = %q %q %v; want %q %q", tt.name, e.Code, e.Message, ok, tt.code, tt.msg)
		}
		if tt.field[0] != "" && e.Fields[tt.field[0]] != tt.field[1] {
			t.Errorf("%s: field %s = %q; want %q", tt.name, tt.field[0], e.Fields[tt.field[0]], tt.field[1])
		}
	}
}

func FuzzSigV4ErrorBody(f *testing.F) {
	for _, tt := range sigv4ErrorBodyTests {
		f.Add(tt.body, tt.header.Get("X-Amzn-ErrorType"))
	}
	f.Add(`<a><b><c><d><e><Error><Code>X</Code></Error></e></d></c></b></a>`, "")
	f.Add(`<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>`+"\n\n\n\n\n"+`</CanonicalRequest><StringToSign>a`+"\n\n\n"+`</StringToSign></Error>`, "")
	f.Fuzz(func(t *testing.T, body, errType string) {
		auth := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
		ex := hintGet("https://example.amazonaws.com/?a=1", hintHeader("Authorization", auth, "X-Amz-Date", "20150830T123600Z"), 403,
			hintHeader("X-Amzn-ErrorType", errType, "Date", "Tue, 14 Nov 2023 22:13:20 GMT"), body)
		in := newHintInput(ex, Info{Name: "sigv4"}, hintNow)
		e, ok := in.sigv4ResponseError()
		if ok && (e.Code == "" || strings.ContainsAny(e.Code, " <>&\n#:")) {
			t.Errorf("sigv4ResponseError(%q) code = %q", body, e.Code)
		}
		for _, h := range sigv4Hints(in) {
			if h.Title == "" || h.Level != LevelError {
				t.Errorf("sigv4Hints(%q) = %+v", body, h)
			}
		}
		sigv4ParseSentAuth(body)
	})
}

// TestSigV4Hints covers the forms the practice server does not send.
func TestSigV4Hints(t *testing.T) {
	auth := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
	sent := hintHeader("Authorization", auth, "X-Amz-Date", "20150830T123600Z")
	for _, tt := range []struct {
		name, url, body string
		header          http.Header
		want            string
	}{
		{"sts region", "https://sts.eu-west-1.amazonaws.com/", `<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>Credential should be scoped to a valid region. </Message></Error></ErrorResponse>`, nil,
			"AWS SignatureDoesNotMatch · wrong region in the credential scope\n  - The host name says eu-west-1: -c region=eu-west-1\n  - You signed for region \"us-west-2\""},
		{"s3 region", "https://b.s3.amazonaws.com/", `<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the region 'us-west-2' is wrong; expecting 'eu-central-1'</Message><Region>eu-central-1</Region></Error>`, nil,
			"AWS expects region \"eu-central-1\""},
		{"sts canonical in message", "https://sts.amazonaws.com/", "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'GET\n/\n\nhost:sts.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/sts/aws4_request\nabc'\n</Message></Error></ErrorResponse>", nil,
			"The server's credential scope is 20150830/us-east-1/sts/aws4_request, yours 20150830/us-west-2/sts/aws4_request"},
		{"json expired signature", "https://abc.execute-api.us-east-1.amazonaws.com/", `{"message":"Signature expired: 20150830T123600Z is now earlier than 20231114T215820Z (20231114T221320Z - 15 min.)"}`,
			hintHeader("X-Amzn-ErrorType", "InvalidSignatureException", "Date", "Tue, 14 Nov 2023 22:13:20 GMT"),
			"AWS InvalidSignatureException · the request time is too far from AWS's clock\n  - X-Amz-Date was 20150830T123600Z, 71961h37m20s behind the server's clock"},
		{"missing token", "https://abc.execute-api.us-east-1.amazonaws.com/", `{"message":"Missing Authentication Token"}`,
			hintHeader("X-Amzn-ErrorType", "MissingAuthenticationTokenException"), "the request is not (completely) signed"},
		{"not signed headers", "https://b.s3.amazonaws.com/", `<Error><Code>AccessDenied</Code><Message>There were headers present in the request which were not signed</Message><HeadersNotSigned>x-amz-acl</HeadersNotSigned></Error>`, nil,
			"headers were sent that are not signed\n  - Not signed: x-amz-acl"},
	} {
		h := tt.header
		if h == nil {
			h = http.Header{}
		}
		ex := hintGet(tt.url, sent.Clone(), 403, h, tt.body)
		var got strings.Builder
		for _, hint := range Explain(ex, Info{Name: "sigv4", Title: "AWS Signature Version 4"}, hintNow) {
			got.WriteString(hint.Title + "\n")
			for _, c := range hint.Checks {
				got.WriteString("  - " + c + "\n")
			}
		}
		if !strings.Contains(got.String(), tt.want) {
			t.Errorf("%s: hints =\n%s\nwant …%s…", tt.name, got.String(), tt.want)
		}
	}
}

// TestSigV4TraceMasksToken: the session token is in the canonical headers,
// so the traced canonical request is a secret shown with the token masked.
func TestSigV4TraceMasksToken(t *testing.T) {
	const token = "FQoGZXIvYXdzEXAMPLETOKEN"
	out := sigv4Outgoing(t, "GET", "https://example.amazonaws.com/", "")
	var tr Trace
	if err := (sigv4{}).Authorize(out, sigv4Creds("session_token", token), Env{}, &tr); err != nil {
		t.Fatal(err)
	}
	for _, st := range tr.Steps {
		for _, v := range st.Values {
			if strings.Contains(v.Shown(false), token) {
				t.Errorf("step %q value %q shows the session token: %q", st.Title, v.Label, v.Shown(false))
			}
		}
	}
	if v, _ := sigv4Value(&tr, "canonical request"); !strings.Contains(v.Text, "x-amz-security-token:"+token) || !strings.Contains(v.Shown(false), "x-amz-security-token:"+Mask("")) {
		t.Errorf("canonical request = %q shown as %q; want the token signed and masked", v.Text, v.Shown(false))
	}
}

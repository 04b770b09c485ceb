package authn

import "testing"

// AWS refuses a request before it acts on it, so every authentication
// error comes with a 4xx (or a 5xx); the one 200 that carries an <Error>
// (S3's CompleteMultipartUpload, CopyObject, UploadPartCopy) reports
// InternalError or SlowDown after the request was authenticated, and S3's
// 301/307 redirects (PermanentRedirect, TemporaryRedirect) name an
// endpoint, not a credential. So sigv4Hints decodes no body below 400:
// "Error responses" and "REST error responses", Amazon S3 API Reference.
var sigv4StatusTests = []struct {
	status int
	hint   bool
}{
	{200, false},
	{204, false},
	{301, false},
	{307, false},
	{400, true},
	{403, true},
	{500, true},
	{503, true},
}

func TestSigV4HintsOnlyForErrorStatuses(t *testing.T) {
	const body = `<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>`
	auth := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
	for _, tt := range sigv4StatusTests {
		ex := hintGet("https://bucket.s3.us-east-1.amazonaws.com/key", hintHeader("Authorization", auth, "X-Amz-Date", "20150830T123600Z"), tt.status, nil, body)
		got := sigv4Hints(newHintInput(ex, Info{Name: "sigv4"}, hintNow))
		if (len(got) > 0) != tt.hint {
			t.Errorf("sigv4Hints(status %d, SignatureDoesNotMatch body) = %d hints; want hint=%v", tt.status, len(got), tt.hint)
		}
	}
}

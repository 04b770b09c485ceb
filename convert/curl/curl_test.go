package curl

import (
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/convert/shell"
	"github.com/authlab/authlab/internal/testenv"
	"github.com/authlab/authlab/profiles"
)

// form is the Content-Type -d sends by default.
var form = []profiles.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}

// parseTests check how options are read and mapped, one rule each.
var parseTests = []importCase{
	{name: "cluster and attached values",
		line: `curl -sSL -XPOST -uuser:pass -d@f.txt -Hfoo:bar example.com/x`,
		want: profiles.Profile{Method: "POST", URL: "http://example.com/x", Scheme: "basic", BodyFile: "f.txt", Follow: true,
			Headers: []profiles.Header{{Name: "foo", Value: "bar"}, form[0]},
			Fields:  map[string]string{"username": "user", "password": "pass"}},
		ignored:  []string{"-s: changes only what curl prints", "-S: changes only what curl prints"},
		literals: []Literal{{Field: "password", Where: "-u password", SuggestedEnv: "EXAMPLE_PASSWORD"}},
		notes:    []string{"the URL has no scheme: curl uses http://", "-d @f.txt: the file is kept as a reference (body_file), read when the request is sent, not now", "curl drops the file's line breaks and stops at a NUL byte; authlab sends the file as it is"}},
	{name: "-- ends the options",
		line:  `curl -H 'X: 1' -- -not-an-option`,
		want:  profiles.Profile{Method: "GET", URL: "http://-not-an-option", Scheme: "none", Headers: []profiles.Header{{Name: "X", Value: "1"}}},
		notes: []string{"no scheme"}},
	{name: "--name=value (curl 8.16)",
		line:  `curl --data=a=1 --header=X:2 https://h.example/`,
		want:  profiles.Profile{Method: "POST", URL: "https://h.example/", Scheme: "none", Body: "a=1", Headers: []profiles.Header{{Name: "X", Value: "2"}, form[0]}},
		notes: []string{"--data=a=1: --data=VALUE is read by curl 8.16 and later only"}},
	{name: "unknown options, with and without a value",
		line:    `curl --bogus -x http://p:3128 -Z --proxy-user u:p --noproxy x --no-proxy https://h.example/`,
		want:    profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none"},
		unknown: []string{"--bogus", "-x http://p:3128", "-Z", "--proxy-user u:p", "--noproxy x", "--no-proxy"},
		notes:   []string{"--bogus is not a curl option", "--no-proxy: --proxy cannot be turned off"}},
	{name: "--no-location turns -L off",
		line: `curl -L --no-location https://h.example/`,
		want: profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none"}},
	{name: "-G with data and a query, before the fragment",
		line: `curl -G -d a=1 -d b=2 'https://h.example/p?x=0#frag'`,
		want: profiles.Profile{Method: "GET", URL: "https://h.example/p?x=0&a=1&b=2#frag", Scheme: "none"}},
	{name: "-G ignores --url-query, as curl does",
		line:  `curl -G -d a=1 --url-query b=2 https://h.example/`,
		want:  profiles.Profile{Method: "GET", URL: "https://h.example/?a=1", Scheme: "none"},
		notes: []string{"--url-query is not used"}},
	{name: "-I and -X",
		line: `curl -I -X OPTIONS https://h.example/`,
		want: profiles.Profile{Method: "OPTIONS", URL: "https://h.example/", Scheme: "none"}},
	{name: "-X in lower case",
		line:  `curl -X post -d a https://h.example/`,
		want:  profiles.Profile{Method: "post", URL: "https://h.example/", Scheme: "none", Body: "a", Headers: form},
		notes: []string{"curl sends the method as typed; authlab sends POST"}},
	{name: "-X GET with data",
		line:  `curl -X GET -d a=1 https://h.example/`,
		want:  profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none", Body: "a=1", Headers: form},
		notes: []string{"-G would put it in the query"}},
	{name: "data pieces joined as curl joins them",
		line: `curl -d a -d '' --data-raw @x --data-binary $'1\r\n2' --json '{}' --data-urlencode 'n=é&'$'\n' --data-urlencode 'q=x y' https://h.example/`,
		want: profiles.Profile{Method: "POST", URL: "https://h.example/", Scheme: "none", Body: "a&&@x&1\r\n2{}&n=%C3%A9%26%0A&q=x+y",
			Headers: []profiles.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Accept", Value: "application/json"}}}},
	{name: "--data-binary @file is a body file, not read",
		line:  `curl --data-binary @/etc/passwd https://h.example/`,
		want:  profiles.Profile{Method: "POST", URL: "https://h.example/", Scheme: "none", BodyFile: "/etc/passwd", Headers: form},
		notes: []string{"--data-binary @/etc/passwd: the file is kept as a reference (body_file)"}},
	{name: "--json @file is a body file with the JSON headers",
		line: `curl --json @body.json https://h.example/`,
		want: profiles.Profile{Method: "POST", URL: "https://h.example/", Scheme: "none", BodyFile: "body.json",
			Headers: []profiles.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Accept", Value: "application/json"}}}},
	{name: "headers: Name;, Name:, no colon, -H @file",
		line: `curl -H 'X-Empty;' -H 'Accept:' -H 'Content-Type:' -H justtext -d a https://h.example/`,
		want: profiles.Profile{Method: "POST", URL: "https://h.example/", Scheme: "none", Body: "a",
			Headers: []profiles.Header{{Name: "X-Empty"}}},
		notes: []string{"-H justtext is not a header", "-H Accept: removes curl's own Accept header", "removes the Content-Type curl would send"}},
	{name: "-A -e -b, and a custom header wins",
		line: `curl -A 'me/1' -e https://from.example/ -b 'sid=abc' -b 'x=1' -H 'Referer: https://other.example/' https://h.example/`,
		want: profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none",
			Headers: []profiles.Header{{Name: "Referer", Value: "https://other.example/"}, {Name: "User-Agent", Value: "me/1"}, {Name: "Cookie", Value: "sid=abc;x=1"}}},
		literals: []Literal{{Field: "header Cookie", Where: "-b cookie", SuggestedEnv: "H_COOKIE"}},
		notes:    []string{"-e is not used: the -H Referer header replaces it"}},
	{name: "-b FILE is not imported",
		line:    `curl -b cookies.txt https://h.example/`,
		want:    profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none"},
		unknown: []string{"-b cookies.txt"},
		notes:   []string{"reads cookies from a file"}},
	{name: "several URLs and --next",
		line:  `curl https://a.example/ https://b.example/ --next -d x https://c.example/`,
		want:  profiles.Profile{Method: "GET", URL: "https://a.example/", Scheme: "none"},
		notes: []string{"curl would also fetch https://b.example/", "--next starts another request; not imported: -d x https://c.example/"}},
	{name: "-T adds the file name to a URL ending in /",
		line:  `curl -T dir/up.txt https://h.example/files/`,
		want:  profiles.Profile{Method: "PUT", URL: "https://h.example/files/up.txt", Scheme: "none", BodyFile: "dir/up.txt"},
		notes: []string{"-T dir/up.txt: the file is kept as a reference (body_file)"}},
	{name: "-u without a password asks, -u $CREDS asks for both",
		line:  `curl -u "$CREDS" https://h.example/`,
		want:  profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "basic", Fields: map[string]string{"username": "prompt", "password": "prompt"}},
		notes: []string{"both in one variable"}},
	{name: "-u with a variable inside text",
		line:  `curl -u "bot:x$TOKEN" https://h.example/`,
		want:  profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "basic", Fields: map[string]string{"username": "bot", "password": "x$TOKEN"}},
		notes: []string{"-u password: $TOKEN is kept as text"}},
	{name: "-u : (single sign-on) imports nothing",
		line:    `curl --negotiate -u : https://h.example/`,
		want:    profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none"},
		unknown: []string{"--negotiate"},
		notes:   []string{"nothing to import"}},
	{name: "a header that is one variable is read as an API key (as authlab exports one)",
		line:  `curl -H "X-Tenant: $KEY" https://h.example/`,
		want:  profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "apikey", Fields: map[string]string{"name": "X-Tenant", "value": "env:KEY", "in": "header"}},
		notes: []string{"-H: $KEY: the X-Tenant header became the apikey scheme"}},
	{name: "a variable inside a plain header's text",
		line:  `curl -H "X-Request-Id: req-$ID" https://h.example/`,
		want:  profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none", Headers: []profiles.Header{{Name: "X-Request-Id", Value: "req-$ID"}}},
		notes: []string{"-H: $ID is kept as text in the X-Request-Id header"}},
	{name: "a content header that is one variable stays a header",
		line:  `curl -H "Accept: $TYPE" https://h.example/`,
		want:  profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none", Headers: []profiles.Header{{Name: "Accept", Value: "$TYPE"}}},
		notes: []string{"-H: $TYPE is kept as text in the Accept header"}},
	{name: "variables among text in a user name and a key password",
		line: `curl -u "org-$ORG:$PASS" --cert c.pem --key k.pem --pass "pw-$KP" https://h.example/`,
		want: profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "basic",
			Fields: map[string]string{"username": "org-$ORG", "password": "env:PASS"},
			TLS:    profiles.TLS{Cert: "c.pem", Key: "k.pem", KeyPassword: "pw-$KP"}},
		notes: []string{"-u user name: $ORG is kept as text: authlab resolves a field that is exactly one variable (env:NAME)",
			"--pass: $KP is kept as text: authlab resolves a field that is exactly one variable (env:NAME)"}},
	{name: "--anyauth imports Basic",
		line:     `curl --anyauth -u a:b https://h.example/`,
		want:     profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "basic", Fields: map[string]string{"username": "a", "password": "b"}},
		literals: []Literal{{Field: "password", Where: "-u password", SuggestedEnv: "H_PASSWORD"}},
		notes:    []string{"authlab does not negotiate"}},
	{name: "--ntlm is unknown, -u imported as Basic",
		line:     `curl --ntlm -u 'DOMAIN\user:pw' https://h.example/`,
		want:     profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "basic", Fields: map[string]string{"username": `DOMAIN\user`, "password": "pw"}},
		unknown:  []string{"--ntlm"},
		literals: []Literal{{Field: "password", Where: "-u password", SuggestedEnv: "H_PASSWORD"}},
		notes:    []string{"authlab has no NTLM"}},
	{name: "a -H Authorization header replaces -u",
		line:     `curl -u a:b -H 'Authorization: Bearer $TOK' https://h.example/`,
		want:     profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "bearer", Fields: map[string]string{"token": "$TOK"}},
		literals: []Literal{{Field: "token", Where: "Authorization header", SuggestedEnv: "TOK"}},
		notes:    []string{"-u is not used: curl sends the -H Authorization header instead"}},
	{name: "Authorization: Basic decoded",
		line:     `curl -H 'Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==' https://h.example/`,
		want:     profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "basic", Fields: map[string]string{"username": "Aladdin", "password": "open sesame"}},
		literals: []Literal{{Field: "password", Where: "Authorization header (Basic, decoded)", SuggestedEnv: "H_PASSWORD"}}},
	{name: "Authorization: Basic that is not base64 stays a header",
		line:     `curl -H 'Authorization: Basic !!!' https://h.example/`,
		want:     profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none", Headers: []profiles.Header{{Name: "Authorization", Value: "Basic !!!"}}},
		literals: []Literal{{Field: "header Authorization", Where: "Authorization header", SuggestedEnv: "H_AUTHORIZATION"}},
		notes:    []string{"is not base64 of user:password"}},
	{name: "Authorization: token (GitHub's old form) stays a header",
		line:     `curl -H "Authorization: token ghp_16C7e42F292c6912E7710c838347Ae178B4a" https://api.github.com/user`,
		want:     profiles.Profile{Method: "GET", URL: "https://api.github.com/user", Scheme: "none", Headers: []profiles.Header{{Name: "Authorization", Value: "token ghp_16C7e42F292c6912E7710c838347Ae178B4a"}}},
		literals: []Literal{{Field: "header Authorization", Where: "Authorization header", SuggestedEnv: "GITHUB_AUTHORIZATION"}}},
	{name: "OAuth PLAINTEXT carries its secrets",
		line: `curl -H 'Authorization: OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_signature_method="PLAINTEXT", oauth_signature="kd94hf93k423kf44%26pfkkdhi9sl3r4s00", oauth_token="nnch734d00sl2jdk", oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready"' https://photos.example.net/initiate`,
		want: profiles.Profile{Method: "GET", URL: "https://photos.example.net/initiate", Scheme: "oauth1",
			Fields: map[string]string{"consumer_key": "dpf43f3p2l4k3l03", "signature_method": "PLAINTEXT", "token": "nnch734d00sl2jdk", "realm": "Photos",
				"callback": "http://printer.example.com/ready", "consumer_secret": "kd94hf93k423kf44", "token_secret": "pfkkdhi9sl3r4s00"}},
		literals: []Literal{{Field: "consumer_secret", Where: "oauth_signature (PLAINTEXT) consumer secret", SuggestedEnv: "EXAMPLE_CONSUMER_SECRET"},
			{Field: "token_secret", Where: "oauth_signature (PLAINTEXT) token secret", SuggestedEnv: "EXAMPLE_TOKEN_SECRET"}}},
	{name: "a pasted Digest answer",
		line: `curl -H 'Authorization: Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf", response="753927fa"' https://example.org/dir/index.html`,
		want: profiles.Profile{Method: "GET", URL: "https://example.org/dir/index.html", Scheme: "digest",
			Fields: map[string]string{"username": "Mufasa", "password": "prompt", "algorithm": "SHA-256"}},
		notes: []string{"valid for one server nonce only"}},
	{name: "a pasted AWS4 signature",
		line: `curl -H 'X-Amz-Date: 20150830T123600Z' -H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7' https://iam.amazonaws.com/`,
		want: profiles.Profile{Method: "GET", URL: "https://iam.amazonaws.com/", Scheme: "sigv4",
			Headers: []profiles.Header{{Name: "X-Amz-Date", Value: "20150830T123600Z"}},
			Fields:  map[string]string{"access_key": "AKIDEXAMPLE", "region": "us-east-1", "service": "iam", "secret_key": "prompt"}},
		notes: []string{"valid for one date and request only"}},
	{name: "--aws-sigv4 takes region and service from the host",
		line:  `curl --aws-sigv4 aws:amz --user "$AK:$SK" https://sts.eu-west-1.amazonaws.com/`,
		want:  profiles.Profile{Method: "GET", URL: "https://sts.eu-west-1.amazonaws.com/", Scheme: "sigv4", Fields: map[string]string{"access_key": "env:AK", "secret_key": "env:SK", "region": "eu-west-1", "service": "sts"}},
		notes: []string{"curl takes them from the host (eu-west-1, sts)"}},
	{name: "--oauth2-bearer",
		line:     `curl --oauth2-bearer mF_9.B5f-4.1JqM https://h.example/`,
		want:     profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "bearer", Fields: map[string]string{"token": "mF_9.B5f-4.1JqM"}},
		literals: []Literal{{Field: "token", Where: "--oauth2-bearer", SuggestedEnv: "H_TOKEN"}}},
	{name: "a lone API-key header, any case",
		line:     `curl -H 'X-Api-Key: demo-api-key' http://127.0.0.1:8089/apikey`,
		want:     profiles.Profile{Method: "GET", URL: "http://127.0.0.1:8089/apikey", Scheme: "apikey", Fields: map[string]string{"name": "X-Api-Key", "value": "demo-api-key", "in": "header"}},
		literals: []Literal{{Field: "value", Where: "X-Api-Key header", SuggestedEnv: "API_KEY"}}},
	{name: "two API-key headers stay headers",
		line: `curl -H 'X-Api-Key: a1' -H 'X-Auth-Token: b2' https://h.example/`,
		want: profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none", Headers: []profiles.Header{{Name: "X-Api-Key", Value: "a1"}, {Name: "X-Auth-Token", Value: "b2"}}},
		literals: []Literal{{Field: "header X-Api-Key", Where: "X-Api-Key header", SuggestedEnv: "H_X_API_KEY"},
			{Field: "header X-Auth-Token", Where: "X-Auth-Token header", SuggestedEnv: "H_X_AUTH_TOKEN"}},
		notes: []string{"several API-key headers"}},
	{name: "an API key in the query held in a variable",
		line: `curl "https://api.openweathermap.org/data/2.5/weather?q=London&appid=$OWM_KEY&units=metric"`,
		want: profiles.Profile{Method: "GET", URL: "https://api.openweathermap.org/data/2.5/weather?q=London&units=metric", Scheme: "apikey",
			Fields: map[string]string{"name": "appid", "value": "env:OWM_KEY", "in": "query"}}},
	{name: "TLS options, cert password escapes, --pass",
		line: `curl --cert 'c\:a.pem:pw:with:colons' --key k.pem --pass "$KEY_PASS" --cacert ca.pem https://h.example/`,
		want: profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none",
			TLS: profiles.TLS{Cert: "c:a.pem", Key: "k.pem", CACert: "ca.pem", KeyPassword: "env:KEY_PASS"}}},
	{name: "a cert password typed as a literal",
		line:     `curl -E client.pem:hunter2 https://h.example/`,
		want:     profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none", TLS: profiles.TLS{Cert: "client.pem", KeyPassword: "hunter2"}},
		literals: []Literal{{Field: "tls.key_password", Where: "-E password", SuggestedEnv: "H_KEY_PASSWORD"}},
		notes:    []string{"-E without --key"}},
	{name: "-m and --max-redirs",
		line:    `curl -m 30 --max-redirs 3 -L https://h.example/`,
		want:    profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none", Timeout: 30 * time.Second, Follow: true},
		ignored: []string{"--max-redirs 3: authlab follows at most 10 redirects"}},
	{name: "environment assignments before curl",
		line:  `TOKEN=abc curl -H "Authorization: Bearer $TOKEN" https://h.example/`,
		want:  profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "bearer", Fields: map[string]string{"token": "env:TOKEN"}},
		notes: []string{"TOKEN=… before the command"}},
	{name: "a path to curl, and no curl at all",
		line:  `/usr/bin/curl https://h.example/ | jq .`,
		want:  profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none"},
		notes: []string{`ends at the unquoted '|'`}},
	{name: "arguments without curl",
		line: `-H 'X: 1' https://h.example/`,
		want: profiles.Profile{Method: "GET", URL: "https://h.example/", Scheme: "none", Headers: []profiles.Header{{Name: "X", Value: "1"}}}},
	{name: "${NAME} in the URL is no glob",
		line:   `curl "https://h.example/items?api_key=${API_KEY}&page=2"`,
		want:   profiles.Profile{Method: "GET", URL: "https://h.example/items?page=2", Scheme: "apikey", Fields: map[string]string{"name": "api_key", "value": "env:API_KEY", "in": "query"}},
		noNote: "expand {…}"},
	{name: "a glob in the URL",
		line:  `curl 'https://h.example/page/[1-3]'`,
		want:  profiles.Profile{Method: "GET", URL: "https://h.example/page/[1-3]", Scheme: "none"},
		notes: []string{"curl would expand {…} and […]"}},
	{name: "-F with ;type=",
		line: `curl -F 'meta={"a":1};type=application/json' -F 'x=y;bogus' https://h.example/`,
		want: profiles.Profile{Method: "POST", URL: "https://h.example/", Scheme: "none",
			Headers: []profiles.Header{{Name: "Content-Type", Value: "multipart/form-data; boundary=------------------------authlab3232c1c294968cf7"}},
			Body: "--------------------------authlab3232c1c294968cf7\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"a\":1}\r\n" +
				"--------------------------authlab3232c1c294968cf7\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n" +
				"--------------------------authlab3232c1c294968cf7--\r\n"},
		notes: []string{`curl skips the unknown form parameter "bogus"`}},
}

func TestParse(t *testing.T) { runCases(t, parseTests) }

// parseErrorTests are commands that cannot be imported, and the one-line
// error each gives.
var parseErrorTests = []struct {
	line, want string
}{
	{line: ``, want: "no curl command found: paste one, e.g. curl https://api.github.com/user"},
	{line: `curl -s`, want: "no URL in the curl command: add the URL to send to, e.g. https://api.github.com/user"},
	{line: `wget https://h.example/`, want: `the command starts with "wget", not curl: paste a curl command`},
	{line: `| jq`, want: `no curl command before "| jq": paste the command itself`},
	{line: `curl -H 'Accept`, want: "unterminated single quote starting at column 9: close it with '"},
	{line: `curl https://h.example/ -d`, want: `option -d needs a value: add it after the option (curl: "option -d: requires parameter")`},
	{line: `curl https://h.example/ --header`, want: `option --header needs a value: add it after the option (curl: "option --header: requires parameter")`},
	{line: `curl -d @- https://h.example/`, want: "-d @- reads standard input, which authlab does not have when it sends the request: save it to a file and use -d @FILE"},
	{line: `curl --data-binary @- https://h.example/`, want: "--data-binary @- reads standard input, which authlab does not have when it sends the request: save it to a file and use --data-binary @FILE"},
	{line: `curl --data-urlencode name@- https://h.example/`, want: "--data-urlencode name@- reads standard input, which authlab does not have when it sends the request: save it to a file and use --data-binary @FILE"},
	{line: `curl -H @h.txt https://h.example/`, want: `-H @h.txt reads the local file "h.txt" into the request, and authlab never reads a file named by an imported command: paste the headers instead, one -H 'Name: value' each`},
	{line: `curl -F 'text=<t.txt' https://h.example/`, want: `-F text=<t.txt reads the local file "t.txt" into the request, and authlab never reads a file named by an imported command: paste the field's content instead (-F text=CONTENT)`},
	{line: `curl --data-urlencode n@/proc/self/environ https://h.example/`, want: `--data-urlencode n@/proc/self/environ reads the local file "/proc/self/environ" into the request, and authlab never reads a file named by an imported command: paste the content to encode instead (--data-urlencode n=CONTENT)`},
	{line: `curl -d a=1 -d @f.txt https://h.example/`, want: `-d @f.txt reads the local file "f.txt" into the request, and authlab never reads a file named by an imported command: a body file is sent whole, without other data; put all of the body in the file, or paste its content`},
	{line: `curl -d @f.txt -d a=1 https://h.example/`, want: `-d @f.txt reads the local file "f.txt" into the request, and authlab never reads a file named by an imported command: a body file is sent whole, without other data (-d adds some); put all of the body in the file, or paste its content`},
	{line: `curl -G -d @q.txt https://h.example/`, want: `-G with -d @q.txt reads the local file "q.txt" into the request, and authlab never reads a file named by an imported command: paste the content for the query instead`},
	{line: `curl -d a -F b=c https://h.example/`, want: "-d and -F together: curl refuses them (you can only select one HTTP request method); keep one"},
	{line: `curl -I -d a https://h.example/`, want: "-I (HEAD) and -d together: curl refuses them (you can only select one HTTP request method); keep one, or add -G to send the data in the query"},
	{line: `curl -T f -d a https://h.example/`, want: "-T and a body option together: curl refuses them (you can only select one HTTP request method); keep one"},
	{line: `curl ftp.example.com/file`, want: "curl would use ftp:// for ftp.example.com/file: authlab sends HTTP only; write the URL with http:// or https://"},
	{line: `curl ftp://example.com/file`, want: `the URL "ftp://example.com/file" cannot be sent: URL scheme "ftp" is not supported: use https:// or http://`},
	{line: `curl "https://${HOST}/x"`, want: "the URL \"https://${HOST}/x\" holds the shell variable $HOST, which authlab does not expand: paste the URL itself"},
	{line: `curl -u :pat https://dev.azure.com/org/_apis/projects`, want: "the credentials have an empty user name and a password: authlab's basic needs a user name; add one (APIs that ignore it take any, e.g. -u x:PASSWORD)"},
	{line: `curl -m soon https://h.example/`, want: "-m soon: curl wants seconds, e.g. -m 30 or -m 2.5"},
	{line: `curl -H 'Bad Name: x' https://h.example/`, want: `-H "Bad Name: x": "Bad Name" is not a valid header name: write headers as 'Name: value'`},
	{line: `curl -H $'X: a\nb' https://h.example/`, want: "header X has a line break or control character in its value: remove it"},
	{line: `curl -X 'GE T' https://h.example/`, want: `"GE T" is not an HTTP method: check -X`},
	{line: `curl -F novalue https://h.example/`, want: `-F novalue: write a form field as name=value (curl: "Illegally formatted input field")`},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range parseErrorTests {
		im, err := ParseCommand(tt.line, Options{})
		if err == nil {
			t.Errorf("ParseCommand(%q) = %+v; want error %q", tt.line, im.Profile, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("ParseCommand(%q) error = %q; want %q", tt.line, err, tt.want)
		}
	}
}

// TestParseArgs: ParseArgs takes words already split, literal or not.
func TestParseArgs(t *testing.T) {
	im, err := ParseArgs(shell.Lits("-u", "$USER:x", "https://h.example/"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := im.Profile.Fields["username"]; got != "$USER" {
		t.Errorf("ParseArgs(literal $USER) username = %q; want the text %q", got, "$USER")
	}
	c, err := shell.Split(`-u "$U:$P" https://h.example/`)
	if err != nil {
		t.Fatal(err)
	}
	im, err = ParseArgs(c.Words, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if u, p := im.Profile.Fields["username"], im.Profile.Fields["password"]; u != "env:U" || p != "env:P" {
		t.Errorf("ParseArgs($U:$P) = %q, %q; want env:U, env:P", u, p)
	}
}

var escapeTests = []struct{ in, want string }{
	{"", ""},
	{"abcXYZ019-._~", "abcXYZ019-._~"},
	{"a b&c=d/é", "a%20b%26c%3Dd%2F%C3%A9"},
	{"\x00\xff", "%00%FF"},
}

func TestEscape(t *testing.T) {
	for _, tt := range escapeTests {
		if got := escape([]byte(tt.in)); got != tt.want {
			t.Errorf("escape(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

var splitCertTests = []struct {
	in, file string
	at       int
}{
	{"client.pem", "client.pem", -1},
	{"client.pem:pw", "client.pem", 11},
	{"client.pem:", "client.pem", -1},
	{`c\:x.pem:p:q`, "c:x.pem", 9},
	{`c\\d.pem`, `c\d.pem`, -1},
	{"pkcs11:token=a;object=b", "pkcs11:token=a;object=b", -1},
}

func TestSplitCert(t *testing.T) {
	for _, tt := range splitCertTests {
		if file, at := splitCert(tt.in); file != tt.file || at != tt.at {
			t.Errorf("splitCert(%q) = %q, %d; want %q, %d", tt.in, file, at, tt.file, tt.at)
		}
	}
}

var authParamsTests = []struct {
	in   string
	want []authParam
}{
	{`a="1", b=2`, []authParam{{"a", "1"}, {"b", "2"}}},
	{`Realm="x, y", q="a\"b"`, []authParam{{"realm", "x, y"}, {"q", `a"b`}}},
	{`,, bare, c = "3" ,`, []authParam{{"c", "3"}}},
	{`Credential=AK/2015/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date`, []authParam{{"credential", "AK/2015/us-east-1/iam/aws4_request"}, {"signedheaders", "host;x-amz-date"}}},
}

func TestAuthParams(t *testing.T) {
	for _, tt := range authParamsTests {
		if got := authParams(tt.in); !equalParams(got, tt.want) {
			t.Errorf("authParams(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func equalParams(a, b []authParam) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestOptionTable: the embedded table is sorted (lookupLong searches it)
// and agrees with the installed curl's own --help all: every option it
// lists is known, with the same letter and the same need for an argument.
func TestOptionTable(t *testing.T) {
	if !sort.SliceIsSorted(curlOptions, func(i, j int) bool { return curlOptions[i].long < curlOptions[j].long }) {
		t.Fatal("curlOptions is not sorted by name")
	}
	curlBin := testenv.Program(t, "curl", "curl")
	out, err := exec.Command(curlBin, "--help", "all").Output()
	if err != nil {
		t.Fatalf("curl --help all: %v", err)
	}
	// " -d, --data <data>   HTTP POST data", "     --proxy [protocol://]host[:port] Use this proxy"
	re := regexp.MustCompile(`^ *(?:-(.), )?--([a-z0-9.-]+)(?: ([<\[]))?`)
	n := 0
	for _, l := range strings.Split(string(out), "\n") {
		m := re.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n++
		name, short, takes := m[2], m[1], m[3] != ""
		if name == "help" {
			continue // its category is optional; the table reads -h alone
		}
		o, ok := lookupLong(name)
		if !ok && strings.HasPrefix(name, "no-") {
			o, ok = lookupLong(name[3:])
		}
		if !ok {
			t.Errorf("curl knows --%s; the table does not", name)
			continue
		}
		if (o.kind == kindValue) != takes {
			t.Errorf("--%s: the table says takes a value = %v; curl --help says %v", name, o.kind == kindValue, takes)
		}
		if short != "" && string(o.short) != short && name != "include" {
			t.Errorf("--%s: the table's letter is %q; curl's is %q", name, o.short, short)
		}
	}
	if n < 200 {
		t.Fatalf("read only %d options from curl --help all", n)
	}
}

// TestIgnoredSayWhy: every option read as output-only comes with a reason.
func TestIgnoredSayWhy(t *testing.T) {
	for _, o := range curlOptions {
		if _, ok := outputOnly[o.long]; !ok {
			continue
		}
		args := []string{"--" + o.long}
		if o.kind == kindValue {
			args = append(args, "v")
		}
		im, err := ParseArgs(shell.Lits(append(args, "https://h.example/")...), Options{})
		if err != nil {
			t.Fatalf("ParseArgs(%q): %v", args, err)
		}
		if len(im.Ignored) != 1 || strings.HasSuffix(im.Ignored[0], ": ") {
			t.Errorf("ParseArgs(%q).Ignored = %q; want one entry with a reason", args, im.Ignored)
		}
	}
}

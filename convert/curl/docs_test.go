package curl

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
)

// docsTests are curl commands as API documentation prints them. They were
// reproduced from the providers' pages (GitHub's "Get the authenticated
// user" and "Authenticating to the REST API", Stripe's API reference,
// Twitter's "Authorizing a request" and v2 quick start, Twilio's and
// Slack's message examples, curl's own --aws-sigv4, --json and -F
// documentation), with their continuations and quoting, from memory where
// the page was not at hand; the secrets in them are the docs' own samples.
// Each case gives the whole profile, Unknown and Literals, and notes that
// must be among Notes.
var docsTests = []importCase{
	{
		name: "GitHub REST, Bearer, as docs.github.com prints it",
		line: "curl -L \\\n  -H \"Accept: application/vnd.github+json\" \\\n  -H \"Authorization: Bearer <YOUR-TOKEN>\" \\\n  -H \"X-GitHub-Api-Version: 2022-11-28\" \\\n  https://api.github.com/user",
		want: profiles.Profile{Method: "GET", URL: "https://api.github.com/user", Scheme: "bearer",
			Headers: []profiles.Header{{Name: "Accept", Value: "application/vnd.github+json"}, {Name: "X-GitHub-Api-Version", Value: "2022-11-28"}},
			Fields:  map[string]string{"token": "<YOUR-TOKEN>"}, Follow: true},
		literals: []Literal{{Field: "token", Where: "Authorization header", SuggestedEnv: "GITHUB_TOKEN"}},
		notes:    []string{"looks like a placeholder"},
	},
	{
		name: "GitHub Enterprise docs: --request --url --header",
		line: "curl --request GET \\\n--url \"https://api.github.com/octocat\" \\\n--header \"Authorization: Bearer $GITHUB_TOKEN\"",
		want: profiles.Profile{Method: "GET", URL: "https://api.github.com/octocat", Scheme: "bearer",
			Fields: map[string]string{"token": "env:GITHUB_TOKEN"}},
	},
	{
		name: "GitHub Basic",
		line: "curl -u USERNAME:TOKEN https://api.github.com/user",
		want: profiles.Profile{Method: "GET", URL: "https://api.github.com/user", Scheme: "basic",
			Fields: map[string]string{"username": "USERNAME", "password": "TOKEN"}},
		literals: []Literal{{Field: "password", Where: "-u password", SuggestedEnv: "GITHUB_PASSWORD"}},
		notes:    []string{"-u password TOKEN looks like a placeholder"},
	},
	{
		name: "GitHub Basic from variables",
		line: `curl -u "$GITHUB_USER:$GITHUB_TOKEN" https://api.github.com/user`,
		want: profiles.Profile{Method: "GET", URL: "https://api.github.com/user", Scheme: "basic",
			Fields: map[string]string{"username": "env:GITHUB_USER", "password": "env:GITHUB_TOKEN"}},
	},
	{
		name: "Stripe: the key as user name, empty password",
		line: "curl https://api.stripe.com/v1/charges \\\n  -u sk_test_4eC39HqLyjWDarjtT1zdp7dc: \\\n  -d amount=2000 \\\n  -d currency=usd \\\n  -d source=tok_mastercard \\\n  -d description=\"My First Test Charge (created for API docs)\"",
		want: profiles.Profile{Method: "POST", URL: "https://api.stripe.com/v1/charges", Scheme: "basic",
			Headers: []profiles.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}},
			Body:    "amount=2000&currency=usd&source=tok_mastercard&description=My First Test Charge (created for API docs)",
			Fields:  map[string]string{"username": "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "password": ""}},
		literals: []Literal{{Field: "username", Where: "-u user name (an API key, empty password)", SuggestedEnv: "STRIPE_API_KEY"}},
	},
	{
		name: "Stripe list: -G moves -d into the query",
		line: "curl -G https://api.stripe.com/v1/charges \\\n  -u \"sk_test_4eC39HqLyjWDarjtT1zdp7dc:\" \\\n  -d limit=3 \\\n  -d \"created[gte]\"=1700000000",
		want: profiles.Profile{Method: "GET", URL: "https://api.stripe.com/v1/charges?limit=3&created[gte]=1700000000", Scheme: "basic",
			Fields: map[string]string{"username": "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "password": ""}},
		literals: []Literal{{Field: "username", Where: "-u user name (an API key, empty password)", SuggestedEnv: "STRIPE_API_KEY"}},
	},
	{
		name: "AWS API Gateway with --aws-sigv4 (curl's documentation)",
		line: `curl --aws-sigv4 "aws:amz:us-east-1:execute-api" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets`,
		want: profiles.Profile{Method: "GET", URL: "https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets", Scheme: "sigv4",
			Fields: map[string]string{"access_key": "env:AWS_ACCESS_KEY_ID", "secret_key": "env:AWS_SECRET_ACCESS_KEY", "region": "us-east-1", "service": "execute-api"}},
	},
	{
		name: "AWS with a session token",
		line: "curl --aws-sigv4 \"aws:amz:us-east-1:execute-api\" \\\n  --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\" \\\n  -H \"x-amz-security-token: $AWS_SESSION_TOKEN\" \\\n  -H 'Content-Type: application/json' -d '{\"name\":\"rex\"}' \\\n  https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets",
		want: profiles.Profile{Method: "POST", URL: "https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets", Scheme: "sigv4",
			Headers: []profiles.Header{{Name: "Content-Type", Value: "application/json"}}, Body: `{"name":"rex"}`,
			Fields: map[string]string{"access_key": "env:AWS_ACCESS_KEY_ID", "secret_key": "env:AWS_SECRET_ACCESS_KEY", "session_token": "env:AWS_SESSION_TOKEN",
				"region": "us-east-1", "service": "execute-api"}},
	},
	{
		name: "AWS keys typed as literals",
		line: `curl --aws-sigv4 aws:amz:us-east-1:iam --user AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"`,
		want: profiles.Profile{Method: "GET", URL: "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", Scheme: "sigv4",
			Fields: map[string]string{"access_key": "AKIDEXAMPLE", "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "region": "us-east-1", "service": "iam"}},
		literals: []Literal{{Field: "secret_key", Where: "--user secret key", SuggestedEnv: "AWS_SECRET_ACCESS_KEY"}},
	},
	{
		name: "Twitter v1.1: a pre-signed OAuth 1.0a header",
		line: "curl --request POST \\\n  --url 'https://api.twitter.com/1.1/statuses/update.json?status=hello' \\\n  --header 'authorization: OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"tnnArxj06cWHq44gCs1OSKk%2FjY%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\"'",
		want: profiles.Profile{Method: "POST", URL: "https://api.twitter.com/1.1/statuses/update.json?status=hello", Scheme: "oauth1",
			Fields: map[string]string{"consumer_key": "xvz1evFS4wEEPTGEFPHBog", "token": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
				"signature_method": "HMAC-SHA1", "consumer_secret": "prompt", "token_secret": "prompt"}},
		notes: []string{"valid for one nonce and timestamp only; authlab re-signs each request"},
	},
	{
		name: "Twitter v2 quick start: Bearer $BEARER_TOKEN in single quotes",
		line: "curl --request GET 'https://api.twitter.com/2/tweets/search/recent?query=from:twitterdev' --header 'Authorization: Bearer $BEARER_TOKEN'",
		want: profiles.Profile{Method: "GET", URL: "https://api.twitter.com/2/tweets/search/recent?query=from:twitterdev", Scheme: "bearer",
			Fields: map[string]string{"token": "$BEARER_TOKEN"}},
		literals: []Literal{{Field: "token", Where: "Authorization header", SuggestedEnv: "BEARER_TOKEN"}},
		notes:    []string{"single quotes kept the shell from expanding it"},
	},
	{
		name: "Twitter v2 with the variable expanded",
		line: `curl "https://api.twitter.com/2/users/by/username/TwitterDev" -H "Authorization: Bearer $BEARER_TOKEN"`,
		want: profiles.Profile{Method: "GET", URL: "https://api.twitter.com/2/users/by/username/TwitterDev", Scheme: "bearer",
			Fields: map[string]string{"token": "env:BEARER_TOKEN"}},
	},
	{
		name: "Twilio: -u SID:TOKEN and --data-urlencode",
		line: "curl -X POST \"https://api.twilio.com/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Messages.json\" \\\n--data-urlencode \"Body=Hi there\" \\\n--data-urlencode \"From=+15017122661\" \\\n--data-urlencode \"To=+15558675310\" \\\n-u ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:your_auth_token",
		want: profiles.Profile{Method: "POST", URL: "https://api.twilio.com/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Messages.json", Scheme: "basic",
			Headers: []profiles.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}},
			Body:    "Body=Hi+there&From=%2B15017122661&To=%2B15558675310",
			Fields:  map[string]string{"username": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "password": "your_auth_token"}},
		literals: []Literal{{Field: "password", Where: "-u password", SuggestedEnv: "TWILIO_PASSWORD"}},
	},
	{
		name: "Twilio with variables, unquoted",
		line: "curl -X POST https://api.twilio.com/2010-04-01/Accounts/$TWILIO_ACCOUNT_SID/Messages.json \\\n--data-urlencode \"Body=Hi there\" \\\n-u $TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN",
		want: profiles.Profile{Method: "POST", URL: "https://api.twilio.com/2010-04-01/Accounts/$TWILIO_ACCOUNT_SID/Messages.json", Scheme: "basic",
			Headers: []profiles.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}},
			Body:    "Body=Hi+there",
			Fields:  map[string]string{"username": "env:TWILIO_ACCOUNT_SID", "password": "env:TWILIO_AUTH_TOKEN"}},
		notes: []string{"the URL holds $TWILIO_ACCOUNT_SID, kept as text"},
	},
	{
		name: "Slack: Bearer token, JSON body with its own Content-type",
		line: `curl -X POST -H 'Authorization: Bearer xoxb-1234-56789abcdefghijklmnop' -H 'Content-type: application/json' --data '{"channel":"C123ABC456","text":"I hope the tour went well, Mr. Wonka."}' https://slack.com/api/chat.postMessage`,
		want: profiles.Profile{Method: "POST", URL: "https://slack.com/api/chat.postMessage", Scheme: "bearer",
			Headers: []profiles.Header{{Name: "Content-type", Value: "application/json"}},
			Body:    `{"channel":"C123ABC456","text":"I hope the tour went well, Mr. Wonka."}`,
			Fields:  map[string]string{"token": "xoxb-1234-56789abcdefghijklmnop"}},
		literals: []Literal{{Field: "token", Where: "Authorization header", SuggestedEnv: "SLACK_TOKEN"}},
	},
	{
		name: "Slack webhook with $'…' quoting",
		line: `curl -X POST -H 'Content-type: application/json' --data $'{\n  "text": "It\'s here"\n}' https://hooks.slack.com/services/T000/B000/XXXX`,
		want: profiles.Profile{Method: "POST", URL: "https://hooks.slack.com/services/T000/B000/XXXX", Scheme: "none",
			Headers: []profiles.Header{{Name: "Content-type", Value: "application/json"}},
			Body:    "{\n  \"text\": \"It's here\"\n}"},
	},
	{
		name: "OpenAI: --json-free JSON with a Bearer variable",
		line: "curl https://api.openai.com/v1/chat/completions \\\n  -H \"Content-Type: application/json\" \\\n  -H \"Authorization: Bearer $OPENAI_API_KEY\" \\\n  -d '{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}'",
		want: profiles.Profile{Method: "POST", URL: "https://api.openai.com/v1/chat/completions", Scheme: "bearer",
			Headers: []profiles.Header{{Name: "Content-Type", Value: "application/json"}},
			Body:    `{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}]}`,
			Fields:  map[string]string{"token": "env:OPENAI_API_KEY"}},
	},
	{
		name: "Anthropic: an API key header",
		line: "curl https://api.anthropic.com/v1/messages \\\n     --header \"x-api-key: $ANTHROPIC_API_KEY\" \\\n     --header \"anthropic-version: 2023-06-01\" \\\n     --header \"content-type: application/json\" \\\n     --data '{\"model\": \"claude\", \"max_tokens\": 1024}'",
		want: profiles.Profile{Method: "POST", URL: "https://api.anthropic.com/v1/messages", Scheme: "apikey",
			Headers: []profiles.Header{{Name: "anthropic-version", Value: "2023-06-01"}, {Name: "content-type", Value: "application/json"}},
			Body:    `{"model": "claude", "max_tokens": 1024}`,
			Fields:  map[string]string{"name": "x-api-key", "value": "env:ANTHROPIC_API_KEY", "in": "header"}},
	},
	{
		name:     "Google: API key in the query, kept in the URL",
		line:     `curl "https://www.googleapis.com/youtube/v3/search?part=snippet&q=cats&key=YOUR_API_KEY"`,
		want:     profiles.Profile{Method: "GET", URL: "https://www.googleapis.com/youtube/v3/search?part=snippet&q=cats&key=YOUR_API_KEY", Scheme: "none"},
		literals: []Literal{{Field: "query key", Where: "key in the URL query", SuggestedEnv: "GOOGLEAPIS_KEY"}},
		notes:    []string{"looks like a placeholder"},
	},
	{
		name: "curl's --json",
		line: `$ curl --json '{"tool": "curl"}' https://example.com/`,
		want: profiles.Profile{Method: "POST", URL: "https://example.com/", Scheme: "none",
			Headers: []profiles.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Accept", Value: "application/json"}},
			Body:    `{"tool": "curl"}`},
		notes: []string{`prompt "$ "`},
	},
	{
		name: "-G --data-urlencode",
		line: `curl -G --data-urlencode "q=rust lang" --data-urlencode "page=2" https://api.example.com/search`,
		want: profiles.Profile{Method: "GET", URL: "https://api.example.com/search?q=rust+lang&page=2", Scheme: "none"},
	},
	{
		name:  "-F text fields and a file",
		line:  `curl -F name=John -F shoesize=11 -F profile=@portrait.jpg https://example.com/upload.cgi`,
		want:  profiles.Profile{Method: "POST", URL: "https://example.com/upload.cgi", Scheme: "none"},
		notes: []string{"-F profile=@portrait.jpg: file uploads are not imported; the body was dropped"},
	},
	{
		name: "-F text fields only",
		line: `curl -F name=John -F shoesize=11 https://example.com/`,
		want: profiles.Profile{Method: "POST", URL: "https://example.com/", Scheme: "none",
			Headers: []profiles.Header{{Name: "Content-Type", Value: "multipart/form-data; boundary=------------------------authlab78c62566dd8c6f1f"}},
			Body:    "--------------------------authlab78c62566dd8c6f1f\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nJohn\r\n--------------------------authlab78c62566dd8c6f1f\r\nContent-Disposition: form-data; name=\"shoesize\"\r\n\r\n11\r\n--------------------------authlab78c62566dd8c6f1f--\r\n"},
	},
	{
		name: "options authlab does not carry, and output-only ones",
		line: `curl -sSf -o out.json -w '%{http_code}' --proxy http://p:3128 --retry 3 -k --cacert ca.pem --cert client.pem:s3cret --key client-key.pem -m 2.5 --connect-timeout 5 --location-trusted --compressed https://internal.example.com/health`,
		want: profiles.Profile{Method: "GET", URL: "https://internal.example.com/health", Scheme: "none",
			TLS:     profiles.TLS{Insecure: true, CACert: "ca.pem", Cert: "client.pem", Key: "client-key.pem", KeyPassword: "s3cret"},
			Timeout: 2500 * time.Millisecond, Follow: true},
		unknown: []string{"--proxy http://p:3128", "--retry 3"},
		ignored: []string{"-s: changes only what curl prints", "-S: changes only what curl prints",
			"-f: changes only curl's exit code; authlab's follows the status (4 for 4xx)",
			"-o out.json: curl writes the body to a file; authlab shows it",
			"-w '%{http_code}': curl's report format; authlab shows status and timing itself",
			"--connect-timeout 5: authlab has one timeout for the whole exchange (-m)",
			"--compressed: Go asks for gzip and decompresses the answer itself"},
		literals: []Literal{{Field: "tls.key_password", Where: "--cert password", SuggestedEnv: "EXAMPLE_KEY_PASSWORD"}},
		notes:    []string{"never sends credentials to another origin"},
	},
	{
		name: "user:password in the URL",
		line: `curl https://octocat:hunter2@api.github.com/user`,
		want: profiles.Profile{Method: "GET", URL: "https://api.github.com/user", Scheme: "basic",
			Fields: map[string]string{"username": "octocat", "password": "hunter2"}},
		literals: []Literal{{Field: "password", Where: "password in the URL", SuggestedEnv: "GITHUB_PASSWORD"}},
		notes:    []string{"removed from the URL"},
	},
	{
		name: "Digest, password asked for",
		line: `curl --digest -u Mufasa https://example.org/dir/index.html`,
		want: profiles.Profile{Method: "GET", URL: "https://example.org/dir/index.html", Scheme: "digest",
			Fields: map[string]string{"username": "Mufasa", "password": "prompt"}},
		notes: []string{"curl asks for it, and so does authlab (prompt)"},
	},
}

// importCase is one command and everything its import must give.
type importCase struct {
	name     string
	line     string
	want     profiles.Profile
	unknown  []string
	ignored  []string // checked when not nil
	literals []Literal
	notes    []string // substrings, each of some note
	noNote   string   // a substring no note may contain
}

func TestDocs(t *testing.T) { runCases(t, docsTests) }

func runCases(t *testing.T, cases []importCase) {
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			im, err := ParseCommand(tt.line, Options{})
			if err != nil {
				t.Fatalf("ParseCommand(%q): %v", tt.line, err)
			}
			if !reflect.DeepEqual(im.Profile, tt.want) {
				t.Errorf("ParseCommand(%q).Profile =\n%#v\nwant\n%#v", tt.line, im.Profile, tt.want)
			}
			if !reflect.DeepEqual(im.Unknown, tt.unknown) {
				t.Errorf("ParseCommand(%q).Unknown = %q; want %q", tt.line, im.Unknown, tt.unknown)
			}
			if tt.ignored != nil && !reflect.DeepEqual(im.Ignored, tt.ignored) {
				t.Errorf("ParseCommand(%q).Ignored = %q; want %q", tt.line, im.Ignored, tt.ignored)
			}
			if !reflect.DeepEqual(im.Literals, tt.literals) {
				t.Errorf("ParseCommand(%q).Literals = %+v; want %+v", tt.line, im.Literals, tt.literals)
			}
			all := strings.Join(im.Notes, "\n")
			if tt.noNote != "" && strings.Contains(all, tt.noNote) {
				t.Errorf("ParseCommand(%q).Notes = %q; want none containing %q", tt.line, im.Notes, tt.noNote)
			}
			for _, n := range tt.notes {
				if !strings.Contains(all, n) {
					t.Errorf("ParseCommand(%q).Notes = %q; want one containing %q", tt.line, im.Notes, n)
				}
			}
			if _, err := authn.ParseURL(im.Profile.URL); err != nil {
				t.Errorf("ParseCommand(%q): URL %q does not parse: %v", tt.line, im.Profile.URL, err)
			}
		})
	}
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/collection"
	"github.com/authlab/authlab/convert/importfile"
	"github.com/authlab/authlab/convert/openapi"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/spf13/cobra"
)

// fileImportFlags are the flags every file format's import takes.
type fileImportFlags struct {
	saveTo       string
	dryRun       bool
	environments []string // postman: environment files
	discover     bool     // openapi: fetch openIdConnect discovery documents
}

// discoverFetcher fetches an OpenID Connect discovery document for the
// OpenAPI importer through the engine (the one HTTP client), without
// credentials, its body capped at openapi.MaxDiscovery.
func discoverFetcher() func(context.Context, string) ([]byte, error) {
	return func(ctx context.Context, url string) ([]byte, error) {
		e := authn.New(authn.Options{MaxBody: openapi.MaxDiscovery + 1, Follow: true})
		defer e.Close()
		res, err := e.Exchange(ctx, authn.Request{Method: "GET", URL: url, Scheme: "none", Header: http.Header{"Accept": {"application/json"}}})
		if err != nil {
			return nil, err
		}
		r := res.Final().Response
		if r.Status/100 != 2 {
			return nil, fmt.Errorf("%s answered %d", url, r.Status)
		}
		return r.Body, nil
	}
}

// importFormat is one file format `authlab import` reads: its command's
// texts; the reading is convert/importfile's (shared with the TUI).
type importFormat struct {
	name, use, short, long, example string
}

// importFormats lists the file formats, one row each: a new format is a
// package under convert/, a row in importfile.Formats and a row here.
func importFormats() []importFormat {
	return []importFormat{
		{
			name: "postman", use: "postman COLLECTION.json [--environment ENV.json]...",
			short: "Read a Postman collection (v2.0 or v2.1) and its environments into profiles",
			long: `import postman reads a Postman collection exported as v2.0 or v2.1 JSON.
Folders become groups and requests become profiles below --save-to; auth
set on the collection or a folder is inherited as in Postman (absent auth
inherits, "No Auth" opts out). Collection variables and each --environment
file become authlab environments; {{variables}} stay variables. Secret
values are never copied: they become env: references you set before
sending. Auth types authlab lacks, scripts and file parts are listed, not
dropped.`,
			example: `  authlab import postman Twilio.postman_collection.json --environment prod.postman_environment.json
  authlab import postman api.json --dry-run`,
		},
		{
			name: "openapi", use: "openapi DOCUMENT.{json,yaml}",
			short: "Read an OpenAPI 3.0/3.1 document's security schemes into profile skeletons",
			long: `import openapi reads an OpenAPI 3.0 or 3.1 document (JSON or YAML) and
makes a profile per operation, grouped by tag, with the scheme its
security requirement names (apiKey, http basic/bearer/digest, oauth2
flows with their URLs and scopes) and prompt placeholders for the
credentials. servers[0] becomes the base_url variable of an environment.`,
			example: `  authlab import openapi petstore.yaml --save-to petstore
  authlab import openapi openapi.json --dry-run`,
		},
		{
			name: "http", use: "http FILE.http",
			short: "Read a .http / .rest file (JetBrains HTTP Client, VS Code REST Client) into profiles",
			long: `import http reads a .http or .rest file in the JetBrains HTTP Client or
VS Code REST Client dialect: its requests, @var = value lines, {{var}},
and the Authorization: Basic/Digest user pass shorthands. The JetBrains
environment files beside it (http-client.env.json and
http-client.private.env.json) become authlab environments; the private
file's values become env: references, never copied.`,
			example: `  authlab import http requests.http --save-to api
  authlab import http api.rest --dry-run`,
		},
	}
}

func newImportFile(env Env, f importFormat) *cobra.Command {
	var x fileImportFlags
	cmd := &cobra.Command{
		Use: f.use, Short: f.short, Long: f.long + `

Nothing is written with --dry-run: the report says what would be. Without
it, every profile and environment is checked first, and nothing is
written when one of them exists already.`,
		Example: f.example,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return inputErr(fmt.Errorf("one file expected, got %d: authlab import %s FILE", len(args), f.name))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImportFile(cmd.Context(), env, f, &x, args[0])
		},
	}
	cmd.Flags().StringVar(&x.saveTo, "save-to", "", "the group the profiles are saved under (default: named after the file)")
	cmd.Flags().BoolVar(&x.dryRun, "dry-run", false, "print what would be imported; write nothing")
	if f.name == "openapi" {
		cmd.Flags().BoolVar(&x.discover, "discover", false, "fetch each openIdConnect scheme's discovery document (.well-known/openid-configuration) to fill its URLs")
	}
	if f.name == "postman" {
		cmd.Flags().StringArrayVar(&x.environments, "environment", nil, "a Postman environment file to import with the collection (repeat)")
	}
	return cmd
}

func runImportFile(ctx context.Context, env Env, f importFormat, x *fileImportFlags, path string) error {
	format, _ := importfile.Lookup(f.name)
	o := importfile.Options{Environments: x.environments}
	if x.discover {
		o.Discover = discoverFetcher()
	}
	res, group, err := importfile.Load(ctx, path, format, o, x.saveTo)
	if err != nil {
		return inputErr(errors.New(sanitize.Line(err.Error())))
	}
	if !x.dryRun {
		store, err := env.store()
		if err != nil {
			return inputErr(err)
		}
		if err := importfile.Save(store, res); err != nil {
			return inputErr(err)
		}
	}
	writeImportReport(env.Stdout, res, group, x.dryRun)
	return nil
}

// writeImportReport prints what an import made: every profile, every
// environment, what could not be mapped and the notes. Everything that
// came from the file goes through the sanitizer: it is somebody else's text.
func writeImportReport(w io.Writer, res collection.Result, group string, dry bool) {
	full, total := res.Full()
	verb := "saved"
	if dry {
		verb = "would save (--dry-run: nothing written)"
	}
	fmt.Fprintf(w, "%s: %d requests, %d mapped fully; %s under %s/\n", sanitize.Line(res.Format), total, full, verb, sanitize.Line(group))
	width := 0
	for _, p := range res.Profiles {
		width = max(width, len(p.Name))
	}
	for _, p := range res.Profiles {
		scheme := p.Scheme
		if scheme == "" {
			scheme = "none"
		}
		fmt.Fprintf(w, "  %-*s  %-7s %-6s %s\n", width, sanitize.Line(p.Name), sanitize.Line(p.Method), scheme, sanitize.Line(p.URL))
	}
	for _, e := range res.Environments {
		secret := 0
		for _, v := range e.Vars {
			if v.Secret || profiles.IsRef(v.Value) {
				secret++
			}
		}
		fmt.Fprintf(w, "environment %s: %d variables, %d of them references (set them before sending)\n", sanitize.Line(e.Name), len(e.Vars), secret)
	}
	if len(res.Unmapped) > 0 {
		fmt.Fprintf(w, "not mapped (%d):\n", len(res.Unmapped))
		for _, u := range res.Unmapped {
			where := u.Where
			if u.Profile != "" && where == "" {
				where = u.Profile
			}
			fmt.Fprintf(w, "  %s: %s\n", sanitize.Line(where), sanitize.Line(u.What))
		}
	}
	for _, n := range res.Notes {
		fmt.Fprintln(w, "note: "+sanitize.Line(n))
	}
	if len(res.Profiles) > 0 && !dry {
		env := ""
		if len(res.Environments) > 0 {
			env = " --env " + res.Environments[0].Name
		}
		fmt.Fprintf(w, "next: authlab send --profile %s%s\n", sanitize.Line(res.Profiles[0].Name), sanitize.Line(env))
	}
}

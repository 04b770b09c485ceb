// Package httpfile reads and writes .http and .rest request files, in the
// two dialects people keep in their repositories: the JetBrains HTTP
// Client's ("HTTP Request in Editor" specification,
// github.com/JetBrains/http-request-in-editor-spec) and the VS Code REST
// Client's (its README is the reference), with httpYac's habit of
// requests without ### between them.
//
// Import makes one profile per request: "###" separates requests and names
// them (spec §2.5), "# @name" and "// @name" too; the request line may
// leave out the method (GET, §3.2.1) and continue over indented lines
// (§3.2.1.3) or "?"/"&" lines (REST Client); headers run to the first blank
// line, the body to the next separator, trimmed (§4.2.2). The
// Authorization shorthands become schemes: Basic USER PASSWORD, Basic
// USER:PASSWORD and Basic base64, Digest USER PASSWORD, Bearer TOKEN, AWS
// KEY SECRET [token:…] [region:…] [service:…], and JetBrains'
// Bearer {{$auth.token("id")}} with its Security.Auth OAuth 2.0
// configuration. {{name}} variables stay; REST Client file variables
// (@name = value) become each profile's defaults, the environment files
// (http-client.env.json, http-client.private.env.json, or the
// rest-client.environmentVariables object of a VS Code settings file)
// become Environments. {{$processEnv X}}, {{$dotenv X}} and {{$env.X}}
// become env:X references. A secret typed into a file (a password, a
// token, a client secret, an API key, anything in the private file) is
// never copied: it becomes env:NAME, named as convert/internal/envname
// names it, and a Note says to set NAME. What authlab cannot express
// (response handler scripts, >> redirections, request variables,
// generated values such as {{$uuid}}, NTLM) is listed in Unmapped.
//
// Export writes profiles back as a file both clients read, with no secret
// in it; ExportEnv writes the environments' non-secret variables as an
// http-client.env.json.
//
// Import parses only: it reads no file a request names (< ./body.json
// becomes body_file, read at send time) and sends nothing.
package httpfile

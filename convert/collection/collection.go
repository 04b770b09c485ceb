// Package collection is what every importer of a file format (Postman
// collections, OpenAPI documents, .http files) hands to `authlab import`:
// profiles, environments, and what could not be mapped. An importer only
// parses; saving, printing and --dry-run are the command's.
package collection

import "github.com/authlab/authlab/profiles"

// Result is what an importer made of one file.
type Result struct {
	// Format names the format and version read: "Postman collection v2.1",
	// "OpenAPI 3.1", "JetBrains HTTP Client".
	Format string
	// Profiles are the requests, in the file's order. Name is the profile's
	// path below the group given with --save-to, folders as groups
	// ("users/get-user"), accepted by profiles.ValidateName and
	// unique within the result. {{var}} stays as written; secret values are
	// references (env:NAME or prompt), never literals.
	Profiles []profiles.Profile
	// Environments are the variable sets the file held or implied
	// (Postman environments and collection variables, OpenAPI servers,
	// http-client.env.json environments).
	Environments []profiles.Environment
	// Unmapped lists what was read but could not be expressed, one entry
	// per thing, so that nothing is dropped silently.
	Unmapped []Unmapped
	// Notes are other things the user should know ("the client secret is
	// kept as env:PETSTORE_CLIENT_SECRET: set it before sending").
	Notes []string
}

// Unmapped is one thing an importer could not express.
type Unmapped struct {
	// Profile is the Name of the profile it belongs to, "" when it belongs
	// to the file or a folder as a whole.
	Profile string
	// Where says where in the file it was: "folder Users", "request
	// Users/Get user", "securitySchemes.hawk".
	Where string
	// What says what could not be mapped, and why: "auth type hawk:
	// authlab has no Hawk scheme yet".
	What string
}

// Full reports how many of r's profiles were mapped with nothing left
// out (no Unmapped entry names them), for the closing figures: "31 of 34
// requests mapped fully".
func (r Result) Full() (full, total int) {
	partial := map[string]bool{}
	for _, u := range r.Unmapped {
		if u.Profile != "" {
			partial[u.Profile] = true
		}
	}
	for _, p := range r.Profiles {
		if !partial[p.Name] {
			full++
		}
	}
	return full, len(r.Profiles)
}

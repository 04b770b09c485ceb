package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/authlab/authlab/convert/httpfile"
	"github.com/authlab/authlab/convert/postman"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/google/renameio/v2"
)

// collectionFormat is an export target that holds many requests and the
// environments beside them: a file to hand to a colleague who uses
// another tool, not a program that sends one request.
type collectionFormat struct {
	name string
	what string
	// write renders the profiles and environments; name is the
	// collection's name (Postman shows it), practice what {{practice}}
	// stands for.
	write func(name string, ps []profiles.Profile, envs []profiles.Environment, practice string) ([]byte, error)
	// lost lists what of one profile the format cannot carry.
	lost func(p profiles.Profile) []string
	// side is the file written beside --output, if any: its name and
	// contents (.http: the environments as http-client.env.json).
	side func(envs []profiles.Environment) (name string, data []byte, err error)
}

// collectionFormats are the collection targets of `authlab export`, beside
// the one-request targets of convert/export.
func collectionFormats() []collectionFormat {
	return []collectionFormat{
		{
			name: "postman", what: "a Postman collection v2.1",
			write: postman.ExportFor,
			lost:  postman.Lost,
		},
		{
			name: "http", what: "a .http file (JetBrains HTTP Client, VS Code REST Client)",
			write: func(_ string, ps []profiles.Profile, envs []profiles.Environment, practice string) ([]byte, error) {
				return httpfile.ExportFor(ps, envs, practice)
			},
			lost: httpfile.Lost,
			side: func(envs []profiles.Environment) (string, []byte, error) {
				if len(envs) == 0 {
					return "", nil, nil
				}
				data, err := httpfile.ExportEnv(envs)
				return "http-client.env.json", data, err
			},
		},
	}
}

func lookupCollectionFormat(name string) (collectionFormat, bool) {
	all := collectionFormats()
	i := slices.IndexFunc(all, func(c collectionFormat) bool { return c.name == name })
	if i < 0 {
		return collectionFormat{}, false
	}
	return all[i], true
}

// runExportCollection writes saved profiles — one (--profile), a group
// (--group) or all of them — and the folder's environments (or only
// --env's) as a collection. Nothing is resolved and nothing secret is
// written: secret fields and references become variables for the
// colleague to fill in, which is why --reveal is refused.
func runExportCollection(env Env, f *sendFlags, x *exportFlags, changed func(string) bool, cf collectionFormat, rawURL string) error {
	if rawURL != "" {
		return inputErr(fmt.Errorf("--format %s exports saved profiles, not a URL: save the request first (send --save NAME), then export it with --profile NAME or --group GROUP", cf.name))
	}
	if x.reveal {
		return inputErr(fmt.Errorf("--reveal cannot be used with --format %s: a collection never holds secrets (each becomes a variable to fill in); use --format curl --reveal for one request", cf.name))
	}
	if f.profile != "" && x.group != "" {
		return inputErr(errors.New("--profile and --group both name what to export: give one"))
	}
	store, err := env.store()
	if err != nil {
		return inputErr(err)
	}
	var ps []profiles.Profile
	switch {
	case f.profile != "":
		e, err := store.Load(f.profile)
		if err != nil {
			return inputErr(err)
		}
		ps = append(ps, *e.Profile)
	default:
		entries, err := store.List()
		if err != nil {
			return inputErr(err)
		}
		group := strings.Trim(x.group, "/")
		for _, e := range entries {
			if group != "" && e.Name != group && !strings.HasPrefix(e.Name, group+"/") {
				continue
			}
			if e.Err != nil {
				return inputErr(fmt.Errorf("profile %s cannot be read (%v): fix or remove it, or export another group", e.Name, e.Err))
			}
			ps = append(ps, *e.Profile)
		}
		if len(ps) == 0 {
			if group != "" {
				return inputErr(fmt.Errorf("no profiles in group %q: see `authlab profiles list`", group))
			}
			return inputErr(errors.New("no profiles to export: save one first (send --save NAME)"))
		}
	}
	var envs []profiles.Environment
	if name := f.vars.envName(env); name != "" {
		e, err := store.LoadEnvironment(name)
		if err != nil {
			return inputErr(err)
		}
		envs = append(envs, e)
	} else if envs, err = store.Environments(); err != nil {
		return inputErr(err)
	}
	name := x.name
	if name == "" {
		name = collectionName(f.profile, x.group)
	}
	// {{practice}}: where `authlab serve` listens unless another server
	// is chosen (--practice, $AUTHLAB_PRACTICE, the folder's setting).
	pc, err := choosePractice(env, f, changed)
	if err != nil {
		return inputErr(err)
	}
	practiceURL := practice.DefaultURL
	if pc.target.Remote != "" {
		practiceURL = pc.target.Remote
	}
	data, err := cf.write(name, ps, envs, practiceURL)
	if err != nil {
		return inputErr(fmt.Errorf("cannot export as %s: %w", cf.what, err))
	}
	var sideName string
	var side []byte
	if cf.side != nil {
		if sideName, side, err = cf.side(envs); err != nil {
			return inputErr(fmt.Errorf("cannot export the environments: %w", err))
		}
	}
	sidePath := ""
	if side != nil && x.output != "" {
		sidePath = filepath.Join(filepath.Dir(x.output), sideName)
		if _, err := os.Lstat(sidePath); err == nil {
			return inputErr(fmt.Errorf("%s exists: move it away, or write the export to another folder (nothing was written)", sidePath))
		} else if !errors.Is(err, fs.ErrNotExist) {
			return inputErr(fmt.Errorf("cannot check %s: %w", sidePath, err))
		}
	}
	for _, p := range ps {
		if lost := cf.lost(p); len(lost) > 0 {
			fmt.Fprintf(env.Stderr, "authlab: note: %s: %s cannot carry %s\n", sanitize.Line(p.Name), cf.name, sanitize.Line(strings.Join(lost, ", ")))
		}
	}
	if x.output == "" {
		if side != nil {
			fmt.Fprintf(env.Stderr, "authlab: note: the environments (%s) are not written to stdout: give --output FILE to write them to %s beside it\n", envNames(envs), sideName)
		}
		_, err := env.Stdout.Write(data)
		return err
	}
	if err := renameio.WriteFile(x.output, data, 0o644); err != nil {
		return inputErr(fmt.Errorf("cannot write %s: %w: check the folder exists and is writable", x.output, err))
	}
	n := fmt.Sprintf("%d requests", len(ps))
	if len(ps) == 1 {
		n = "1 request"
	}
	fmt.Fprintf(env.Stderr, "authlab: wrote %s (%s, %s)\n", x.output, cf.what, n)
	if side != nil {
		if err := renameio.WriteFile(sidePath, side, 0o644); err != nil {
			return inputErr(fmt.Errorf("cannot write %s: %w", sidePath, err))
		}
		fmt.Fprintf(env.Stderr, "authlab: wrote %s (environments %s, secrets left out)\n", sidePath, envNames(envs))
	}
	return nil
}

// collectionName is the default name of an exported collection: the
// group's, the profile's, or "authlab".
func collectionName(profile, group string) string {
	switch {
	case group != "":
		return strings.Trim(group, "/")
	case profile != "":
		return profile
	}
	return "authlab"
}

func envNames(envs []profiles.Environment) string {
	names := make([]string, len(envs))
	for i, e := range envs {
		names[i] = e.Name
	}
	return strings.Join(names, ", ")
}

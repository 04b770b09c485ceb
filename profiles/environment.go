package profiles

// Environment is a named set of variables for {{name}} in a profile's URL,
// headers, body and scheme fields: one TOML file per environment under
// the profiles folder's environments/ folder (dev, staging, prod), chosen
// with --env NAME. Values may be references (env:, file:, keyring:,
// prompt, command:), so an environment holds no secret by default.
// FORMAT.md ("Environments") documents the file.
type Environment struct {
	// Name is the environment's name, its file name without .toml.
	Name string
	// Vars are the variables in file order.
	Vars []Var
	// Source is where the file was loaded from and whether that folder is
	// trusted; nil for one built in memory (an import before it is saved).
	Source *Source
	// Stamp is the version of the file that was loaded (LoadEnvironment),
	// for SaveOptions.Expect; zero for one built in memory.
	Stamp Stamp

	// unknown holds the top-level keys of the file this version does not
	// know; SaveEnvironment writes them back.
	unknown map[string]any
}

// Var is one variable of an environment or of a profile's defaults.
type Var struct {
	Name string
	// Value is a literal or a reference. A value an importer knows to be
	// secret is always a reference (env:NAME or prompt), never a literal.
	Value string
	// Secret marks a value to be masked wherever it could show, even when
	// it is a literal the user chose to store.
	Secret bool

	// extra holds keys of the variable's table this version does not know
	// (written back on save).
	extra map[string]any
}

// UntrustedRefs lists the env:, file:, keyring: and command: references
// of e's variables that came from an untrusted folder and are still in e,
// in file order, for `authlab trust` to show before trusting the folder.
// Host is empty: an environment is used by whichever request names its
// variables.
func (e Environment) UntrustedRefs() []UntrustedRef {
	src := e.Source
	if src == nil || src.Trusted {
		return nil
	}
	var out []UntrustedRef
	for _, v := range e.Vars {
		if readsLocal(v.Value) && src.fromSource(v.Value) {
			out = append(out, UntrustedRef{Field: "variable " + v.Name, Ref: v.Value})
		}
	}
	return out
}

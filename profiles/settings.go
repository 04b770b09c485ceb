package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// SettingsFile is the name of a profiles folder's own settings file
// (FORMAT.md, "Folder settings"). It is a dotfile, so List never takes it
// for a profile, and no profile name can be it (names do not start with a
// dot).
const SettingsFile = ".authlab.toml"

// SettingsVersion is the settings file format this authlab reads.
const SettingsVersion = 1

// Settings are what everyone who uses one profiles folder shares: the
// practice server a handed-out workshop folder points the whole class at.
// A folder's settings are hostile text until it is trusted, like its
// profiles; each value says what may be done with it.
type Settings struct {
	// Path is the settings file that was read ("" when the folder has none).
	Path string
	// Practice is the base URL {{practice}} names, as written: the caller
	// checks it (practice.ParseBase: an http or https URL and nothing more)
	// and always shows it before anything is sent there. "" when unset.
	Practice string
}

type settingsDoc struct {
	Version  *int64 `toml:"version"`
	Practice struct {
		URL string `toml:"url"`
	} `toml:"practice"`
}

// ReadSettings reads the settings file of the profiles folder dir. A missing
// folder, or a folder without the file, gives zero Settings and no error. The file
// is read as a profile is (a regular file, at most MaxProfileFile bytes, a
// FIFO never blocks) and decoded strictly: a key this version does not know
// is an error naming it, so a misspelt setting is never silently ignored.
func ReadSettings(dir string) (Settings, error) {
	path := filepath.Join(dir, SettingsFile)
	data, _, _, err := readStamped(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Settings{}, nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("cannot read the folder settings %s: %s: fix or remove the file", path, pathErrText(err))
	}
	var doc settingsDoc
	if err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(&doc); err != nil {
		var strict *toml.StrictMissingError
		if errors.As(err, &strict) {
			var keys []string
			for _, e := range strict.Errors {
				keys = append(keys, strings.Join(e.Key(), "."))
			}
			return Settings{}, fmt.Errorf("folder settings %s: unknown key %s: the file knows version and [practice] url (see FORMAT.md, \"Folder settings\")", path, strings.Join(keys, ", "))
		}
		if v, ok := peekVersion(data); ok && v > SettingsVersion {
			return Settings{}, newerSettings(path, v)
		}
		return Settings{}, fmt.Errorf("folder settings %s", decodeParseError(path, err).Error())
	}
	if doc.Version != nil && *doc.Version != SettingsVersion {
		if *doc.Version > SettingsVersion {
			return Settings{}, newerSettings(path, *doc.Version)
		}
		return Settings{}, fmt.Errorf("folder settings %s: version %d is not a settings version: write version = %d", path, *doc.Version, SettingsVersion)
	}
	return Settings{Path: path, Practice: doc.Practice.URL}, nil
}

func newerSettings(path string, v int64) error {
	return fmt.Errorf("folder settings %s: written by a newer authlab (version %d; this one reads %d): upgrade authlab", path, v, SettingsVersion)
}

package learn

import (
	"embed"
	"io/fs"
)

//go:embed course/*.md labs/*.md
var courseFiles embed.FS

// Builtin is the course built into authlab: from the tutorial it grew
// from (Basic against the GitHub-style endpoint, OAuth 1.0a against the
// Twitter-style one and its codes 215, 32 and 135) through Digest,
// Bearer, OAuth 2.0, JWT and SigV4. It is written in the lesson format an
// instructor uses (FORMAT.md), and a test completes each lesson.
func Builtin() Course { return embedded("course", "built-in") }

// Labs is the built-in course of attack labs: each lesson exploits one of
// the practice server's deliberately vulnerable endpoints (practice.Labs,
// served only with `authlab serve --labs` or practice.Options.Labs), and
// says how the fixed twin refuses it.
func Labs() Course { return embedded("labs", "attack-lab") }

func embedded(dir, name string) Course {
	sub, err := fs.Sub(courseFiles, dir)
	if err != nil {
		panic("learn: " + err.Error())
	}
	c, err := Load(name, sub)
	if err != nil {
		panic("learn: the " + name + " course does not load: " + err.Error()) // TestBuiltinCourse, TestLabsCourse
	}
	return c
}

package learn

import (
	"embed"
	"io/fs"
)

//go:embed course/*.md
var courseFiles embed.FS

// Builtin is the course built into authlab: from the tutorial it grew
// from (Basic against the GitHub-style endpoint, OAuth 1.0a against the
// Twitter-style one and its codes 215, 32 and 135) through Digest,
// Bearer, OAuth 2.0, JWT and SigV4. It is written in the lesson format an
// instructor uses (FORMAT.md), and a test completes each lesson.
func Builtin() Course {
	sub, err := fs.Sub(courseFiles, "course")
	if err != nil {
		panic("learn: " + err.Error())
	}
	c, err := Load("built-in", sub)
	if err != nil {
		panic("learn: the built-in course does not load: " + err.Error()) // TestBuiltinCourse
	}
	return c
}

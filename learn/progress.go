package learn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/google/renameio/v2"
)

// Progress is one student's record of a course: per lesson, how many
// tries, how many hints shown, and when it passed. It is the student's
// own file under $XDG_STATE_HOME/authlab/learn/, written atomically.
type Progress struct {
	Student string                  `json:"student"`
	Lessons map[string]LessonRecord `json:"lessons"`
}

// LessonRecord is one lesson's progress.
type LessonRecord struct {
	Tries    int       `json:"tries"`
	Hints    int       `json:"hints"` // hints unlocked
	Passed   bool      `json:"passed"`
	PassedAt time.Time `json:"passed_at,omitzero"`
	// Explained is set once the lesson's question was answered right.
	Explained bool `json:"explained,omitempty"`
}

// Record returns id's record.
func (p Progress) Record(id string) LessonRecord { return p.Lessons[id] }

// Tried records a try of lesson id and what it decided, and unlocks the
// next hint after a failed one (at most hints of them). It returns the
// new record.
func (p *Progress) Tried(id string, o Outcome, hints int, now time.Time) LessonRecord {
	if p.Lessons == nil {
		p.Lessons = map[string]LessonRecord{}
	}
	r := p.Lessons[id].Tried(o, hints, now)
	p.Lessons[id] = r
	return r
}

// Tried is r after one more try with outcome o: passed (once, at now), or
// one more of the lesson's hints hints unlocked.
func (r LessonRecord) Tried(o Outcome, hints int, now time.Time) LessonRecord {
	r.Tries++
	switch {
	case o.Pass && !r.Passed:
		r.Passed, r.PassedAt = true, now.UTC()
	case !o.Pass && r.Hints < hints:
		r.Hints++
	}
	return r
}

// Explained records that lesson id's question was answered right.
func (p *Progress) Explained(id string) LessonRecord {
	if p.Lessons == nil {
		p.Lessons = map[string]LessonRecord{}
	}
	r := p.Lessons[id]
	r.Explained = true
	p.Lessons[id] = r
	return r
}

// Done counts the passed lessons of c.
func (p Progress) Done(c Course) int {
	n := 0
	for _, l := range c.Lessons {
		if p.Lessons[l.ID].Passed {
			n++
		}
	}
	return n
}

// ProgressStore is where progress files live: one per student.
type ProgressStore struct {
	Dir string // $XDG_STATE_HOME/authlab/learn
}

var studentFile = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// path is the student's file; "" is the machine's own user.
func (s ProgressStore) path(student string) string {
	name := studentFile.ReplaceAllString(student, "_")
	if name == "" || name == "." || name == ".." {
		name = "me"
	}
	return filepath.Join(s.Dir, name+".json")
}

// Load reads the student's progress; none yet is an empty one.
func (s ProgressStore) Load(student string) (Progress, error) {
	p := Progress{Student: student, Lessons: map[string]LessonRecord{}}
	b, err := os.ReadFile(s.path(student))
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("cannot read the progress file: %w", err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("%s is not a progress file (%v): move it away to start over", s.path(student), err)
	}
	if p.Lessons == nil {
		p.Lessons = map[string]LessonRecord{}
	}
	p.Student = student
	return p, nil
}

// Save writes the progress atomically (0600: it is the student's).
func (s ProgressStore) Save(p Progress) error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("cannot create %s: %w", s.Dir, err)
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := renameio.WriteFile(s.path(p.Student), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("cannot save the progress: %w", err)
	}
	return nil
}

// Update reads the student's progress, changes it with f and saves it,
// returning the record f returned: one try or answer recorded.
func (s ProgressStore) Update(student string, f func(*Progress) LessonRecord) (LessonRecord, error) {
	p, err := s.Load(student)
	if err != nil {
		return LessonRecord{}, err
	}
	r := f(&p)
	return r, s.Save(p)
}

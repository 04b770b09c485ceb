package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/learn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// learnFlags are the flags of `authlab learn` and its subcommands.
type learnFlags struct {
	labs     bool   // --labs: the attack-lab course
	dir      string // --dir: an instructor's lessons instead of the built-in course
	practice string // --practice URL
	student  string // --student NAME
}

func (lf *learnFlags) register(cmd *cobra.Command) {
	cmd.PersistentFlags().BoolVar(&lf.labs, "labs", false, "the attack-lab course: exploit the practice server's deliberately vulnerable endpoints (the built-in server starts with them; a remote one must run authlab serve --labs)")
	cmd.PersistentFlags().StringVar(&lf.dir, "dir", "", "a folder of lessons (*.md, see learn/FORMAT.md) instead of the built-in course; an untrusted folder's references are not read")
	cmd.PersistentFlags().StringVar(&lf.practice, "practice", "", "the practice server to check against (default: the one built in; or $"+envPractice+")")
	cmd.PersistentFlags().StringVar(&lf.student, "student", "", "your name: progress is kept per student, and a remote practice server shows it (default $"+envStudent+")")
}

// learnSolutionGroup is the profiles group a student's lesson requests
// are saved under: lesson basic-ok is the profile learn/basic-ok.
const learnSolutionGroup = "learn"

func newLearn(env Env) *cobra.Command {
	var lf learnFlags
	cmd := &cobra.Command{
		Use:   "learn",
		Short: "Lessons checked by the practice server: list them, grade your requests",
		Long: `learn is a course on HTTP authentication, checked by the practice server:
each lesson explains a scheme (with its RFC section), gives a task ("make
the server answer code 32") and starts you from a request; the practice
server's own verdict decides whether your request did it. Hints unlock one
at a time after failed tries.

Your request for lesson ID is the profile learn/ID: edit and send it in the
TUI (authlab --profile learn/ID, ctrl+s saves), or with send --save.
authlab learn check sends each one to the practice server and grades it, with
an exit code, so a class can be graded in CI. Progress is kept per student
under $XDG_STATE_HOME/authlab/learn/.

--dir PATH loads an instructor's lessons (learn/FORMAT.md): the built-in
course is written in the same format.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !env.StdinTTY || !env.StdoutTTY {
				if len(args) == 1 {
					return inputErr(errors.New("a lesson opens in the TUI, which needs a terminal: use authlab learn show ID and authlab learn check ID in scripts"))
				}
				return runLearnList(env, &lf)
			}
			return runLearnTUI(cmd.Context(), env, &lf, args)
		},
	}
	cmd.Use = "learn [ID]"
	lf.register(cmd)
	list := &cobra.Command{
		Use:   "list",
		Short: "List the lessons and your progress",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runLearnList(env, &lf) },
	}
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Print a lesson: its explanation, task, hints unlocked and the request it starts from",
		Args:  exactArgs(1, "ID"),
		RunE:  func(cmd *cobra.Command, args []string) error { return runLearnShow(env, &lf, args[0]) },
	}
	start := &cobra.Command{
		Use:   "start ID",
		Short: "Save the lesson's starting request as your profile learn/ID (refused if you have one)",
		Args:  exactArgs(1, "ID"),
		RunE:  func(cmd *cobra.Command, args []string) error { return runLearnStart(env, &lf, args[0]) },
	}
	check := &cobra.Command{
		Use:   "check [ID...]",
		Short: "Send your request of each lesson (profile learn/ID) to the practice server and grade it",
		Long: `check sends your request of each lesson named (all of them by default),
the profile learn/ID, to the practice server, and prints for each whether
the server's answer is what the lesson asks and, if not, what it answered.
Exit status: 0 when every lesson checked passed, 1 otherwise (or on bad
input). Nothing is asked for: a prompt reference fails its lesson.`,
		Example: `  authlab learn check
  authlab learn check basic-ok oauth1-32 --student alice --practice http://10.0.0.1:8089`,
		RunE: func(cmd *cobra.Command, args []string) error { return runLearnCheck(cmd.Context(), env, &lf, args) },
	}
	cmd.AddCommand(list, show, start, check)
	return cmd
}

// loadCourse is the built-in course, or --dir's lessons (trusted as its
// folder is).
func loadCourse(env Env, lf *learnFlags) (learn.Course, error) {
	if lf.dir != "" && lf.labs {
		return learn.Course{}, errors.New("--dir and --labs both name a course: give one")
	}
	if lf.labs {
		return learn.Labs(), nil
	}
	if lf.dir == "" {
		return learn.Builtin(), nil
	}
	trusted := false
	if tr, err := profiles.DefaultTrust(env.LookupEnv); err == nil {
		abs, _ := filepath.Abs(lf.dir)
		trusted, _ = tr.Trusted(abs)
	}
	return learn.LoadDir(lf.dir, trusted)
}

// sendFlags are the send flags a lesson's request goes with: its profile,
// and --practice and --student as given to learn, so the practice server
// and the student are chosen the way every command chooses them
// (choosePractice: flag, environment, the folder's setting).
func (lf *learnFlags) sendFlags(profile string) (*sendFlags, func(string) bool) {
	var f sendFlags
	var fs pflag.FlagSet
	f.register(&fs)
	f.profile, f.practice, f.student = profile, lf.practice, lf.student
	return &f, func(flag string) bool {
		switch flag {
		case "profile":
			return profile != ""
		case "practice":
			return lf.practice != ""
		case "student":
			return lf.student != ""
		}
		return false
	}
}

// learner is what every learn command starts from: the course, the
// practice server and student, and the student's progress.
type learner struct {
	course learn.Course
	pc     practiceChoice
	ps     learn.ProgressStore
	prog   learn.Progress
}

func (lr learner) student() string { return lr.pc.target.Student }

// openLearner loads the course, the practice choice and the progress; its
// errors are input errors, one line each.
func openLearner(env Env, lf *learnFlags) (learner, error) {
	var lr learner
	c, err := loadCourse(env, lf)
	if err != nil {
		return lr, inputErr(errors.New(sanitize.Line(err.Error())))
	}
	f, changed := lf.sendFlags("")
	pc, err := choosePractice(env, f, changed)
	if err != nil {
		return lr, inputErr(err)
	}
	dir, err := profiles.StateDir(env.LookupEnv)
	if err != nil {
		return lr, inputErr(err)
	}
	ps := learn.ProgressStore{Dir: filepath.Join(dir, "learn")}
	prog, err := ps.Load(pc.target.Student)
	if err != nil {
		return lr, inputErr(err)
	}
	return learner{course: c, pc: pc, ps: ps, prog: prog}, nil
}

func runLearnList(env Env, lf *learnFlags) error {
	lr, err := openLearner(env, lf)
	if err != nil {
		return err
	}
	c, p := lr.course, lr.prog
	fmt.Fprintf(env.Stdout, "%s course: %d lessons, %d passed\n", sanitize.Line(c.Name), len(c.Lessons), p.Done(c))
	for i, l := range c.Lessons {
		mark := " "
		if r := p.Record(l.ID); r.Passed {
			mark = "✓"
		} else if r.Tries > 0 {
			mark = "·"
		}
		fmt.Fprintf(env.Stdout, "%s %2d  %-26s %s  (%s)\n", mark, i+1, sanitize.Line(l.ID), sanitize.Line(l.Title), sanitize.Line(l.Ref))
	}
	fmt.Fprintln(env.Stdout, "next: authlab learn show ID, then authlab learn start ID and authlab --profile learn/ID")
	return nil
}

func findLesson(c learn.Course, id string) (*learn.Lesson, error) {
	l, ok := c.Lesson(id)
	if !ok {
		fix := "see `authlab learn list`"
		if dym := authn.DidYouMean(authn.Suggest(id, c.IDs())); dym != "" {
			fix = dym
		}
		return nil, fmt.Errorf("no lesson %q in the %s course: %s", sanitize.Line(id), sanitize.Line(c.Name), fix)
	}
	return l, nil
}

func runLearnShow(env Env, lf *learnFlags, id string) error {
	lr, err := openLearner(env, lf)
	if err != nil {
		return err
	}
	l, err := findLesson(lr.course, id)
	if err != nil {
		return inputErr(err)
	}
	p := lr.prog
	w := env.Stdout
	fmt.Fprintf(w, "%s  (%s)\n\n", sanitize.String(l.Title), sanitize.Line(l.Ref))
	fmt.Fprintln(w, sanitize.String(l.Explanation))
	fmt.Fprintf(w, "\nTask\n%s\n", sanitize.String(l.Task))
	r := p.Record(l.ID)
	for i := 0; i < r.Hints && i < len(l.Hints); i++ {
		fmt.Fprintf(w, "\nHint %d: %s\n", i+1, sanitize.String(l.Hints[i]))
	}
	if locked := len(l.Hints) - r.Hints; locked > 0 {
		fmt.Fprintf(w, "\n(%d more hints unlock after failed checks)\n", locked)
	}
	status := "not passed yet"
	if r.Passed {
		status = "passed"
	}
	fmt.Fprintf(w, "\nYour request: the profile %s/%s (%s, %d tries)\n", learnSolutionGroup, sanitize.Line(l.ID), status, r.Tries)
	return nil
}

func runLearnStart(env Env, lf *learnFlags, id string) error {
	c, err := loadCourse(env, lf)
	if err != nil {
		return inputErr(errors.New(sanitize.Line(err.Error())))
	}
	l, err := findLesson(c, id)
	if err != nil {
		return inputErr(err)
	}
	store, err := env.store()
	if err != nil {
		return inputErr(err)
	}
	if err := startLesson(store, l); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "authlab: saved profile %s/%s: open it with authlab learn %s (or authlab --profile %s/%s), then authlab learn check %s\n",
		learnSolutionGroup, sanitize.Line(l.ID), sanitize.Line(l.ID), learnSolutionGroup, sanitize.Line(l.ID), sanitize.Line(l.ID))
	return nil
}

// startLesson saves lesson l's starting request as the student's profile
// learn/ID; one that exists is refused (it is the student's work).
func startLesson(store *profiles.Store, l *learn.Lesson) error {
	// A lesson of an untrusted folder does not get its references into
	// the student's own folder, where they would be read.
	if err := l.Request.CheckTrust(); err != nil {
		return inputErr(err)
	}
	p := l.Request
	p.Source = nil
	p.Name = learnSolutionGroup + "/" + l.ID
	p.Description = "lesson " + l.ID + ": " + l.Title
	// The lesson's values are the practice server's public demo ones,
	// written in the lesson for everyone: not secrets of the student's.
	if _, err := store.Save(p, profiles.SaveOptions{AllowPlaintext: true}); err != nil {
		if errors.Is(err, profiles.ErrExists) {
			return inputErr(fmt.Errorf("you have a request for this lesson already (profile %s): edit it with authlab --profile %s, or remove it to start over (authlab profiles rm %s)", p.Name, p.Name, p.Name))
		}
		return inputErr(err)
	}
	return nil
}

// runLearnTUI is `authlab learn [ID]` on a terminal: the list of lessons,
// and each lesson chosen opened beside the normal editor (its request is
// the student's profile learn/ID, started from the lesson if new); leaving
// the lesson comes back to the list, q there quits.
func runLearnTUI(ctx context.Context, env Env, lf *learnFlags, args []string) error {
	lr, err := openLearner(env, lf)
	if err != nil {
		return err
	}
	store, err := env.store()
	if err != nil {
		return inputErr(err)
	}
	at := ""
	if len(args) == 1 {
		l, err := findLesson(lr.course, args[0])
		if err != nil {
			return inputErr(err)
		}
		return openLesson(ctx, env, lf, lr, store, l) // `authlab learn ID`: that lesson only
	}
	for {
		if lr.prog, err = lr.ps.Load(lr.student()); err != nil {
			return inputErr(err)
		}
		list := tui.NewLessons(lr.course, lr.prog, at, env.getenv("NO_COLOR") != "")
		popts := append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(env.Stdin), tea.WithOutput(env.Stdout)}, env.TUIOptions...)
		final, err := tea.NewProgram(list, popts...).Run()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, tea.ErrInterrupted) || errors.Is(err, tea.ErrProgramKilled) {
				return &exitError{code: ExitInterrupted, err: errors.New("interrupted")}
			}
			return err
		}
		if at = final.(tui.Lessons).Chosen(); at == "" {
			return nil
		}
		l, _ := lr.course.Lesson(at)
		if err := openLesson(ctx, env, lf, lr, store, l); err != nil {
			return err
		}
	}
}

// openLesson opens lesson l in the TUI, its progress recorded at each send.
func openLesson(ctx context.Context, env Env, lf *learnFlags, lr learner, store *profiles.Store, l *learn.Lesson) error {
	name := learnSolutionGroup + "/" + l.ID
	e, err := store.Load(name)
	if errors.Is(err, fs.ErrNotExist) {
		if err := startLesson(store, l); err != nil {
			return err
		}
		e, err = store.Load(name)
	}
	if err != nil {
		return inputErr(err)
	}
	num := slices.Index(lr.course.Lessons, l) + 1
	var saves sync.WaitGroup
	var file sync.Mutex // one read-modify-write of the progress file at a time
	update := func(f func(*learn.Progress) learn.LessonRecord) (learn.LessonRecord, error) {
		file.Lock()
		defer file.Unlock()
		return lr.ps.Update(lr.student(), f)
	}
	lesson := &tui.Lesson{Lesson: l, Record: lr.prog.Record(l.ID), Number: num, Total: len(lr.course.Lessons), Saves: &saves,
		// called in a command: the progress file is read and written there
		Tried: func(o learn.Outcome) (learn.LessonRecord, error) {
			return update(func(p *learn.Progress) learn.LessonRecord { return p.Tried(l.ID, o, len(l.Hints), time.Now()) })
		},
		Explained: func() (learn.LessonRecord, error) {
			return update(func(p *learn.Progress) learn.LessonRecord { return p.Explained(l.ID) })
		}}
	f, changed := lf.sendFlags(name)
	base := e.Profile
	applyProfileOptions(f, changed, base)
	err = openTUI(ctx, env, f, changed, store, base, "", nil, lesson, practice.Options{Labs: lf.labs})
	saves.Wait() // the last try's progress is written before the list reads it
	return err
}

func runLearnCheck(ctx context.Context, env Env, lf *learnFlags, ids []string) error {
	lr, err := openLearner(env, lf)
	if err != nil {
		return err
	}
	c := lr.course
	lessons := c.Lessons
	if len(ids) > 0 {
		lessons = nil
		for _, id := range ids {
			l, err := findLesson(c, id)
			if err != nil {
				return inputErr(err)
			}
			lessons = append(lessons, l)
		}
	}
	store, err := env.store()
	if err != nil {
		return inputErr(err)
	}
	ps, prog := lr.ps, lr.prog
	emb := practice.NewTarget(practice.Options{Labs: lf.labs}, lr.pc.target)
	defer emb.Close()
	eng := authn.New(authn.Options{Timeout: 20 * time.Second})
	defer eng.Close()
	resolver := env.resolver()
	resolver.Prompt = nil // grading asks nothing
	notify := (&ui.NoticeWriter{Out: env.Stderr, Color: env.StderrTTY && env.getenv("NO_COLOR") == ""}).Notify
	passed := 0
	for _, l := range lessons {
		o, tried := checkLesson(ctx, store, resolver, emb, eng, l, notify)
		mark := "✗"
		if o.Pass {
			mark = "✓"
			passed++
		}
		if tried {
			prog.Tried(l.ID, o, len(l.Hints), env.now())
		}
		fmt.Fprintf(env.Stdout, "%s %-26s %s\n", mark, sanitize.Line(l.ID), sanitize.Line(o.Why))
	}
	if err := ps.Save(prog); err != nil {
		fmt.Fprintln(env.Stderr, "authlab: warning: progress not saved: "+oneLine(err))
	}
	fmt.Fprintf(env.Stdout, "%d of %d lessons passed\n", passed, len(lessons))
	if passed < len(lessons) {
		return &exitError{code: ExitError}
	}
	return nil
}

// checkLesson sends the student's request of lesson l (the profile
// learn/ID) and judges the practice server's answer. tried is false when
// there was nothing to send (no such profile yet).
func checkLesson(ctx context.Context, store *profiles.Store, r profiles.Resolver, emb *practice.Embedded, eng *authn.Engine, l *learn.Lesson, notify func(authn.Notice)) (learn.Outcome, bool) {
	name := learnSolutionGroup + "/" + l.ID
	e, err := store.Load(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return learn.Outcome{Why: fmt.Sprintf("not attempted: no profile %s (authlab learn start %s)", name, l.ID)}, false
		}
		return learn.Outcome{Why: err.Error()}, false
	}
	if err := e.Profile.CheckTrust(); err != nil {
		return learn.Outcome{Why: err.Error()}, true
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	rs, err := profiles.Resolve(ctx, *e.Profile, r, profiles.Policy{})
	if err != nil {
		return learn.Outcome{Why: "not sent: " + err.Error()}, true
	}
	req := rs.Request
	if err := emb.ExpandRequest(&req); err != nil {
		return learn.Outcome{Why: "not sent: " + err.Error()}, true
	}
	practice.ScopeLesson(&req, emb.Started(), l.ID) // the room view grades it too
	req.Notify = notify                             // a device code or sign-in URL to act on, on stderr
	res, err := eng.Exchange(ctx, req)
	o := l.Check.Judge(learn.Attempts(res))
	if !o.Pass && err != nil && len(learn.Attempts(res)) == 0 {
		o.Why = "not answered: " + err.Error()
	}
	return o, true
}

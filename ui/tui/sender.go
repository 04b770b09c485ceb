package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/tui/theme"
)

// common is what every part of the TUI shares (soft-serve's common.Common):
// the styles, the frame's size and the presenter switch. The root owns it
// and hands a copy to each child's SetCommon; no child restyles another's
// children.
type common struct {
	st      *theme.Styles
	width   int
	height  int
	present bool
}

// focusState is the one mode of the root model: which part receives keys.
// It replaces six booleans (panel, panelHst, inPane, exp.open, ask.kind,
// inflight): a request in flight is the sender's, not a focus.
type focusState int

const (
	focusEditor   focusState = iota // the request editor
	focusResult                     // the result pane
	focusProfiles                   // the profiles browser (side panel)
	focusHistory                    // the history list (side panel)
	focusExport                     // the export view
	focusConfirm                    // a question on the status line (ask)
	focusHelp                       // the full help (?)
)

// sender owns the send command: the engine, the resolver, the sequence
// number of the latest send and its cancel func. Start copies everything
// the command needs before it runs; the command never reads the model.
type sender struct {
	eng      *authn.Engine
	resolver profiles.Resolver
	present  bool
	practice *practice.Embedded
	parent   context.Context

	asked askedSecrets // values typed for references this session (see askedSecrets)

	seq     int
	cancel  context.CancelFunc
	started time.Time
	feed    noticeFeed // notices of the latest send (see waitNotice)
}

// Busy reports whether a request is in flight.
func (s sender) Busy() bool { return s.cancel != nil }

// Start begins a send of req at now and returns the command that runs it
// and the one that waits for its notices.
func (s sender) Start(req profiles.Profile, now time.Time) (sender, tea.Cmd, tea.Cmd) {
	ctx, cancel := context.WithCancel(s.parent)
	s.seq++
	s.cancel = cancel
	s.started = now
	s.feed = newNoticeFeed()
	return s, send(ctx, s.eng, s.asked, s.resolver, req, s.seq, s.present, s.practice, s.feed), waitNotice(s.seq, s.feed)
}

// Remember keeps value for the reference slot k for the rest of the
// session (askedSecrets).
func (s sender) Remember(k, value string) sender {
	s.asked = s.asked.With(k, value)
	return s
}

// Resolver is the session's resolver: the profiles' one, answering first
// from what the user typed inside the TUI.
func (s sender) Resolver() profiles.Resolver { return s.asked.resolver(s.resolver) }

// Stop cancels the request in flight, if any.
func (s sender) Stop() sender {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	return s
}

// Current reports whether msg answers the send in flight (not a cancelled
// or superseded one).
func (s sender) Current(seq int) bool { return seq == s.seq && s.Busy() }

// resultMsg carries the outcome of one send back to Update.
type resultMsg struct {
	seq      int
	practice string // base URL of the practice server in use ("" before the embedded one starts)
	resolved profiles.Resolved
	res      *authn.Result
	err      error
	docs     paneDocs
}

// send builds the command for one request. It captures copies of everything
// it needs; it never reads the model while running. The description p is
// resolved by profiles.Resolve, the one function that reads references,
// stopping at a reference the user has not given a value for yet
// (askedSecrets.missing: the TUI asks for it and sends again). Notices of a
// flow go to feed (see waitNotice); feed.done is closed when the command
// returns.
func send(ctx context.Context, eng *authn.Engine, asked askedSecrets, base profiles.Resolver, p profiles.Profile, seq int, present bool, pr *practice.Embedded, feed noticeFeed) tea.Cmd {
	r := asked.resolver(base)
	return func() tea.Msg {
		defer close(feed.done)
		pol := profiles.Policy{Prompt: true, Before: func(label, ref string) error {
			if need, ok := asked.missing(r, label, ref); ok {
				return need
			}
			return nil
		}}
		rs, err := profiles.Resolve(ctx, p, r, pol)
		if err != nil {
			return resultMsg{seq: seq, err: err}
		}
		req := rs.Request
		req.Notify = feed.notify
		if err := pr.ExpandRequest(&req); err != nil {
			return resultMsg{seq: seq, err: err}
		}
		res, err := eng.Exchange(ctx, req)
		if present {
			res.Redact(rs.Secrets.Merge(authn.SecretsOf(req, res))) // the server may echo a secret
		}
		return resultMsg{seq: seq, resolved: rs, res: res, err: err, docs: prepareDocs(res, present), practice: pr.Started()}
	}
}

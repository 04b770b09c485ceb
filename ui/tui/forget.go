package tui

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
)

// The forget-token key (KeyMap.Forget): the OAuth 2.0 or OpenID Connect
// token of the request in the editor is dropped from the engine's session
// and from the token cache (--token-cache), so the next send runs the
// grant again — to show a flow once more in class.

// forgotMsg is the outcome of a forget.
type forgotMsg struct {
	key string // the token cache key forgotten ("" without a cache)
	err error
}

// startForget resolves the editor's request (as a send would, without
// asking for anything) and forgets its token.
func (m Model) startForget() (tea.Model, tea.Cmd) {
	var req profiles.Profile
	var reason string
	m.ed, req, reason = m.ed.request()
	if reason != "" {
		return m.setStatus("no token forgotten: "+reason, m.st().Error), nil
	}
	if refs := m.untrustedRefs(); len(refs) > 0 {
		return m.setStatus("no token forgotten: the profile's folder is not trusted yet (send once to answer)", m.st().Warn), nil
	}
	return m.setStatus("forgetting the token…", m.st().Muted), forgetCmd(m.snd.parent, m.snd.eng, m.snd.Resolver(), req, m.snd.practice)
}

// forgetCmd resolves p with r (no prompt: a value not typed yet means the
// token was never obtained) and calls Engine.ForgetToken.
func forgetCmd(ctx context.Context, eng *authn.Engine, r profiles.Resolver, p profiles.Profile, pr *practice.Embedded) tea.Cmd {
	return func() tea.Msg {
		rs, err := profiles.Resolve(ctx, p, r, profiles.Policy{})
		if err != nil {
			return forgotMsg{err: err}
		}
		req := rs.Request
		if err := pr.ExpandRequest(&req); err != nil {
			return forgotMsg{err: err}
		}
		key, err := eng.ForgetToken(req)
		return forgotMsg{key: key, err: err}
	}
}

// gotForgot shows the outcome on the status line.
func (m Model) gotForgot(msg forgotMsg) Model {
	var ie *authn.InputError
	switch {
	case errors.As(msg.err, &ie):
		return m.setStatus("no token to forget: "+sanitize.Line(ie.Problem), m.st().Warn)
	case msg.err != nil:
		return m.setStatus("token not forgotten: "+sanitize.Line(msg.err.Error()), m.st().Error)
	case msg.key != "":
		return m.setStatus("token forgotten here and in the token cache (key "+msg.key+"): the next send runs the grant again", m.st().OK)
	}
	return m.setStatus("token forgotten: the next send runs the grant again", m.st().OK)
}

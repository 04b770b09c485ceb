package room

import (
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"github.com/authlab/authlab/practice"
)

// Feed carries the practice server's events to the room view: its Observe
// is a practice.Observer that never blocks (an event that finds the buffer
// full is dropped and counted), and Wait is the tea.Cmd that reads it.
type Feed struct {
	ch      chan practice.Event
	dropped atomic.Int64
}

// NewFeed returns a feed buffering up to n events.
func NewFeed(n int) *Feed { return &Feed{ch: make(chan practice.Event, n)} }

// Observe hands e to the room, or counts it as dropped when the room is
// n events behind (a flood): the server is never slowed by the screen.
func (f *Feed) Observe(e practice.Event) {
	select {
	case f.ch <- e:
	default:
		f.dropped.Add(1)
	}
}

// Close ends the feed: the room's Wait returns no more events.
func (f *Feed) Close() { close(f.ch) }

// maxBatch bounds the events handed to Update at once.
const maxBatch = 512

// EventsMsg is a batch of events, with the count dropped so far.
type EventsMsg struct {
	Events  []practice.Event
	Dropped int64
}

// ClosedMsg says the feed ended.
type ClosedMsg struct{}

// Wait blocks for the next event, then takes whatever else is already
// queued (up to maxBatch), so a flood costs one redraw per batch.
func (f *Feed) Wait() tea.Cmd {
	return func() tea.Msg {
		e, ok := <-f.ch
		if !ok {
			return ClosedMsg{}
		}
		batch := []practice.Event{e}
		for len(batch) < maxBatch {
			select {
			case e, ok := <-f.ch:
				if !ok {
					return EventsMsg{Events: batch, Dropped: f.dropped.Load()}
				}
				batch = append(batch, e)
				continue
			default:
			}
			break
		}
		return EventsMsg{Events: batch, Dropped: f.dropped.Load()}
	}
}

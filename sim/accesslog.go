package sim

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stsim/stsim/sim/journal"
)

// accessLogPC is the source location the access log line reports to a
// handler with AddSource. It is looked up once: slog.Logger.LogAttrs
// walks the stack (runtime.Callers) on every call, which at info level
// was a good part of what the line cost.
var accessLogPC = func() uintptr {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	return pcs[0]
}()

// writeAccessLine hands the per-request "request" line (method, path,
// status, latency, trace, operation, in that order) to h at time at. The
// caller checks that h is enabled at level. The line is the same record
// Logger.LogAttrs would build, so the text and JSON handlers print it
// byte for byte as before; only the per-call stack walk and the second
// clock read are gone. NewLogger's handler writes it without a record.
func writeAccessLine(ctx context.Context, h slog.Handler, level slog.Level, at time.Time, e *journal.Entry) {
	if fast, ok := h.(*accessHandler); ok && fast.writeAccess(level, at, e) {
		return
	}
	r := slog.NewRecord(at, level, "request", accessLogPC)
	r.AddAttrs(slog.String("method", e.Method), slog.String("path", e.Path),
		slog.Int("status", e.Status), slog.Duration("latency", e.Latency),
		slog.String("trace", e.TraceID), slog.String("operation", e.Operation))
	_ = h.Handle(ctx, r)
}

// NewLogger is the logger stsim writes to w: slog's text or JSON handler
// (format "json", anything else is text) at level, plus a fast path for
// the access line. The line is appended straight into a pooled buffer in
// exactly the bytes the slog handler would write, when its values need no
// quoting or escaping (the common case: plain paths, IDs, operation
// names); any other line goes through the slog handler. Both write to w
// whole lines, in the order they were logged (see lineWriter: access
// lines are written a moment later, several at once).
func NewLogger(w io.Writer, format string, level slog.Leveler) *slog.Logger {
	lw := &lineWriter{w: w}
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(&accessHandler{Handler: slog.NewJSONHandler(lw, opts), w: lw, json: true})
	}
	return slog.New(&accessHandler{Handler: slog.NewTextHandler(lw, opts), w: lw})
}

// accessHandler is slog's handler with a fast path for the access line.
// WithAttrs and WithGroup return the embedded handler's result, so a
// derived logger (whose lines carry more) has no fast path.
type accessHandler struct {
	slog.Handler
	w      *lineWriter
	json   bool
	stamps stampCache
}

// stampCache keeps the text appendMillis wrote for the last millisecond it
// was asked for: under load many access lines share their millisecond, and
// formatting the time was about a third of the line's cost.
type stampCache struct {
	last atomic.Pointer[millisStamp]
}

// millisStamp is one millisecond's text, in one location.
type millisStamp struct {
	ms   int64
	loc  *time.Location
	text string
}

// appendMillis is appendMillis(b, t), from the cache when t is in the
// millisecond (and location) of the last call.
func (c *stampCache) appendMillis(b []byte, t time.Time) []byte {
	ms, loc := t.UnixMilli(), t.Location() // floored: every millisecond its own value, before 1970 too
	if s := c.last.Load(); s != nil && s.ms == ms && s.loc == loc {
		return append(b, s.text...)
	}
	n := len(b)
	b = appendMillis(b, t)
	c.last.Store(&millisStamp{ms: ms, loc: loc, text: string(b[n:])})
	return b
}

// lineWriter writes whole log lines to w under one lock. Access lines
// are queued and written by a flusher goroutine that first lets the
// goroutines ready to run go ahead (runtime.Gosched), so under load one
// write carries the lines of many requests: a write per request was ~5%
// of the server's CPU on a busy core. Even on an idle server an access
// line is written a moment after its request finished, by that goroutine:
// a client can have its response before the line is in the log (Server.Close
// writes what still waits). Every other line (from the slog handler:
// errors, debug detail, start and stop) is written at once, after the
// queued lines, so lines keep their order, and a process that logs its
// last line ("stopped") has written every access line. At most
// maxQueuedLog bytes wait, so the queue's buffer stays about that size: a
// line that would take the queue past that bound has the logging
// goroutine write the queue first (and a line longer than the bound is
// written at once after it), so a writer that blocks holds up requests as
// it did before.
type lineWriter struct {
	mu       sync.Mutex
	w        io.Writer
	queued   []byte // access lines not yet written
	flushing bool   // a flusher is on its way
}

const maxQueuedLog = 64 << 10

// Write writes p at once, after the queued lines: two writes, so the
// queue's buffer does not grow to hold p.
func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, qerr := l.flushLocked()
	n, err := l.w.Write(p)
	if err == nil {
		err = qerr
	}
	return n, err
}

// queue queues an access line; it copies line.
func (l *lineWriter) queue(line []byte) {
	l.mu.Lock()
	if len(l.queued)+len(line) > maxQueuedLog {
		_, _ = l.flushLocked() // full: this goroutine writes what waits
		if len(line) > maxQueuedLog {
			_, _ = l.w.Write(line)
			l.mu.Unlock()
			return
		}
	}
	l.queued = append(l.queued, line...)
	start := !l.flushing
	l.flushing = true
	l.mu.Unlock()
	if start {
		go l.flushSoon()
	}
}

// flushSoon writes the queued lines once the goroutines ready to run have
// had their turn (and queued their lines).
func (l *lineWriter) flushSoon() {
	runtime.Gosched()
	l.flush()
}

// flush writes the queued lines now.
func (l *lineWriter) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushing = false
	_, _ = l.flushLocked()
}

func (l *lineWriter) flushLocked() (int, error) {
	if len(l.queued) == 0 {
		return 0, nil
	}
	n, err := l.w.Write(l.queued)
	l.queued = l.queued[:0]
	return n, err
}

// flushLog writes the access lines a logger from NewLogger still holds;
// for any other logger it does nothing.
func flushLog(logger *slog.Logger) {
	if h, ok := logger.Handler().(*accessHandler); ok {
		h.w.flush()
	}
}

var lineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// writeAccess writes the access line if all its strings are plain, and
// reports whether it did.
func (h *accessHandler) writeAccess(level slog.Level, at time.Time, e *journal.Entry) bool {
	if year := at.Year(); !plain(e.Method) || !plain(e.Path) || !plain(e.TraceID) || !plain(e.Operation) ||
		year < 0 || year > 9999 { // slog's JSON handler notes an error for such a time
		return false
	}
	bp := lineBuffers.Get().(*[]byte)
	b := (*bp)[:0]
	at = at.Round(0)
	if h.json {
		b = append(b, `{"time":"`...)
		b = at.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","level":"`...)
		b = append(b, level.String()...)
		b = append(b, `","msg":"request","method":"`...)
		b = append(b, e.Method...)
		b = append(b, `","path":"`...)
		b = append(b, e.Path...)
		b = append(b, `","status":`...)
		b = strconv.AppendInt(b, int64(e.Status), 10)
		b = append(b, `,"latency":`...)
		b = strconv.AppendInt(b, int64(e.Latency), 10)
		b = append(b, `,"trace":"`...)
		b = append(b, e.TraceID...)
		b = append(b, `","operation":"`...)
		b = append(b, e.Operation...)
		b = append(b, "\"}\n"...)
	} else {
		b = append(b, "time="...)
		b = h.stamps.appendMillis(b, at)
		b = append(b, " level="...)
		b = append(b, level.String()...)
		b = append(b, " msg=request method="...)
		b = appendText(b, e.Method)
		b = append(b, " path="...)
		b = appendText(b, e.Path)
		b = append(b, " status="...)
		b = strconv.AppendInt(b, int64(e.Status), 10)
		b = append(b, " latency="...)
		b = append(b, e.Latency.String()...)
		b = append(b, " trace="...)
		b = appendText(b, e.TraceID)
		b = append(b, " operation="...)
		b = appendText(b, e.Operation)
		b = append(b, '\n')
	}
	h.w.queue(b)
	*bp = b
	lineBuffers.Put(bp)
	return true
}

// plain reports whether s is written as is by both slog handlers: no
// quoting in text, no escaping in JSON. The set is narrower than theirs,
// never wider.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if !plainByte[s[i]] {
			return false
		}
	}
	return true
}

// plainByte marks the bytes plain allows.
var plainByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("/._-:~,+", byte(c)) >= 0
	}
	return t
}()

// appendText writes a plain string as the text handler does: an empty
// one is quoted.
func appendText(b []byte, s string) []byte {
	if s == "" {
		return append(b, `""`...)
	}
	return append(b, s...)
}

// appendMillis writes t as the text handler does: RFC 3339 with exactly
// three digits of milliseconds.
func appendMillis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10) // keeps 4 fraction digits
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...) // drop the 4th
}

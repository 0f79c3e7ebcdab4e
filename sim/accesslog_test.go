package sim

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsim/stsim/sim/journal"
)

// sampleAccess is a get-by-ID as the access log sees it.
var sampleAccess = journal.Entry{Method: "GET", Path: "/crm/v2/tenant/1234567/customers/6", Status: 200,
	Latency: 187*time.Microsecond + 412*time.Nanosecond, TraceID: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
	Operation: "Customers_Get"}

// accessLineViaLogger is how the line was written before writeAccessLine:
// the reference its output must equal.
func accessLineViaLogger(l *slog.Logger, level slog.Level, e *journal.Entry) {
	l.LogAttrs(context.Background(), level, "request",
		slog.String("method", e.Method), slog.String("path", e.Path),
		slog.Int("status", e.Status), slog.Duration("latency", e.Latency),
		slog.String("trace", e.TraceID), slog.String("operation", e.Operation))
}

var logTime = regexp.MustCompile(`time=\S+ |"time":"[^"]+",`)

func TestAccessLineMatchesLoggerOutput(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
			var want, got bytes.Buffer
			newHandler := func(w io.Writer) slog.Handler {
				opts := &slog.HandlerOptions{Level: slog.LevelDebug}
				if format == "json" {
					return slog.NewJSONHandler(w, opts)
				}
				return slog.NewTextHandler(w, opts)
			}
			e := sampleAccess
			e.Path += `?q="quoted value"` // exercises the handlers' quoting
			accessLineViaLogger(slog.New(newHandler(&want)), level, &e)
			writeAccessLine(context.Background(), newHandler(&got), level, time.Now(), &e)
			if !logTime.MatchString(got.String()) {
				t.Fatalf("%s: no time in %q", format, got.String())
			}
			w, g := logTime.ReplaceAllString(want.String(), ""), logTime.ReplaceAllString(got.String(), "")
			if w != g {
				t.Errorf("%s %v:\n got %q\nwant %q", format, level, g, w)
			}
		}
	}
}

// TestNewLoggerWritesTheAccessLineAsSlogDoes: NewLogger's fast path
// writes the same bytes as slog's handlers, and strings it cannot write
// as is go through them.
func TestNewLoggerWritesTheAccessLineAsSlogDoes(t *testing.T) {
	at := []time.Time{
		time.Date(2026, 12, 6, 18, 4, 5, 0, time.UTC),
		time.Date(2026, 12, 6, 18, 4, 5, 123456789, time.FixedZone("CST", -6*3600)),
		time.Now(), // with a monotonic reading
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	entries := map[string]bool{ // path or operation -> written by the fast path
		"plain": true, "": true, "with space": false, `quo"te`: false, "a=b": false, "ünï": false,
		"back\\slash": false, "tab\t": false, "<html>": false,
	}
	for _, format := range []string{"text", "json"} {
		for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
			for s, fast := range entries {
				for _, when := range at {
					e := sampleAccess
					e.Operation, e.Path, e.Status, e.Latency = s, "/x/"+s, 500, 0
					var want, got bytes.Buffer
					opts := &slog.HandlerOptions{Level: slog.LevelDebug}
					var ref slog.Handler = slog.NewTextHandler(&want, opts)
					if format == "json" {
						ref = slog.NewJSONHandler(&want, opts)
					}
					writeAccessLine(context.Background(), ref, level, when, &e)
					h := NewLogger(&got, format, slog.LevelDebug).Handler()
					if took := h.(*accessHandler).writeAccess(level, when, &e); took != (fast && when.Year() < 10000) {
						t.Errorf("%s %q: fast path taken %v, want %v", format, s, took, fast)
					}
					if !fast || when.Year() >= 10000 {
						writeAccessLine(context.Background(), h, level, when, &e)
					}
					h.(*accessHandler).w.flush()
					if got.String() != want.String() {
						t.Errorf("%s %v %q:\n got %q\nwant %q", format, level, s, got.String(), want.String())
					}
				}
			}
		}
	}
}

func TestAccessLineSourceForAddSource(t *testing.T) {
	var buf bytes.Buffer
	h := slog.NewJSONHandler(&buf, &slog.HandlerOptions{AddSource: true})
	writeAccessLine(context.Background(), h, slog.LevelInfo, time.Now(), &sampleAccess)
	if !strings.Contains(buf.String(), `accesslog.go"`) {
		t.Errorf("source of the access line does not name accesslog.go: %s", buf.String())
	}
}

func TestTraceIDShape(t *testing.T) {
	shape := regexp.MustCompile(`^00-[0-9a-f]{32}-[0-9a-f]{16}-00$`)
	a, b := newTraceHeader()[0], newTraceHeader()[0]
	if !shape.MatchString(a) || !shape.MatchString(b) || a == b {
		t.Errorf("trace IDs %q, %q: want two different W3C-style IDs", a, b)
	}
}

func TestRedactQuery(t *testing.T) {
	for raw, want := range map[string]string{
		"":                                "",
		"pageSize=50":                     "pageSize=50",
		"ST-App-Key=ak1&page=2":           "ST-App-Key=REDACTED&page=2",
		"Client_Secret=s&client_secret=t": "Client_Secret=REDACTED&client_secret=REDACTED",
	} {
		if got := redactQuery(raw); got != want {
			t.Errorf("redactQuery(%q) = %q, want %q", raw, got, want)
		}
	}
}

// BenchmarkAccessLine is the per-request access log line at info level
// into the text and JSON handlers stsim uses (writing to io.Discard),
// through Logger.LogAttrs as before, through writeAccessLine, and through
// NewLogger's fast path.
func BenchmarkAccessLine(b *testing.B) {
	for _, format := range []string{"text", "json"} {
		var h slog.Handler = slog.NewTextHandler(io.Discard, nil)
		if format == "json" {
			h = slog.NewJSONHandler(io.Discard, nil)
		}
		l := slog.New(h)
		b.Run(format+"/LogAttrs", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				accessLineViaLogger(l, slog.LevelInfo, &sampleAccess)
			}
		})
		b.Run(format+"/NewLogger", func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			h := NewLogger(io.Discard, format, slog.LevelInfo).Handler()
			for b.Loop() {
				if h.Enabled(ctx, slog.LevelInfo) {
					writeAccessLine(ctx, h, slog.LevelInfo, time.Now(), &sampleAccess)
				}
			}
		})
		b.Run(format+"/writeAccessLine", func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				if h.Enabled(ctx, slog.LevelInfo) {
					writeAccessLine(ctx, h, slog.LevelInfo, time.Now(), &sampleAccess)
				}
			}
		})
	}
}

// lineSink records what a lineWriter writes, and says when it writes.
type lineSink struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
	wrote  chan struct{}
}

func (s *lineSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	select {
	case s.wrote <- struct{}{}:
	default:
	}
	return s.buf.Write(p)
}

func (s *lineSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// TestQueuedAccessLinesKeepTheirOrder: access lines from many goroutines,
// queued, and other lines written at once, all reach the writer whole and
// in each goroutine's order; the other lines also after every access line
// logged before them.
func TestQueuedAccessLinesKeepTheirOrder(t *testing.T) {
	sink := &lineSink{wrote: make(chan struct{}, 1)}
	logger := NewLogger(sink, "text", slog.LevelInfo)
	const goroutines, lines = 8, 300
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				e := sampleAccess
				e.Path = fmt.Sprintf("/g%d/%d", g, i)
				writeAccessLine(context.Background(), logger.Handler(), slog.LevelInfo, time.Now(), &e)
				if i%50 == 49 {
					logger.Info("mark", "after", e.Path)
				}
			}
		}()
	}
	wg.Wait()
	flushLog(logger)
	next := make([]int, goroutines) // the next access line expected of each goroutine
	access, marks := 0, 0
	for _, line := range strings.Split(strings.TrimSuffix(sink.String(), "\n"), "\n") {
		var g, i int
		if _, err := fmt.Sscanf(line[strings.Index(line, "path=")+len("path="):], "/g%d/%d", &g, &i); err == nil {
			if i != next[g] {
				t.Fatalf("goroutine %d: access line %d, want %d: %q", g, i, next[g], line)
			}
			next[g]++
			access++
			continue
		}
		if _, err := fmt.Sscanf(line[strings.Index(line, "after=")+len("after="):], "/g%d/%d", &g, &i); err != nil {
			t.Fatalf("not a whole access or mark line: %q", line)
		}
		if next[g] != i+1 {
			t.Fatalf("goroutine %d: mark after line %d written after %d of its access lines", g, i, next[g])
		}
		marks++
	}
	if access != goroutines*lines || marks != goroutines*lines/50 {
		t.Errorf("%d access lines and %d marks, want %d and %d", access, marks, goroutines*lines, goroutines*lines/50)
	}
	t.Logf("%d lines in %d writes", access+marks, sink.writes)
}

// TestQueuedAccessLineIsWrittenUnasked: an access line logged to an
// otherwise idle logger is written without anything else happening.
func TestQueuedAccessLineIsWrittenUnasked(t *testing.T) {
	sink := &lineSink{wrote: make(chan struct{}, 1)}
	h := NewLogger(sink, "json", slog.LevelInfo).Handler()
	writeAccessLine(context.Background(), h, slog.LevelInfo, time.Now(), &sampleAccess)
	select {
	case <-sink.wrote:
	case <-time.After(30 * time.Second):
		t.Fatal("the access line was never written")
	}
	if got := sink.String(); !strings.Contains(got, `"path":"`+sampleAccess.Path+`"`) {
		t.Errorf("written: %q", got)
	}
}

// TestQueuedAccessLinesAreBounded: a line that would take the queue past
// maxQueuedLog bytes has the logging goroutine write the queue first.
func TestQueuedAccessLinesAreBounded(t *testing.T) {
	sink := &lineSink{wrote: make(chan struct{}, 1)}
	w := &lineWriter{w: sink}
	w.flushing = true // as if a flusher were on its way but never ran
	line := []byte(strings.Repeat("x", 1023) + "\n")
	for range maxQueuedLog/len(line) + 1 {
		w.queue(line)
	}
	if sink.writes != 1 || len(sink.String()) != maxQueuedLog || len(w.queued) != len(line) {
		t.Errorf("%d writes of %d bytes, %d bytes queued; want one of %d, and one line queued", sink.writes, len(sink.String()), len(w.queued), maxQueuedLog)
	}
}

// TestLogQueueBufferStaysBounded: long lines, written at once or queued,
// pass the queue by, in order: its buffer never holds more than about
// the queue's bound however long the lines it saw.
func TestLogQueueBufferStaysBounded(t *testing.T) {
	sink := &lineSink{wrote: make(chan struct{}, 1)}
	w := &lineWriter{w: sink}
	w.flushing = true // as if a flusher were on its way but never ran
	long := func(c string) []byte { return []byte(strings.Repeat(c, 4*maxQueuedLog) + "\n") }
	want := []string{"a\n", string(long("y")), "b\n", string(long("z")), "c\n"}
	w.queue([]byte(want[0]))
	if _, err := w.Write([]byte(want[1])); err != nil {
		t.Fatal(err)
	}
	w.queue([]byte(want[2]))
	w.queue([]byte(want[3]))
	w.queue([]byte(want[4]))
	if c := cap(w.queued); c > 2*maxQueuedLog {
		t.Errorf("the queue's buffer kept %d bytes, want at most %d", c, 2*maxQueuedLog)
	}
	w.flush()
	if got := sink.String(); got != strings.Join(want, "") {
		t.Errorf("written %d bytes, not the %d of the lines in order", len(got), len(strings.Join(want, "")))
	}
}

// TestStampCacheWritesWhatAppendMillisWrites: one cache asked for times in
// the same millisecond, the next one, another location and before 1970
// (negative UnixMilli values) writes what appendMillis writes.
func TestStampCacheWritesWhatAppendMillisWrites(t *testing.T) {
	base := time.Date(2026, 12, 6, 18, 4, 5, 123_000_000, time.UTC)
	cst := time.FixedZone("CST", -6*3600)
	times := []time.Time{
		base, base.Add(400 * time.Microsecond), base.Add(999_999 * time.Nanosecond),
		base.Add(time.Millisecond), base.Add(time.Millisecond).In(cst), base.Add(time.Millisecond),
		time.Unix(0, 500_000).UTC(), time.Unix(0, -500_000).UTC(), time.Unix(0, 500_000).UTC(),
		time.Unix(-1, 0).UTC(), time.Unix(-1, 200_000).UTC(),
		time.Now(), time.Now(),
	}
	var c stampCache
	for _, at := range times {
		got := string(c.appendMillis([]byte("x"), at))
		if want := string(appendMillis([]byte("x"), at)); got != want {
			t.Errorf("%v: got %q, want %q", at, got, want)
		}
	}
}

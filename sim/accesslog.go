package sim

import (
	"context"
	"log/slog"
	"runtime"
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
// clock read are gone.
func writeAccessLine(ctx context.Context, h slog.Handler, level slog.Level, at time.Time, e *journal.Entry) {
	r := slog.NewRecord(at, level, "request", accessLogPC)
	r.AddAttrs(slog.String("method", e.Method), slog.String("path", e.Path),
		slog.Int("status", e.Status), slog.Duration("latency", e.Latency),
		slog.String("trace", e.TraceID), slog.String("operation", e.Operation))
	_ = h.Handle(ctx, r)
}

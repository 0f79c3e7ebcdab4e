package sim

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Serve answers requests on ln until ctx is done, then shuts down
// gracefully, giving in-flight requests up to five seconds. Slow or idle
// clients are cut off by the configured timeouts, and at most
// MaxConnections connections are served at once.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    MaxWireHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	if s.cfg.MaxConnections > 0 {
		ln = netutil.LimitListener(ln, s.cfg.MaxConnections)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}

// OperationStatus says whether stsim emulates one documented operation.
type OperationStatus struct {
	Module, ID, Method, Path, Scope string
	Emulated                        bool
	Reason                          string // why it is not emulated
}

// Operations lists every ServiceTitan operation in the documents and whether
// a handler serves it. It waits for the documents to load.
func (s *Server) Operations() ([]OperationStatus, error) {
	var out []OperationStatus
	for _, m := range Modules {
		d, err := s.spec.Document(m.Name)
		if err != nil {
			return nil, err
		}
		for _, op := range d.Ops {
			out = append(out, OperationStatus{
				Module: op.Module, ID: op.ID, Method: op.Method, Path: op.Path, Scope: op.Scope,
				Emulated: s.routes[op.QualifiedID()] != nil, Reason: notEmulated[op.QualifiedID()],
			})
		}
	}
	return out, nil
}

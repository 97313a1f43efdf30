package secdir

import (
	"context"
	"log/slog"
)

// slogRecorder returns a logger that sets *warned on any warning.
func slogRecorder(warned *bool) *slog.Logger { return slog.New(&recorder{warned: warned}) }

type recorder struct{ warned *bool }

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	if rec.Level >= slog.LevelWarn {
		*r.warned = true
	}
	return nil
}
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

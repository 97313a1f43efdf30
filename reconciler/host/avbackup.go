package host

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/toolrun"
)

// Avbackup runs Altium's avbackup tool. It is run from its own folder: the v1.1 docs say
// a restore can fail when it is started from elsewhere.
type Avbackup struct {
	Path    string // avbackup(.exe)
	Ini     string // LocalVault.ini
	Timeout time.Duration
	Log     *slog.Logger
	Output  io.Writer
}

// Backup writes the file storage into zip (`avbackup backup -z ZIP -i INI`) and checks
// that the zip exists and is not empty: avbackup's exit codes are not documented.
func (a Avbackup) Backup(ctx context.Context, zip string) error {
	if err := a.run(ctx, "backup", zip); err != nil {
		return err
	}
	fi, err := os.Stat(zip)
	if err != nil {
		return fmt.Errorf("avbackup exited 0 but wrote no zip %s: %w", zip, err)
	}
	if fi.Size() == 0 {
		return fmt.Errorf("avbackup exited 0 but the zip %s is empty", zip)
	}
	return nil
}

// Restore puts the zip's file storage back (`avbackup restore -z ZIP -i INI`).
func (a Avbackup) Restore(ctx context.Context, zip string) error {
	if _, err := os.Stat(zip); err != nil {
		return fmt.Errorf("avbackup restore: zip %s: %w", zip, err)
	}
	return a.run(ctx, "restore", zip)
}

func (a Avbackup) run(ctx context.Context, verb, zip string) error {
	if _, err := os.Stat(a.Ini); err != nil {
		return fmt.Errorf("avbackup %s: LocalVault.ini %s: %w", verb, a.Ini, err)
	}
	_, err := toolrun.Run(ctx, toolrun.Cmd{
		Name:    "avbackup",
		Argv:    []string{a.Path, verb, "-z", zip, "-i", a.Ini},
		Dir:     filepath.Dir(a.Path),
		Timeout: a.Timeout,
		Log:     toolLog(a.Log, a.Output),
		Level:   slog.LevelDebug,
		Output:  a.Output,
	})
	if err != nil {
		return fmt.Errorf("avbackup %s -z %s: %w", verb, zip, err)
	}
	return nil
}

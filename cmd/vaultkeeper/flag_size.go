package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/manifests/capread"
)

// sizeFlag is a byte count written as 1048576, 1024KiB, 1MiB, 16M or 1GiB (binary units).
type sizeFlag struct{ n *int64 }

func (f sizeFlag) String() string {
	if f.n == nil {
		return ""
	}
	return strings.ReplaceAll(capread.FormatSize(*f.n), " ", "")
}

func (f sizeFlag) Type() string { return "size" }

func (f sizeFlag) Set(s string) error {
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil || v <= 0 || v > (1<<62)/mult {
		return fmt.Errorf("%q: want a positive size such as 1048576, 512KiB or 16MiB", s)
	}
	*f.n = v * mult
	return nil
}

// addManifestLimitFlags registers --max-manifest-size and --max-revision-size.
func addManifestLimitFlags(cmd *cobra.Command, l *manifests.Limits) {
	f := cmd.Flags()
	l.File, l.Revision = manifests.DefaultMaxFileSize, manifests.DefaultMaxRevisionSize
	f.Var(sizeFlag{&l.File}, "max-manifest-size", "largest manifest file accepted (a larger one invalidates the revision)")
	f.Var(sizeFlag{&l.Revision}, "max-revision-size", "largest total size of a revision's manifest files")
}

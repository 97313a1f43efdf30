package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"github.com/vaultkeeper/vaultkeeper/manifests"
)

// sizeFlag is a byte count written as 1048576, 1024KiB, 1MiB, 16M or 1GiB (binary units).
type sizeFlag struct{ n *int64 }

func (f sizeFlag) String() string {
	if f.n == nil {
		return ""
	}
	// Exact, so that `service install` can pass the value on to `run` unchanged.
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if *f.n != 0 && *f.n%u.mult == 0 {
			return strconv.FormatInt(*f.n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(*f.n, 10)
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
func addManifestLimitFlags(f *pflag.FlagSet, l *manifests.Limits) {
	l.File, l.Revision = manifests.DefaultMaxFileSize, manifests.DefaultMaxRevisionSize
	f.Var(sizeFlag{&l.File}, "max-manifest-size", "largest manifest file accepted (a larger one invalidates the revision)")
	f.Var(sizeFlag{&l.Revision}, "max-revision-size", "largest total size of a revision's manifest files")
}

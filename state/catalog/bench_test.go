package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkScan100x1000 scans 100 servers × 1,000 sets with small records (target ≤ 2 s).
// VK_BENCH_SERVERS and VK_BENCH_SETS shrink it for quick runs.
func BenchmarkScan100x1000(b *testing.B) {
	servers, sets := envInt("VK_BENCH_SERVERS", 100), envInt("VK_BENCH_SETS", 1000)
	dest := b.TempDir()
	start := time.Date(2020, 1, 1, 2, 0, 0, 0, time.UTC)
	for s := range servers {
		server := fmt.Sprintf("aes-%03d", s)
		for i := range sets {
			id := SetID(start.Add(time.Duration(i) * time.Hour))
			dir := filepath.Join(dest, server, id)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.Fatal(err)
			}
			raw, _ := json.Marshal(testMeta(server, "nightly", id))
			if err := os.WriteFile(filepath.Join(dir, FileMetadata), raw, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	roots := []Root{{Policy: "nightly", Destination: dest}}
	b.ResetTimer()
	for b.Loop() {
		c, problems, err := Scan(context.Background(), roots)
		if err != nil || len(problems) != 0 || c.Len() != servers*sets {
			b.Fatalf("scan: %d sets, %d problems, %v", c.Len(), len(problems), err)
		}
	}
}

func envInt(name string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(name), &n); err == nil && n > 0 {
		return n
	}
	return def
}

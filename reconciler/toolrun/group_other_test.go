//go:build !unix

package toolrun

import (
	"fmt"
	"os"
)

func spawnGrandchild(string) int {
	fmt.Fprintln(os.Stderr, "spawn helper needs unix")
	return 2
}

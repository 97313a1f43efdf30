package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Require returns the path of program name, failing the test under CI when it is missing
// and skipping it with the reason otherwise.
func Require(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required by this test and is missing (make test installs it): %v", name, err)
	}
	t.Skipf("%s not installed (run make test, which installs it): %v", name, err)
	return ""
}

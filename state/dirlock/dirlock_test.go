package dirlock

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestAcquireRelease(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir, Holder{Agent: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	// A second open of the file is another lock owner, in this process as in another one.
	_, err = Acquire(dir, Holder{Agent: "intruder"})
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrHeld) {
		t.Fatalf("second Acquire = %v, want a HeldError", err)
	}
	if held.Holder.Agent != "prod" || held.Holder.PID != os.Getpid() || held.Holder.Since.IsZero() {
		t.Errorf("holder = %+v, want agent prod, this pid and a time", held.Holder)
	}
	for _, want := range []string{filepath.Join(dir, LockFile), `agent "prod"`, fmt.Sprintf("pid %d", os.Getpid())} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(dir, Holder{Agent: "next"})
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	l2.Release()
}

// TestHelperHolder is run as a child process by TestLockDiesWithItsHolder: it takes the lock,
// says so and waits to be killed.
func TestHelperHolder(t *testing.T) {
	dir := os.Getenv("DIRLOCK_HELPER_DIR")
	if dir == "" {
		return // only meaningful as the child of TestLockDiesWithItsHolder
	}
	if _, err := Acquire(dir, Holder{Agent: "child"}); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	select {}
}

// Another process holding the lock is named; when it is killed (a crash), the OS releases
// the lock and the next agent starts without any clean-up.
func TestLockDiesWithItsHolder(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHolder$", "-test.count=1")
	cmd.Env = append(os.Environ(), "DIRLOCK_HELPER_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("helper said %q, %v", line, err)
	}
	_, err = Acquire(dir, Holder{Agent: "parent"})
	var held *HeldError
	if !errors.As(err, &held) || held.Holder.Agent != "child" || held.Holder.PID != cmd.Process.Pid {
		t.Fatalf("Acquire while the child holds it = %v, want the child (pid %d) named", err, cmd.Process.Pid)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	l, err := Acquire(dir, Holder{Agent: "parent"})
	if err != nil {
		t.Fatalf("Acquire after the holder died: %v", err)
	}
	l.Release()
}

func TestInstanceID(t *testing.T) {
	dir := t.TempDir()
	id, err := InstanceID(dir)
	if err != nil || len(id) != 32 {
		t.Fatalf("InstanceID = %q, %v", id, err)
	}
	again, err := InstanceID(dir)
	if err != nil || again != id {
		t.Fatalf("second InstanceID = %q, %v; want %q", again, err, id)
	}
	if other, _ := InstanceID(t.TempDir()); other == id {
		t.Fatal("two state dirs share an id")
	}
	os.WriteFile(filepath.Join(dir, IDFile), []byte("x"), 0o600)
	if _, err := InstanceID(dir); err == nil || !strings.Contains(err.Error(), IDFile) {
		t.Fatalf("damaged id = %v, want an error naming the file", err)
	}
}

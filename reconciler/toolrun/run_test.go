package toolrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The test binary doubles as the fake program: with TOOLRUN_HELPER set, TestMain runs the
// named behaviour instead of the tests (Go's os/exec helper-process pattern).
func TestMain(m *testing.M) {
	if mode := os.Getenv("TOOLRUN_HELPER"); mode != "" {
		os.Exit(helper(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func helper(mode string, args []string) int {
	switch mode {
	case "echo": // each arg to stdout, "err:"-prefixed args to stderr
		for _, a := range args {
			if s, ok := strings.CutPrefix(a, "err:"); ok {
				fmt.Fprintln(os.Stderr, s)
			} else {
				fmt.Fprintln(os.Stdout, a)
			}
		}
		return 0
	case "exit":
		fmt.Println("about to fail")
		n, _ := strconv.Atoi(args[0])
		return n
	case "cat":
		_, _ = io.Copy(os.Stdout, os.Stdin)
		return 0
	case "env":
		fmt.Println(os.Getenv(args[0]))
		return 0
	case "nonl":
		fmt.Print("partial line")
		return 0
	case "many":
		for i := range 100 {
			fmt.Printf("line %d\n", i)
		}
		return 0
	case "runner": // runs a long "pidsleep" child through Run, like the agent runs a tool
		exe, _ := os.Executable()
		_, _ = Run(context.Background(), Cmd{Argv: []string{exe, args[0]}, Env: []string{"TOOLRUN_HELPER=pidsleep"}})
		return 0
	case "pidsleep": // writes its pid to args[0], then sleeps
		_ = os.WriteFile(args[0], []byte(strconv.Itoa(os.Getpid())), 0o600)
		time.Sleep(time.Minute)
		return 0
	case "sleep":
		fmt.Println("sleeping")
		time.Sleep(time.Minute)
		return 0
	case "spawn": // start a grandchild in the same process group, record its pid, sleep
		return spawnGrandchild(args[0])
	}
	fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
	return 2
}

func helperCmd(t *testing.T, mode string, args ...string) Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Cmd{Name: "fake", Argv: append([]string{exe}, args...), Env: []string{"TOOLRUN_HELPER=" + mode, "GORACE=atexit_sleep_ms=0"}}
}

func TestRun(t *testing.T) {
	const secret = "S3cr3t-Canary!"
	tests := []struct {
		name     string
		mode     string
		args     []string
		stdin    string
		env      []string
		timeout  time.Duration
		wantCode int
		wantOut  string
		wantTail []string
		wantErr  func(error) bool
	}{
		{name: "stdout", mode: "echo", args: []string{"one", "two", "three"},
			wantOut: "one\ntwo\nthree\n", wantTail: []string{"one", "two", "three"}},
		{name: "stderr", mode: "echo", args: []string{"err:one", "err:two"},
			wantOut: "one\ntwo\n", wantTail: []string{"one", "two"}},
		{name: "secret masked", mode: "echo", args: []string{"user/" + secret + "@xe", secret},
			wantOut: "user/***@xe\n***\n", wantTail: []string{"user/***@xe", "***"}},
		{name: "secret masked on stderr", mode: "echo", args: []string{"err:pw=" + secret},
			wantOut: "pw=***\n", wantTail: []string{"pw=***"}},
		{name: "exit code", mode: "exit", args: []string{"3"}, wantCode: 3, wantOut: "about to fail\n",
			wantTail: []string{"about to fail"},
			wantErr:  func(err error) bool { var e *ExitError; return errors.As(err, &e) && e.Code == 3 }},
		{name: "stdin", mode: "cat", stdin: "a\nb\n", wantOut: "a\nb\n", wantTail: []string{"a", "b"}},
		{name: "env", mode: "env", args: []string{"TOOLRUN_X"}, env: []string{"TOOLRUN_X=hello"},
			wantOut: "hello\n", wantTail: []string{"hello"}},
		{name: "last line without newline", mode: "nonl", wantOut: "partial line\n", wantTail: []string{"partial line"}},
		{name: "timeout", mode: "sleep", timeout: 3 * time.Second, wantCode: -1, wantOut: "sleeping\n",
			wantTail: []string{"sleeping"},
			wantErr:  func(err error) bool { return errors.Is(err, ErrTimeout) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := helperCmd(t, tc.mode, tc.args...)
			c.Env = append(c.Env, tc.env...)
			if tc.stdin != "" {
				c.Stdin = strings.NewReader(tc.stdin)
			}
			c.Timeout = tc.timeout
			c.Mask = []string{secret}
			var out, logs bytes.Buffer
			c.Output = &out
			c.Log = slog.New(slog.NewTextHandler(&logs, nil))
			res, err := Run(context.Background(), c)
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("Run: %v", err)
			case tc.wantErr != nil && !tc.wantErr(err):
				t.Fatalf("Run error = %v, not the expected kind", err)
			}
			if res.ExitCode != tc.wantCode {
				t.Errorf("ExitCode = %d, want %d", res.ExitCode, tc.wantCode)
			}
			if out.String() != tc.wantOut {
				t.Errorf("Output = %q, want %q", out.String(), tc.wantOut)
			}
			if strings.Join(res.Tail, "\n") != strings.Join(tc.wantTail, "\n") {
				t.Errorf("Tail = %q, want %q", res.Tail, tc.wantTail)
			}
			for _, text := range []string{logs.String(), out.String(), fmt.Sprint(err)} {
				if strings.Contains(text, secret) {
					t.Errorf("secret leaked: %q", text)
				}
			}
			if tc.wantOut != "" && !strings.Contains(logs.String(), "tool=fake") {
				t.Errorf("log lines lack the tool name: %s", logs.String())
			}
			if res.Duration <= 0 {
				t.Errorf("Duration = %v", res.Duration)
			}
		})
	}
}

func TestRunTailBounded(t *testing.T) {
	res, err := Run(context.Background(), helperCmd(t, "many"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tail) != tailLines || res.Tail[len(res.Tail)-1] != "line 99" || res.Tail[0] != "line 80" {
		t.Fatalf("Tail = %q", res.Tail)
	}
}

func TestRunErrorCarriesMaskedTail(t *testing.T) {
	c := helperCmd(t, "exit", "1")
	c.Mask = []string{"about"}
	_, err := Run(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), "*** to fail") || !strings.Contains(err.Error(), "fake") {
		t.Fatalf("error = %v, want the tool name and the masked tail", err)
	}
}

func TestRunContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := Run(ctx, helperCmd(t, "sleep"))
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("cancel took %v", d)
	}
}

func TestRunMissingProgram(t *testing.T) {
	_, err := Run(context.Background(), Cmd{Argv: []string{"/nonexistent/vaultkeeper-no-such-tool"}})
	var ee *ExitError
	if err == nil || errors.As(err, &ee) || !strings.Contains(err.Error(), "vaultkeeper-no-such-tool") {
		t.Fatalf("error = %v", err)
	}
	if _, err := Run(context.Background(), Cmd{}); err == nil {
		t.Fatal("empty argv accepted")
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pw=abc and abcd", "pw=*** and ***"},
		{"nothing", "nothing"},
	}
	for _, tc := range tests {
		if got := Redact(tc.in, "", "abcd", "abc"); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// spawnGrandchild is the helper mode "spawn": it starts a sleeping child of its own, writes
// the child's pid to pidFile and sleeps, so a test can see whether a kill reached the child.
func spawnGrandchild(pidFile string) int {
	exe, _ := os.Executable()
	gc := exec.Command(exe)
	gc.Env = append(os.Environ(), "TOOLRUN_HELPER=sleep")
	if err := gc.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	_ = os.WriteFile(pidFile, []byte(strconv.Itoa(gc.Process.Pid)), 0o600)
	fmt.Println("spawned")
	time.Sleep(time.Minute)
	return 0
}

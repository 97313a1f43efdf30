//go:build !windows

package host

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// script writes an executable shell script standing in for a Windows tool.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIIS(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name    string
		body    string
		start   bool
		wantErr string
	}{
		{name: "stop ok", body: "echo The World Wide Web Publishing Service service was stopped successfully."},
		{name: "stop already stopped", body: "echo 'The World Wide Web Publishing Service service is not started.'; echo 'More help is available by typing NET HELPMSG 3521.'; exit 2"},
		{name: "start already started", start: true, body: "echo 'The requested service has already been started.'; echo 'More help is available by typing NET HELPMSG 2182.'; exit 2"},
		{name: "stop access denied", body: "echo 'System error 5 has occurred.'; echo 'Access is denied.'; exit 2", wantErr: "Access is denied"},
		{name: "start hangs past timeout", start: true, body: "sleep 5", wantErr: "timed out"},
		{name: "benign text of the other verb is an error", start: true, body: "echo 'NET HELPMSG 3521'; exit 2", wantErr: "exit"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := script(t, dir, "net"+string(rune('a'+i)), c.body)
			iis := IIS{StopArgv: []string{p, "stop", "WAS", "/y"}, StartArgv: []string{p, "start", "W3SVC"}, Timeout: 300 * time.Millisecond}
			var err error
			if c.start {
				err = iis.Start(context.Background())
			} else {
				err = iis.Stop(context.Background())
			}
			if c.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("err = %v, want it to mention %q", err, c.wantErr)
			}
		})
	}
}

func TestAvbackup(t *testing.T) {
	dir := t.TempDir()
	ini := filepath.Join(dir, "LocalVault.ini")
	os.WriteFile(ini, []byte("User=X\r\n"), 0o644)
	zip := filepath.Join(dir, "files.zip")
	cases := []struct {
		name, body, ini, wantErr string
	}{
		{name: "writes zip", body: `[ "$1" = backup ] && [ "$2" = -z ] && [ "$4" = -i ] && [ "$(pwd)" = "` + dir + `" ] && printf PK > "$3"`, ini: ini},
		{name: "exit 0 without zip", body: "exit 0", ini: ini, wantErr: "wrote no zip"},
		{name: "missing ini", body: "exit 0", ini: filepath.Join(dir, "nope.ini"), wantErr: "LocalVault.ini"},
		{name: "failure", body: "echo 'Access to the path is denied'; exit 1", ini: ini, wantErr: "Access to the path is denied"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			os.Remove(zip)
			p := script(t, dir, "avbackup"+string(rune('a'+i)), c.body)
			err := Avbackup{Path: p, Ini: c.ini, Timeout: 5 * time.Second}.Backup(context.Background(), zip)
			if c.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("err = %v, want it to mention %q", err, c.wantErr)
			}
		})
	}
}

func TestFreeBytes(t *testing.T) {
	n, err := FreeBytes(t.TempDir())
	if err != nil || n <= 0 {
		t.Fatalf("FreeBytes = %d, %v", n, err)
	}
	if _, err := FreeBytes(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("no error for a missing folder")
	}
}

func TestStopChecksIISState(t *testing.T) {
	dir := t.TempDir()
	net := script(t, dir, "net", "exit 0")
	cases := []struct {
		name, state, wantErr string
	}{
		{name: "stopped: WAS down, site state unknown", state: "Unknown"},
		{name: "stopped site", state: "Stopped"},
		{name: "net said stopped but the site still runs", state: "Started", wantErr: "IIS still runs"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			appcmd := script(t, dir, "appcmd"+string(rune('a'+i)), `cat <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<appcmd>
    <SITE SITE.NAME="Default Web Site" SITE.ID="1" bindings="http/*:80:" state="Started" />
    <SITE SITE.NAME="Altium365" SITE.ID="2" bindings="https/*:443:aes.corp.example.com" state="`+c.state+`" />
</appcmd>
X`)
			iis := IIS{StopArgv: []string{net, "stop", "WAS", "/y"}, Timeout: time.Second, State: AppcmdState(appcmd, "Altium365")}
			err := iis.Stop(context.Background())
			if c.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("err = %v, want it to say %q", err, c.wantErr)
			}
		})
	}
}

func TestDefaultIISStateFindsAppcmdBesideTheStopProgram(t *testing.T) {
	dir := t.TempDir()
	if DefaultIISState([]string{"net", "stop", "WAS", "/y"}, "Altium365") != nil {
		t.Error("a state reader without any appcmd to run")
	}
	script(t, dir, "appcmd", "exit 0")
	if DefaultIISState([]string{filepath.Join(dir, "net"), "stop"}, "Altium365") == nil {
		t.Error("appcmd beside the stop program not used")
	}
}

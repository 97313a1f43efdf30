package host

import (
	"fmt"
	"os"
	"path/filepath"
)

// Host is a simulated Altium host rooted at Root.
type Host struct{ Root string }

// EnvRoot names the environment variable that overrides the root folder.
const EnvRoot = "ALTIUM_SIM_ROOT"

// Resolve finds the host root: $ALTIUM_SIM_ROOT, else the parent of the folder holding
// the executable (ROOT/bin/altium-sim → ROOT).
func Resolve() (Host, error) {
	if r := os.Getenv(EnvRoot); r != "" {
		return Host{Root: r}, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return Host{}, fmt.Errorf("locate executable: %w", err)
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	root := filepath.Dir(filepath.Dir(exe))
	if _, err := os.Stat(filepath.Join(root, "LocalVault.ini")); err != nil {
		return Host{}, fmt.Errorf("no simulated host around %q (set %s): %w", exe, EnvRoot, err)
	}
	return Host{Root: root}, nil
}

// Paths of the host's files.
func (h Host) LocalVault() string     { return filepath.Join(h.Root, "LocalVault.ini") }
func (h Host) AppHostConfig() string  { return filepath.Join(h.Root, "applicationHost.config") }
func (h Host) Tnsnames() string       { return filepath.Join(h.Root, "tnsnames.ora") }
func (h Host) FileStorage() string    { return filepath.Join(h.Root, "FileStorage") }
func (h Host) GenerationFile() string { return filepath.Join(h.FileStorage(), ".generation") }
func (h Host) IISState() string       { return filepath.Join(h.Root, "iis.json") }
func (h Host) Bin() string            { return filepath.Join(h.Root, "bin") }
func (h Host) Secrets() string        { return filepath.Join(h.Root, "secrets") }
func (h Host) Events() string         { return filepath.Join(h.Root, "events.jsonl") }
func (h Host) Faults() string         { return filepath.Join(h.Root, "faults.yaml") }
func (h Host) Epoch() string          { return filepath.Join(h.Root, "epoch") }
func (h Host) DataPumpDir() string    { return filepath.Join(h.Root, "oracle", "dpdump") }

// NLSLang holds the host's default NLS_LANG (the registry's, on Windows), used by the
// client tools when the NLS_LANG environment variable is not set; absent: the default.
func (h Host) NLSLang() string { return filepath.Join(h.Root, "oracle", "nls_lang") }

// Glogin is the site profile SQL*Plus runs after every CONNECT
// ($ORACLE_HOME/sqlplus/admin/glogin.sql); absent unless init was given --glogin.
func (h Host) Glogin() string  { return filepath.Join(h.Root, "oracle", "glogin.sql") }
func (h Host) Product() string { return filepath.Join(h.Root, "product") }

// Tools are the names the multi-call binary answers to besides altium-sim.
var Tools = []string{"avbackup", "exp", "imp", "expdp", "impdp", "sqlplus", "net", "appcmd"}

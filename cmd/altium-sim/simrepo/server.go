package simrepo

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

// Host is one simulated host in a manifests repo.
type Host struct {
	// Name is the Server's name; Agent the agent that owns it.
	Name, Agent string
	// Root is the folder given to `altium-sim init --root`.
	Root string
	// DBLocation is host:port of the Oracle listener the checks expect.
	DBLocation   string
	AllowRestore bool
	// PDB is spec.oracle.pdb; Server fills it from the host's database when it is a CDB.
	PDB string
}

var server = template.Must(template.New("server").Parse(`apiVersion: vaultkeeper.io/v1alpha1
kind: Server
metadata: {name: {{.Name}}}
spec:
  agent: {{.Agent}}
  product: EnterpriseServer
  installDir: '{{.Root}}'
  localVaultIni: '{{.Root}}/LocalVault.ini'
  avbackup: '{{.Root}}/bin/avbackup'
  allowRestore: {{.AllowRestore}}
  iis:
    applicationHostConfig: '{{.Root}}/applicationHost.config'
    site: Altium365
    stop: ['{{.Root}}/bin/net', stop, WAS, /y]
    start: ['{{.Root}}/bin/net', start, W3SVC]
  oracle:
    tnsnames: '{{.Root}}/tnsnames.ora'
    schema: AESUSER313
    schemaPassword: {file: '{{.Root}}/secrets/schema-password'}
    admin: {driver: sqlplus, sqlplus: '{{.Root}}/bin/sqlplus'}
    dump: {tool: exp, bin: '{{.Root}}/bin'}
    {{- if .PDB}}
    pdb: {{.PDB}}
    {{- end}}
  expect:
    domain: CORP
    websiteDomain: aes.corp.example.com
    dbLocation: {{.DBLocation}}
    databaseName: XE
  checkInterval: 1h
  timeouts: {serviceStop: 1m, avbackup: 10m, dump: 10m}
`))

// Server is the Server document of h (without a leading ---), with the simulator's
// defaults of `altium-sim init` (schema AESUSER313, alias XE, site Altium365).
func Server(h Host) string {
	if h.Agent == "" {
		h.Agent = "demo"
	}
	if h.DBLocation == "" {
		h.DBLocation = "127.0.0.1:1521"
	}
	if h.PDB == "" {
		h.PDB = hostPDB(h.Root)
	}
	h.Root = filepath.ToSlash(h.Root)
	var b strings.Builder
	if err := server.Execute(&b, h); err != nil {
		panic(err) // the template and Host are fixed: it cannot fail
	}
	return b.String()
}

// hostPDB reads the PDB of the simulated database at root ("" for a non-CDB or no host).
func hostPDB(root string) string {
	raw, err := os.ReadFile(filepath.Join(root, "oracle", "db.json"))
	if err != nil {
		return ""
	}
	var st struct {
		PDB string `json:"pdb"`
	}
	if json.Unmarshal(raw, &st) != nil {
		return ""
	}
	return st.PDB
}

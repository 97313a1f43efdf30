package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simrepo"
)

// demoHost is one simulated Altium host of the demo.
type demoHost struct {
	Name, Root, DBLocation string
	AllowRestore           bool
}

// demoManifests are the example manifests (manifests/examples) pointed at the simulated
// hosts: the same kinds and fields, with paths under the demo folder and the simulator's
// tools in place of the Windows ones.
var demoManifests = template.Must(template.New("m").Funcs(template.FuncMap{"server": demoServer}).Parse(`# yaml-language-server: $schema=https://raw.githubusercontent.com/vaultkeeper/vaultkeeper/main/manifests/schema/vaultkeeper.schema.json
{{- range .Hosts}}
---
{{server .}}---
apiVersion: vaultkeeper.io/v1alpha1
kind: BackupPolicy
metadata: {name: {{.Name}}-nightly}
spec:
  server: {{.Name}}
  schedule: "0 2 * * *"
  timeZone: Europe/Zurich
  destination: '{{$.Dir}}/backups'
  {{- if eq .Name "aes-prod"}}
  copies: ['{{$.Dir}}/nas']
  {{- end}}
  retention: {keepLast: 3, keepDaily: 14, keepWeekly: 8, minVerified: 1}
  maxAge: 26h
  verify: {interval: 168h}
{{- end}}
{{- if .Restore}}
---
apiVersion: vaultkeeper.io/v1alpha1
kind: Restore
metadata: {name: staging-refresh}
spec:
  server: aes-staging
  confirm: aes-staging
  source: {policy: aes-prod-nightly, backup: latest}
  maxLag: 168h
  safetyBackup: true
{{- end}}
`))

func demoServer(h demoHost) string {
	return simrepo.Server(simrepo.Host{Name: h.Name, Root: h.Root, DBLocation: h.DBLocation, AllowRestore: h.AllowRestore})
}

// writeDemoManifests writes the manifests repo's single file.
func writeDemoManifests(repo, dir string, hosts []demoHost, restore bool) error {
	var b strings.Builder
	if err := demoManifests.Execute(&b, map[string]any{"Dir": filepath.ToSlash(dir), "Hosts": hosts, "Restore": restore}); err != nil {
		return err
	}
	if err := os.MkdirAll(repo, 0o755); err != nil {
		return err
	}
	p := filepath.Join(repo, "altium.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("demo manifests %s: %w", p, err)
	}
	return nil
}

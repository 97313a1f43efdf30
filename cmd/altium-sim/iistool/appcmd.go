package iistool

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

// Appcmd runs `appcmd` with argv and returns its exit code.
func Appcmd(env simtool.Env, argv []string) int {
	var words []string
	asXML := false
	name := ""
	for _, a := range argv {
		low := strings.ToLower(a)
		switch {
		case low == "/xml":
			asXML = true
		case strings.HasPrefix(low, "/site.name:"), strings.HasPrefix(low, "/name:"):
			_, name, _ = strings.Cut(a, ":")
		default:
			words = append(words, a)
		}
	}
	if len(words) < 2 || !strings.EqualFold(words[1], "site") && !strings.EqualFold(words[1], "sites") {
		fmt.Fprintln(env.Stdout, "ERROR ( message:Unknown command or object. Run 'appcmd /?' for help. )")
		return 1
	}
	if len(words) > 2 && name == "" {
		name = strings.Trim(words[2], `"`)
	}
	sites, err := host.ReadSites(env.Host.AppHostConfig())
	if err != nil {
		fmt.Fprintf(env.Stdout, "ERROR ( message:Configuration error\nFilename: %s\n%v )\n", env.Host.AppHostConfig(), err)
		return 13
	}
	switch strings.ToLower(words[0]) {
	case "list":
		return list(env, sites, name, asXML)
	case "start", "stop":
		return startStop(env, sites, strings.ToLower(words[0]), name)
	}
	fmt.Fprintln(env.Stdout, "ERROR ( message:Unknown command or object. Run 'appcmd /?' for help. )")
	return 1
}

func bindings(s host.Site) string {
	parts := make([]string, len(s.Bindings))
	for i, b := range s.Bindings {
		parts[i] = b.Protocol + "/" + b.Info
	}
	return strings.Join(parts, ",")
}

func list(env simtool.Env, sites []host.Site, name string, asXML bool) int {
	iis, err := env.Host.ReadIIS()
	if err != nil {
		fmt.Fprintf(env.Stdout, "ERROR ( message:%v )\n", err)
		return 1
	}
	type siteXML struct {
		Name     string `xml:"SITE.NAME,attr"`
		ID       int    `xml:"SITE.ID,attr"`
		Bindings string `xml:"bindings,attr"`
		State    string `xml:"state,attr"`
	}
	var out []siteXML
	for _, s := range sites {
		if name == "" || strings.EqualFold(s.Name, name) {
			out = append(out, siteXML{s.Name, s.ID, bindings(s), iis.SiteState(s.Name)})
		}
	}
	if name != "" && len(out) == 0 {
		fmt.Fprintf(env.Stdout, "ERROR ( message:Cannot find SITE object with identifier \"%s\". )\n", name)
		return 1168
	}
	if asXML {
		fmt.Fprintln(env.Stdout, `<?xml version="1.0" encoding="UTF-8"?>`)
		fmt.Fprintln(env.Stdout, "<appcmd>")
		for _, s := range out {
			raw, _ := xml.Marshal(struct {
				XMLName xml.Name `xml:"SITE"`
				siteXML
			}{siteXML: s})
			fmt.Fprintf(env.Stdout, "    %s\n", strings.Replace(string(raw), "></SITE>", " />", 1))
		}
		fmt.Fprintln(env.Stdout, "</appcmd>")
		return 0
	}
	for _, s := range out {
		fmt.Fprintf(env.Stdout, "SITE %q (id:%d,bindings:%s,state:%s)\n", s.Name, s.ID, s.Bindings, s.State)
	}
	return 0
}

func startStop(env simtool.Env, sites []host.Site, verb, name string) int {
	found := false
	for _, s := range sites {
		if strings.EqualFold(s.Name, name) {
			name, found = s.Name, true
		}
	}
	if !found {
		fmt.Fprintf(env.Stdout, "ERROR ( message:Cannot find SITE object with identifier \"%s\". )\n", name)
		return 1168
	}
	code := 0
	err := env.Host.WithLock(func(db *simdb.DB) error {
		iis, err := env.Host.ReadIIS()
		if err != nil {
			return err
		}
		if !iis.Running["W3SVC"] {
			fmt.Fprintln(env.Stdout, "ERROR ( hresult:80070426, message:Command execution failed.\nThe service has not been started. )")
			code = 1062
			return nil
		}
		want := map[string]string{"start": "Started", "stop": "Stopped"}[verb]
		if iis.Sites[name] == want {
			fmt.Fprintf(env.Stdout, "ERROR ( hresult:800710d8, message:Command execution failed.\nThe object identifier does not represent a valid object. )\n")
			code = 1
			return nil
		}
		iis.Sites[name] = want
		fmt.Fprintf(env.Stdout, "%q successfully %s.\n", name, map[string]string{"start": "started", "stop": "stopped"}[verb])
		if err := env.Host.WriteIIS(iis); err != nil {
			return err
		}
		return syncSessions(env.Host, db, iis)
	})
	if err != nil {
		fmt.Fprintf(env.Stdout, "ERROR ( message:%v )\n", err)
		return 1
	}
	return code
}

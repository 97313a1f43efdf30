package checks

import (
	"context"
	"fmt"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/checks/iis"
)

// checkIISBinding: the server's IIS site exists and has an http(s) binding whose host name is
// LocalVault.ini's WebsiteDomain.
func checkIISBinding(_ context.Context, env Env) (string, error) {
	domain, lv, err := localVaultValue(env, keyWebsiteDomain)
	if err != nil {
		return "", err
	}
	c, err := readIIS(env)
	if err != nil {
		return "", err
	}
	name := env.Server.Spec.IIS.Site
	site, ok := c.Site(name)
	if !ok {
		var names []string
		for _, s := range c.Sites {
			names = append(names, s.Name)
		}
		return "", fmt.Errorf("IIS has no site %s (sites: %s): fix spec.iis.site of server %s, or create the site",
			name, strings.Join(names, ", "), env.Server.Metadata.Name)
	}
	b, how := site.Serving(domain)
	switch how {
	case iis.Exact:
		return fmt.Sprintf("IIS site %s has binding %s for WebsiteDomain %s", site.Name, b, domain), nil
	case iis.Wildcard, iis.AnyHost:
		return fmt.Sprintf("IIS site %s serves WebsiteDomain %s through binding %s (%s); warning: no binding names %s itself, this one answers other host names too",
			site.Name, domain, b, how, domain), nil
	}
	var seen []string
	for _, b := range site.Bindings {
		p := strings.ToLower(b.Protocol)
		if p == "http" || p == "https" {
			seen = append(seen, b.String())
		}
	}
	if len(seen) == 0 {
		seen = []string{"none"}
	}
	return "", fmt.Errorf("IIS site %s has no binding with host name %s (WebsiteDomain in %s); its http(s) bindings are %s: set the host name of its binding to %s in IIS Manager",
		site.Name, domain, lv.Name, strings.Join(seen, ", "), domain)
}

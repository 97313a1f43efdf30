package host

import (
	"encoding/xml"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// SiteName returns the IIS site name the product installs.
func SiteName(product string) string {
	if product == "NexusServer" {
		return "Altium NEXUS Server"
	}
	return "Altium365"
}

// RenderAppHostConfig returns an applicationHost.config with the default web site
// (stopped, id 1) and the Altium site (id 2): http *:80:, https *:443:<fqdn> with SNI.
func RenderAppHostConfig(site, fqdn, installDir string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<configuration>
    <system.applicationHost>
        <applicationPools>
            <add name="DefaultAppPool" />
            <add name="%[1]s" managedRuntimeVersion="v4.0" managedPipelineMode="Integrated" startMode="AlwaysRunning">
                <processModel identityType="LocalSystem" idleTimeout="00:00:00" />
            </add>
            <applicationPoolDefaults managedRuntimeVersion="v4.0">
                <processModel identityType="ApplicationPoolIdentity" />
            </applicationPoolDefaults>
        </applicationPools>
        <sites>
            <site name="Default Web Site" id="1" serverAutoStart="false">
                <application path="/">
                    <virtualDirectory path="/" physicalPath="%%SystemDrive%%\inetpub\wwwroot" />
                </application>
                <bindings>
                    <binding protocol="http" bindingInformation="*:8080:" />
                </bindings>
            </site>
            <site name="%[1]s" id="2" serverAutoStart="true">
                <application path="/" applicationPool="%[1]s">
                    <virtualDirectory path="/" physicalPath="%[3]s\Web" />
                </application>
                <bindings>
                    <binding protocol="http" bindingInformation="*:80:" />
                    <binding protocol="https" bindingInformation="*:443:%[2]s" sslFlags="1" />
                </bindings>
            </site>
            <siteDefaults>
                <logFile logFormat="W3C" directory="%%SystemDrive%%\inetpub\logs\LogFiles" />
            </siteDefaults>
            <applicationDefaults applicationPool="DefaultAppPool" />
        </sites>
    </system.applicationHost>
</configuration>
`, xmlEscape(site), xmlEscape(fqdn), xmlEscape(installDir))
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// Site is a site of applicationHost.config.
type Site struct {
	Name     string    `xml:"name,attr"`
	ID       int       `xml:"id,attr"`
	Bindings []Binding `xml:"bindings>binding"`
}

// Binding is one binding; Info is bindingInformation (IP:port:host).
type Binding struct {
	Protocol string `xml:"protocol,attr"`
	Info     string `xml:"bindingInformation,attr"`
}

// Host returns the host part of the binding information ("" for any host).
func (b Binding) Host() string {
	i := strings.LastIndex(b.Info, ":")
	return b.Info[i+1:]
}

// Port returns the port of the binding information (0 if unreadable).
func (b Binding) Port() int {
	parts := strings.Split(b.Info, ":")
	if len(parts) < 3 {
		return 0
	}
	p, _ := strconv.Atoi(parts[len(parts)-2])
	return p
}

// ReadSites parses the sites of an applicationHost.config.
func ReadSites(path string) ([]Site, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read applicationHost.config %q: %w", path, err)
	}
	var doc struct {
		Sites []Site `xml:"system.applicationHost>sites>site"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("parse applicationHost.config %q: %w", path, err)
	}
	return doc.Sites, nil
}

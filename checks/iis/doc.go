// Package iis reads the sites and bindings of IIS's applicationHost.config
// (%windir%\System32\inetsrv\config) with a streaming XML decoder:
// configuration/system.applicationHost/sites/site elements with their name and id, and the
// bindings of each site.
//
// bindingInformation is "IP:port:host" for http, https and ftp ("*" for all addresses, and an
// empty address means the same: ":80:host" is read as IP "*"; an empty host for any host,
// IPv6 addresses in brackets such as "[::]:443:host"); other
// protocols (net.tcp "808:*", net.pipe "*", …) keep their information unparsed in
// Binding.Information with Port 0. sslFlags is a number or a list of flag names
// ("Sni, CentralCertStore").
//
// Bindings in <siteDefaults> are inherited by every site; a site's <bindings> adds to them
// unless it starts with <clear/>, and <remove> deletes one inherited binding, as in IIS's
// configuration collections. Files are limited to MaxFileSize and MaxDepth nested elements.
//
// Site.Serving finds the binding that serves a domain the way http.sys picks one: an exact
// host name first, then an IIS 10 wildcard host name ("*.corp.example.com" serves
// "aes.corp.example.com", never "corp.example.com"; the documentation says "any subdomain",
// so deeper names match too, which is not verified on a real IIS), then an https binding
// without a host name.
package iis

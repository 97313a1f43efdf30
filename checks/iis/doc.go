// Package iis reads the sites and bindings of IIS's applicationHost.config
// (%windir%\System32\inetsrv\config) with a streaming XML decoder:
// configuration/system.applicationHost/sites/site elements with their name and id, and the
// bindings of each site.
//
// bindingInformation is "IP:port:host" for http, https and ftp ("*" for all addresses, an
// empty host for any host, IPv6 addresses in brackets such as "[::]:443:host"); other
// protocols (net.tcp "808:*", net.pipe "*", …) keep their information unparsed in
// Binding.Information with Port 0. sslFlags is a number or a list of flag names
// ("Sni, CentralCertStore").
//
// Bindings in <siteDefaults> are inherited by every site; a site's <bindings> adds to them
// unless it starts with <clear/>, and <remove> deletes one inherited binding, as in IIS's
// configuration collections. Files are limited to MaxFileSize and MaxDepth nested elements.
package iis

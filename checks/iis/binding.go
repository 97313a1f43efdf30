package iis

import (
	"fmt"
	"strconv"
	"strings"
)

// Binding is one way a request reaches a site.
type Binding struct {
	Protocol string
	// IP is "*" for all addresses (also when bindingInformation leaves it empty, ":80:host",
	// as PowerShell's New-WebBinding writes it), an address without brackets, or "" for
	// protocols whose information is not IP:port:host.
	IP string
	// Port is 0 for protocols whose information is not IP:port:host.
	Port int
	// Host is the host header; "" means any host.
	Host     string
	SSLFlags int
	// Information is the bindingInformation attribute as written.
	Information string
}

// String gives the binding as appcmd shows it: protocol/IP:port:host.
func (b Binding) String() string { return b.Protocol + "/" + b.Information }

// parseInformation splits "IP:port:host" ("[v6]:port:host" for IPv6).
func parseInformation(info string) (ip string, port int, host string, err error) {
	rest := info
	if strings.HasPrefix(rest, "[") {
		end := strings.Index(rest, "]:")
		if end < 0 {
			return "", 0, "", fmt.Errorf("bindingInformation %q: IPv6 address without \"]:\"", info)
		}
		ip, rest = rest[1:end], rest[end+2:]
	} else {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return "", 0, "", fmt.Errorf("bindingInformation %q is not IP:port:host", info)
		}
		ip, rest = rest[:i], rest[i+1:]
	}
	i := strings.IndexByte(rest, ':')
	if i < 0 {
		return "", 0, "", fmt.Errorf("bindingInformation %q is not IP:port:host", info)
	}
	p, err := strconv.Atoi(rest[:i])
	if err != nil || p < 1 || p > 65535 {
		return "", 0, "", fmt.Errorf("bindingInformation %q: port %q is not 1-65535", info, rest[:i])
	}
	if ip == "" {
		ip = "*" // an empty address is every address, as "*" is
	}
	return ip, p, rest[i+1:], nil
}

// sslFlagNames are the names IIS accepts for sslFlags bits.
var sslFlagNames = map[string]int{
	"none": 0, "sni": 1, "centralcertstore": 2, "disablehttp2": 4, "disableocspstp": 8,
	"disablequic": 16, "disabletls13": 32, "disablelegacytls": 64,
}

func parseSSLFlags(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > 0xFFFF {
			return 0, fmt.Errorf("sslFlags %q is out of range", s)
		}
		return n, nil
	}
	flags := 0
	for _, name := range strings.Split(s, ",") {
		v, ok := sslFlagNames[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			return 0, fmt.Errorf("sslFlags %q: unknown flag %q", s, strings.TrimSpace(name))
		}
		flags |= v
	}
	return flags, nil
}

// parsesInformation reports whether protocol uses IP:port:host.
func parsesInformation(protocol string) bool {
	switch strings.ToLower(protocol) {
	case "http", "https", "ftp":
		return true
	}
	return false
}

package manifests

import (
	"path"
	"strings"
)

// IsAbsPath reports whether p is absolute on Windows (C:\x, C:/x, \\server\share\x) or on
// POSIX (/x). Manifests describe Windows hosts but are validated anywhere, so the check does
// not depend on the operating system it runs on.
func IsAbsPath(p string) bool {
	if isDrivePath(p) {
		return len(p) >= 3 && (p[2] == '\\' || p[2] == '/')
	}
	if isUNC(p) {
		return true
	}
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//")
}

// isDrivePath reports whether p starts with a drive letter and a colon.
func isDrivePath(p string) bool {
	return len(p) >= 2 && p[1] == ':' && ('a' <= p[0] && p[0] <= 'z' || 'A' <= p[0] && p[0] <= 'Z')
}

// isUNC reports whether p is \\server\share… (or //server/share…) with a server and a share.
func isUNC(p string) bool {
	if !strings.HasPrefix(p, `\\`) && !strings.HasPrefix(p, "//") {
		return false
	}
	parts := strings.FieldsFunc(p[2:], func(r rune) bool { return r == '\\' || r == '/' })
	return len(parts) >= 2
}

// isWindowsPath reports whether p is written the Windows way.
func isWindowsPath(p string) bool {
	return isDrivePath(p) || strings.HasPrefix(p, `\\`) || strings.Contains(p, `\`)
}

// JoinPath joins path elements with `\` when base looks like a Windows path (a drive letter,
// a UNC path or any backslash), else with `/`. Separators at the joints are not doubled.
func JoinPath(base string, elem ...string) string {
	if !isWindowsPath(base) {
		return path.Join(append([]string{base}, elem...)...)
	}
	var b strings.Builder
	b.WriteString(base)
	for _, e := range elem {
		e = strings.Trim(e, `\/`)
		if e == "" {
			continue
		}
		if s := b.String(); !strings.HasSuffix(s, `\`) && !strings.HasSuffix(s, "/") {
			b.WriteByte('\\')
		}
		b.WriteString(strings.ReplaceAll(e, "/", `\`))
	}
	return b.String()
}

// samePath reports whether two absolute paths name the same folder: Windows paths compare
// case-insensitively with either slash, and trailing separators are ignored.
func samePath(a, b string) bool {
	return normPath(a) == normPath(b)
}

func normPath(p string) string {
	if isWindowsPath(p) {
		p = strings.ToLower(strings.ReplaceAll(p, "/", `\`))
		if len(p) > 3 || !isDrivePath(p) {
			p = strings.TrimRight(p, `\`)
		}
		return p
	}
	if p = path.Clean(p); p == "" {
		return "/"
	}
	return p
}

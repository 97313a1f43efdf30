package oracli

import (
	"os"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
)

// DefaultNLSLang is the client setting when neither the NLS_LANG environment variable nor
// the host's default (init --nls-lang, the registry's NLS_LANG on Windows) says otherwise.
const DefaultNLSLang = "AMERICAN_AMERICA.WE8MSWIN1252"

// NLS is a client's NLS_LANG: LANGUAGE_TERRITORY.CHARSET.
type NLS struct {
	Language, Territory, Charset string
}

// ClientNLS returns the NLS_LANG a client tool runs with: the environment variable, else
// the host's default, else DefaultNLSLang.
func ClientNLS(h host.Host) NLS {
	v := os.Getenv("NLS_LANG")
	if v == "" {
		if raw, err := os.ReadFile(h.NLSLang()); err == nil {
			v = strings.TrimSpace(string(raw))
		}
	}
	if v == "" {
		v = DefaultNLSLang
	}
	return ParseNLS(v)
}

// ParseNLS parses LANGUAGE_TERRITORY.CHARSET; missing parts take DefaultNLSLang's.
func ParseNLS(v string) NLS {
	n := NLS{Language: "AMERICAN", Territory: "AMERICA", Charset: "WE8MSWIN1252"}
	lt, cs, hasCS := strings.Cut(strings.ToUpper(strings.TrimSpace(v)), ".")
	if hasCS && cs != "" {
		n.Charset = cs
	}
	if l, t, ok := strings.Cut(lt, "_"); ok {
		if l != "" {
			n.Language = l
		}
		if t != "" {
			n.Territory = t
		}
	} else if lt != "" {
		n.Language = lt
	}
	return n
}

// german holds the messages the simulator translates for NLS_LANG GERMAN_…: the final
// lines vaultkeeper must not depend on. The German wording is made up (no real German
// transcript was found); only the message codes are known to stay as they are.
var german = map[string]string{
	"Export terminated successfully without warnings.":  "Export erfolgreich ohne Warnungen beendet.",
	"Export terminated successfully with warnings.":     "Export erfolgreich mit Warnungen beendet.",
	"Export terminated unsuccessfully":                  "Export nicht erfolgreich beendet",
	"Import terminated successfully without warnings.":  "Import erfolgreich ohne Warnungen beendet.",
	"Import terminated successfully with warnings.":     "Import erfolgreich mit Warnungen beendet.",
	"Import terminated unsuccessfully":                  "Import nicht erfolgreich beendet",
	"Warning: object created with compilation warnings": "Warnung: Objekt mit Kompilierungswarnungen erstellt",
}

// Translate returns msg in the client's language (AMERICAN: unchanged).
func (n NLS) Translate(msg string) string {
	if n.Language == "GERMAN" {
		if t, ok := german[msg]; ok {
			return t
		}
	}
	return msg
}

package sqlgen

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Errors returned (wrapped) for names and passwords that cannot be placed in SQL.
var (
	ErrInvalidIdentifier = errors.New("invalid Oracle identifier")
	ErrInvalidPassword   = errors.New("password cannot be used in IDENTIFIED BY")
)

var identRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_$#]{0,127}$`)

// MaxPasswordBytes is Oracle's limit for a password (12.2 and later).
const MaxPasswordBytes = 1024

// Name validates an identifier vaultkeeper chooses and returns it upper-cased, unquoted.
func Name(name string) (string, error) {
	if !identRE.MatchString(name) {
		return "", fmt.Errorf("%w %q: want a letter then letters, digits, _, $ or # (at most 128)", ErrInvalidIdentifier, name)
	}
	return strings.ToUpper(name), nil
}

// Ident validates an identifier and returns it upper-cased and double-quoted.
func Ident(name string) (string, error) {
	n, err := Name(name)
	if err != nil {
		return "", err
	}
	return `"` + n + `"`, nil
}

// literal returns a validated identifier as an upper-case string literal ('AESUSER313'),
// for comparisons with the data dictionary. A valid identifier holds no quote.
func literal(name string) (string, error) {
	n, err := Name(name)
	if err != nil {
		return "", err
	}
	return "'" + n + "'", nil
}

// QuoteExisting double-quotes a name read from the data dictionary, keeping its case.
func QuoteExisting(name string) (string, error) {
	if name == "" || len(name) > 128 || !utf8.ValidString(name) || strings.ContainsAny(name, "\"\x00\r\n") {
		return "", fmt.Errorf("%w %q: cannot be quoted", ErrInvalidIdentifier, name)
	}
	return `"` + name + `"`, nil
}

// Password validates a password and returns it double-quoted for IDENTIFIED BY. The
// password itself never appears in the error.
func Password(pw string) (string, error) {
	switch {
	case pw == "":
		return "", fmt.Errorf("%w: empty", ErrInvalidPassword)
	case len(pw) > MaxPasswordBytes:
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalidPassword, MaxPasswordBytes)
	case !utf8.ValidString(pw):
		return "", fmt.Errorf("%w: not valid UTF-8", ErrInvalidPassword)
	case strings.ContainsAny(pw, "\"\x00\r\n"):
		return "", fmt.Errorf("%w: it holds a double quote, NUL or line break, which Oracle cannot quote", ErrInvalidPassword)
	}
	return `"` + pw + `"`, nil
}

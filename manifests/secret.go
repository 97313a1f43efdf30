package manifests

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrSecretEmpty is returned (wrapped) when a secret resolves to an empty string.
var ErrSecretEmpty = errors.New("secret is empty")

// Resolve reads the secret from the environment variable or the file. Errors name the
// variable or the file but never contain the secret. Trailing \r and \n of a file are
// trimmed; an empty secret is an error.
func (r SecretRef) Resolve() (string, error) {
	switch {
	case r.Env != "" && r.File != "":
		return "", fmt.Errorf("secret: both env %s and file %s are set", r.Env, r.File)
	case r.Env != "":
		v, ok := os.LookupEnv(r.Env)
		if !ok {
			return "", fmt.Errorf("secret: environment variable %s is not set", r.Env)
		}
		if v == "" {
			return "", fmt.Errorf("secret: environment variable %s: %w", r.Env, ErrSecretEmpty)
		}
		return v, nil
	case r.File != "":
		b, err := os.ReadFile(r.File)
		if err != nil {
			// The *PathError names the file and the cause, never the content.
			return "", fmt.Errorf("secret: %w", err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", fmt.Errorf("secret: file %s: %w", r.File, ErrSecretEmpty)
		}
		return v, nil
	}
	return "", errors.New("secret: neither env nor file is set")
}

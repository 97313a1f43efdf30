//go:build tools

// Package tools pins the modules the project depends on while their importers are being written.
package tools

import (
	_ "github.com/ProtonMail/go-crypto/openpgp"
	_ "github.com/fsnotify/fsnotify"
	_ "github.com/go-git/go-git/v5"
	_ "github.com/klauspost/compress/flate"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/prometheus/client_model/go"
	_ "github.com/robfig/cron/v3"
	_ "github.com/sijms/go-ora/v2"
	_ "github.com/spf13/cobra"
	_ "sigs.k8s.io/yaml"
)

package avbackup

import (
	"flag"
	"fmt"
	"os"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

// ManifestName is the zip entry holding the manifest.
const ManifestName = "avbackup-manifest.json"

// Manifest describes a backup zip.
type Manifest struct {
	Tool       string `json:"tool"`
	Generation int64  `json:"generation"`
	Files      int    `json:"files"`
}

// Run runs avbackup with argv and returns its exit code.
func Run(env simtool.Env, argv []string) int {
	if len(argv) == 0 || (argv[0] != "backup" && argv[0] != "restore") {
		fmt.Fprintln(env.Stderr, "Usage: avbackup backup|restore -z <zip file> -i <LocalVault.ini>")
		return 1
	}
	fs := flag.NewFlagSet("avbackup "+argv[0], flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	zipPath := fs.String("z", "", "zip file")
	ini := fs.String("i", "", "LocalVault.ini")
	if err := fs.Parse(argv[1:]); err != nil {
		return 1
	}
	if *zipPath == "" || *ini == "" {
		fmt.Fprintln(env.Stderr, "Error: both -z <zip file> and -i <LocalVault.ini> are required.")
		return 1
	}
	if _, err := host.ReadLocalVault(*ini); err != nil {
		fmt.Fprintf(env.Stderr, "Error: cannot read configuration file '%s': %v\n", *ini, err)
		return 1
	}
	if argv[0] == "restore" {
		if err := checkZip(*zipPath); err != nil {
			fmt.Fprintf(env.Stderr, "Error: '%s' is not a valid backup archive: %v\n", *zipPath, err)
			return 1
		}
	}
	stopped, err := stopServices(env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: %v\n", err)
		return 1
	}
	code := 0
	if argv[0] == "backup" {
		code = backup(env, *zipPath)
	} else {
		code = restore(env, *zipPath)
	}
	if err := startServices(env, stopped); err != nil {
		fmt.Fprintf(env.Stderr, "Error: %v\n", err)
		return 1
	}
	return code
}

// stopServices stops the running IIS services and returns them, to start them again.
func stopServices(env simtool.Env) ([]string, error) {
	var stopped []string
	err := env.Host.WithLock(func(db *simdb.DB) error {
		iis, err := env.Host.ReadIIS()
		if err != nil {
			return err
		}
		for _, name := range []string{"W3SVC", "WAS"} {
			for _, s := range iis.Stop(name) {
				fmt.Fprintf(env.Stdout, "Stopping service %s ... stopped.\n", s)
				stopped = append(stopped, s)
			}
		}
		if len(stopped) == 0 {
			return nil
		}
		if err := env.Host.WriteIIS(iis); err != nil {
			return err
		}
		return releaseSessions(env.Host, db)
	})
	return stopped, err
}

// releaseSessions: with IIS down the application's sessions end.
func releaseSessions(h host.Host, db *simdb.DB) error {
	lv, err := host.ReadLocalVault(h.LocalVault())
	if err != nil {
		return nil
	}
	iis, err := h.ReadIIS()
	if err != nil {
		return err
	}
	if u := db.User(lv.User); u != nil && u.Sessions >= iis.AppSessions {
		u.Sessions -= iis.AppSessions
		return db.Save()
	}
	return nil
}

// startServices starts exactly the services that were stopped, dependencies first.
func startServices(env simtool.Env, stopped []string) error {
	if len(stopped) == 0 {
		return nil
	}
	return env.Host.WithLock(func(*simdb.DB) error {
		iis, err := env.Host.ReadIIS()
		if err != nil {
			return err
		}
		for i := len(stopped) - 1; i >= 0; i-- {
			for _, s := range iis.Start(stopped[i]) {
				fmt.Fprintf(env.Stdout, "Starting service %s ... started.\n", s)
			}
		}
		return env.Host.WriteIIS(iis)
	})
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

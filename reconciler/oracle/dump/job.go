package dump

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

// Tool is one of Oracle's dump tools.
type Tool string

// The tools.
const (
	Exp   Tool = "exp"
	Imp   Tool = "imp"
	Expdp Tool = "expdp"
	Impdp Tool = "impdp"
)

// DataPump reports whether t is expdp or impdp.
func (t Tool) DataPump() bool { return t == Expdp || t == Impdp }

// Export reports whether t exports.
func (t Tool) Export() bool { return t == Exp || t == Expdp }

// Job is one export or import of a schema.
type Job struct {
	// Tool is required.
	Tool Tool
	// User, Password and Alias log the tool on (userid="USER/pw@alias"). Alias is a
	// tnsnames.ora alias; empty Alias is not allowed (it would hit the local default).
	User, Password, Alias string

	// Schema is the schema exported (owner= / schemas=). Exports only.
	Schema string
	// FromUser and ToUser map the import (fromuser=/touser=; Data Pump remap_schema=
	// when they differ). Imports only; ToUser defaults to FromUser.
	FromUser, ToUser string
	// RemapTablespaces maps tablespaces on import (Data Pump remap_tablespace=).
	RemapTablespaces map[string]string

	// File is the dump: a host path for exp/imp (file=), a file name inside Directory
	// for Data Pump (dumpfile=).
	File string
	// LogFile is the tool's log: a host path for exp/imp (log=), a file name inside
	// Directory for Data Pump (logfile=).
	LogFile string
	// Directory is the Oracle DIRECTORY object (Data Pump only, required there).
	Directory string
	// FlashbackSCN, when set, makes the export read the schema as of that SCN
	// (flashback_scn=, the minimal-downtime mode). Otherwise exports are read-consistent
	// as of their start: exp consistent=y, expdp flashback_time=systimestamp. Exactly one
	// consistency parameter is passed: Oracle rejects combining them.
	FlashbackSCN uint64
}

// Params returns the parameter lines after userid, validated, in a fixed order.
func (j Job) Params() ([]string, error) {
	name := func(what, v string) (string, error) {
		n, err := sqlgen.Name(v)
		if err != nil {
			return "", fmt.Errorf("%s %s: %w", j.Tool, what, err)
		}
		return n, nil
	}
	path := func(what, v string) (string, error) {
		if v == "" || strings.ContainsAny(v, "\"\r\n\x00#") {
			return "", fmt.Errorf("%s %s %q: want a plain path", j.Tool, what, v)
		}
		return `"` + v + `"`, nil
	}
	var out []string
	add := func(k, v string) { out = append(out, k+"="+v) }
	file, err := path("file", j.File)
	if err != nil {
		return nil, err
	}
	logf, err := path("log", j.LogFile)
	if err != nil {
		return nil, err
	}
	if j.Tool.DataPump() {
		dir, err := name("directory", j.Directory)
		if err != nil {
			return nil, err
		}
		if strings.ContainsAny(j.File+j.LogFile, `/\:`) {
			return nil, fmt.Errorf("%s: dumpfile %q and logfile %q are file names inside directory %s", j.Tool, j.File, j.LogFile, dir)
		}
		add("directory", dir)
		add("dumpfile", file)
		add("logfile", logf)
	} else {
		add("file", file)
		add("log", logf)
	}
	switch j.Tool {
	case Exp, Expdp:
		s, err := name("schema", j.Schema)
		if err != nil {
			return nil, err
		}
		if j.Tool == Exp {
			add("owner", s)
			add("statistics", "none")
		} else {
			add("schemas", s)
		}
		switch {
		case j.FlashbackSCN > 0:
			add("flashback_scn", strconv.FormatUint(j.FlashbackSCN, 10))
		case j.Tool == Exp:
			add("consistent", "y") // exp's default N reads each table at its own moment
		default:
			add("flashback_time", "systimestamp")
		}
	case Imp, Impdp:
		from, err := name("fromuser", j.FromUser)
		if err != nil {
			return nil, err
		}
		to := from
		if j.ToUser != "" {
			if to, err = name("touser", j.ToUser); err != nil {
				return nil, err
			}
		}
		if j.Tool == Imp {
			add("fromuser", from)
			add("touser", to)
			if len(j.RemapTablespaces) > 0 {
				return nil, fmt.Errorf("imp cannot remap tablespaces (use impdp): %v", j.RemapTablespaces)
			}
		} else {
			add("schemas", from)
			if to != from {
				add("remap_schema", from+":"+to)
			}
			var pairs []string
			for a, b := range j.RemapTablespaces {
				na, err := name("remap_tablespace", a)
				if err != nil {
					return nil, err
				}
				nb, err := name("remap_tablespace", b)
				if err != nil {
					return nil, err
				}
				pairs = append(pairs, na+":"+nb)
			}
			sort.Strings(pairs)
			if len(pairs) > 0 {
				add("remap_tablespace", strings.Join(pairs, ","))
			}
		}
	default:
		return nil, fmt.Errorf("unknown dump tool %q", j.Tool)
	}
	return out, nil
}

// userid is the credential line.
func (j Job) userid() (string, error) {
	if err := checkCredential(j.User, j.Password, j.Alias); err != nil {
		return "", fmt.Errorf("%s userid: %w", j.Tool, err)
	}
	return `userid="` + strings.ToUpper(j.User) + "/" + j.Password + "@" + j.Alias + `"`, nil
}

package manifests

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Validate checks a whole revision and returns every problem it finds, one per field,
// sorted by file and document. It expects SetDefaults to have been applied to each object
// (Load does both). Beyond each object's own fields it checks what only the revision as a
// whole can tell: unique names per kind and references that resolve.
func Validate(set *Set) ErrorList {
	var errs ErrorList
	v := &validator{
		set:       set,
		errs:      &errs,
		servers:   map[string]*Server{},
		policies:  map[string]*BackupPolicy{},
		restoreOn: map[string]*Restore{},
	}
	for _, o := range set.Servers {
		e := v.meta(o)
		if first, dup := v.servers[o.Metadata.Name]; dup {
			e.add("metadata.name", "duplicate name, first defined in "+first.origin)
		} else if o.Metadata.Name != "" {
			v.servers[o.Metadata.Name] = o
		}
		validateServer(e, &o.Spec)
	}
	for _, o := range set.Policies {
		e := v.meta(o)
		if first, dup := v.policies[o.Metadata.Name]; dup {
			e.add("metadata.name", "duplicate name, first defined in "+first.origin)
		} else if o.Metadata.Name != "" {
			v.policies[o.Metadata.Name] = o
		}
		v.policy(e, &o.Spec)
	}
	restores := map[string]*Restore{}
	for _, o := range set.Restores {
		e := v.meta(o)
		if first, dup := restores[o.Metadata.Name]; dup {
			e.add("metadata.name", "duplicate name, first defined in "+first.origin)
		} else if o.Metadata.Name != "" {
			restores[o.Metadata.Name] = o
		}
		v.restore(e, o)
	}
	notifiers := map[string]*Notifier{}
	for _, o := range set.Notifiers {
		e := v.meta(o)
		if first, dup := notifiers[o.Metadata.Name]; dup {
			e.add("metadata.name", "duplicate name, first defined in "+first.origin)
		} else if o.Metadata.Name != "" {
			notifiers[o.Metadata.Name] = o
		}
		validateNotifier(e, &o.Spec)
	}
	sortErrors(errs)
	return errs
}

type validator struct {
	set       *Set
	errs      *ErrorList
	servers   map[string]*Server
	policies  map[string]*BackupPolicy
	restoreOn map[string]*Restore // target server → first restore onto it
}

// meta checks apiVersion, kind and name, and returns the collector for the object's errors.
func (v *validator) meta(o Object) *objErrs {
	e := newObjErrs(v.errs, o, docOf(o))
	want := kindOf(o)
	tm := o.GetTypeMeta()
	if tm.Kind != want {
		e.kind = want
		e.add("kind", fmt.Sprintf("must be %s for a %T, got %q", want, o, tm.Kind))
	}
	if tm.APIVersion != APIVersion {
		e.add("apiVersion", fmt.Sprintf("unknown apiVersion %q: want %s", tm.APIVersion, APIVersion))
	}
	checkName(e, "metadata.name", o.GetName(), true)
	return e
}

func kindOf(o Object) string {
	switch o.(type) {
	case *Server:
		return KindServer
	case *BackupPolicy:
		return KindBackupPolicy
	case *Restore:
		return KindRestore
	case *Notifier:
		return KindNotifier
	}
	return ""
}

var dns1123 = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// checkName checks a DNS-1123 label.
func checkName(e *objErrs, field, name string, required bool) {
	switch {
	case name == "":
		if required {
			e.add(field, "is required")
		}
	case len(name) > 63 || !dns1123.MatchString(name):
		e.add(field, fmt.Sprintf("%q is not a DNS-1123 label (lower case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)", name))
	}
}

var oracleID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_$#]{0,127}$`)

// checkOracleID checks an (unquoted) Oracle identifier.
func checkOracleID(e *objErrs, field, id string, required bool) {
	switch {
	case id == "":
		if required {
			e.add(field, "is required")
		}
	case !oracleID.MatchString(id):
		e.add(field, fmt.Sprintf("%q is not an Oracle identifier (a letter, then at most 127 letters, digits, _, $ or #)", id))
	}
}

// checkPath checks an absolute path.
func checkPath(e *objErrs, field, p string, required bool) {
	switch {
	case p == "":
		if required {
			e.add(field, "is required")
		}
	case !IsAbsPath(p):
		e.add(field, fmt.Sprintf(`%s is not an absolute path (C:\…, \\server\share\… or /…)`, q(p)))
	}
}

// checkDuration checks a positive duration of at most limit (0: no limit) and returns it.
func checkDuration(e *objErrs, field, s string, required bool, limit time.Duration) time.Duration {
	if s == "" {
		if required {
			e.add(field, "is required")
		}
		return 0
	}
	d, err := ParseDuration(s)
	switch {
	case err != nil:
		e.add(field, fmt.Sprintf("invalid duration %q: use a Go duration such as 90m, 26h or 14d", s))
	case d <= 0:
		e.add(field, fmt.Sprintf("must be > 0, got %s", s))
	case limit > 0 && d > limit:
		e.add(field, fmt.Sprintf("must be at most %s, got %s", fmtDuration(limit), s))
	default:
		return d
	}
	return 0
}

func fmtDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	}
	return d.String()
}

// q quotes a value for a message. Unlike %q it leaves backslashes alone, so that Windows
// paths read as they were written.
func q(s string) string {
	for _, r := range s {
		if r == '"' || r < ' ' || r == 0x7f {
			return strconv.Quote(s)
		}
	}
	return `"` + s + `"`
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkSecret checks that a SecretRef names exactly one source.
func checkSecret(e *objErrs, field string, r SecretRef, required bool) {
	switch {
	case r.Env == "" && r.File == "":
		if required {
			e.add(field, "is required: {env: NAME} or {file: PATH}")
		}
	case r.Env != "" && r.File != "":
		e.add(field, "must set exactly one of env and file")
	case r.Env != "":
		if !envName.MatchString(r.Env) {
			e.add(field+".env", fmt.Sprintf("%q is not an environment variable name (letters, digits and _, not starting with a digit)", r.Env))
		}
	default:
		checkPath(e, field+".file", r.File, true)
	}
}

// checkArgv checks an argv list that is optional but, when given, complete.
func checkArgv(e *objErrs, field string, argv []string) {
	if argv == nil {
		return
	}
	if len(argv) == 0 {
		e.add(field, "must not be empty (omit it for the default)")
		return
	}
	for i, a := range argv {
		if a == "" {
			e.add(field+"["+strconv.Itoa(i)+"]", "must not be empty")
		}
	}
}

// checkEnum checks that s is one of the allowed values.
func checkEnum(e *objErrs, field, s string, allowed ...string) bool {
	for _, a := range allowed {
		if s == a {
			return true
		}
	}
	want := ""
	for i, a := range allowed {
		switch {
		case i == 0:
		case i == len(allowed)-1:
			want += " or "
		default:
			want += ", "
		}
		want += a
	}
	e.add(field, fmt.Sprintf("must be %s, got %q", want, s))
	return false
}

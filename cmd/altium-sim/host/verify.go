package host

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// Report is the JSON `altium-sim verify -o json` prints.
type Report struct {
	Consistent       bool              `json:"consistent"`
	FilesGeneration  int64             `json:"filesGeneration"`
	DBGeneration     int64             `json:"dbGeneration"`
	IISRunning       bool              `json:"iisRunning"`
	LocalVault       map[string]string `json:"localVault"`
	TnsnamesAgrees   bool              `json:"tnsnamesAgrees"`
	IISBindingAgrees bool              `json:"iisBindingAgrees"`
	// IsDBA says whether the schema holds the DBA role (it must not, after a restore).
	IsDBA bool `json:"isDBA"`
	// QuotaOK says whether the schema can allocate a new extent in every tablespace its
	// segments use (UNLIMITED TABLESPACE or a quota there); NoQuota names the others.
	QuotaOK bool     `json:"quotaOK"`
	NoQuota []string `json:"noQuota,omitempty"`
	// InvalidObjects counts the schema's objects with status INVALID.
	InvalidObjects int      `json:"invalidObjects"`
	Problems       []string `json:"problems"`
}

// Verify checks the host the way the restore seed's "Verify data integrity" does, plus
// the generations: consistent means the file storage and the schema carry the same one
// and nothing else is wrong. The password is masked in LocalVault.
func (h Host) Verify() (Report, error) {
	r := Report{Problems: []string{}, LocalVault: map[string]string{}}
	lv, err := ReadLocalVault(h.LocalVault())
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	for _, kv := range lv.Keys() {
		v := kv[1]
		if kv[0] == "Password" && v != "" {
			v = "***"
		}
		r.LocalVault[kv[0]] = v
	}
	if lv.DataSourceType != "Oracle" {
		r.Problems = append(r.Problems, fmt.Sprintf("LocalVault.ini: DataSourceType is %q, want Oracle", lv.DataSourceType))
	}
	fg, ok, err := h.FilesGeneration()
	switch {
	case err != nil:
		r.Problems = append(r.Problems, err.Error())
	case !ok:
		r.Problems = append(r.Problems, "FileStorage: no .generation (file storage missing or not restored)")
	}
	r.FilesGeneration = fg
	iis, err := h.ReadIIS()
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
	} else {
		r.IISRunning = iis.AppRunning()
	}
	r.TnsnamesAgrees = h.checkTns(lv, &r)
	r.IISBindingAgrees = h.checkBinding(lv, iis, &r)
	err = h.WithLock(func(db *simdb.DB) error {
		u := db.User(lv.User)
		if u == nil {
			r.Problems = append(r.Problems, fmt.Sprintf("Oracle: schema %q does not exist", lv.User))
			return nil
		}
		r.DBGeneration = u.Generation
		if _, err := db.Login(lv.User, lv.Password); err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("Oracle: LocalVault.ini credentials of %s: %v", lv.User, err))
		}
		r.IsDBA = u.HasRole("DBA")
		if r.IsDBA {
			r.Problems = append(r.Problems, fmt.Sprintf("Oracle: %s still holds the DBA role", u.Name))
		}
		r.NoQuota = u.NoQuota()
		r.QuotaOK = len(r.NoQuota) == 0
		for _, ts := range r.NoQuota {
			r.Problems = append(r.Problems, fmt.Sprintf("Oracle: %s cannot allocate in tablespace %s (ORA-01950: no privileges on tablespace '%s')", u.Name, ts, ts))
		}
		r.InvalidObjects = u.Invalid
		if !u.OwnsObjects() {
			r.Problems = append(r.Problems, fmt.Sprintf("Oracle: schema %s holds no objects", u.Name))
		}
		return nil
	})
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	if r.FilesGeneration != r.DBGeneration {
		r.Problems = append(r.Problems, fmt.Sprintf("generation mismatch: file storage %d, database %d", r.FilesGeneration, r.DBGeneration))
	}
	r.Consistent = len(r.Problems) == 0
	return r, nil
}

func (h Host) checkTns(lv LocalVault, r *Report) bool {
	te, ok, err := LookupTNS(h.Tnsnames(), lv.DatabaseName)
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
		return false
	}
	if !ok {
		r.Problems = append(r.Problems, fmt.Sprintf("tnsnames.ora: alias %q (LocalVault DatabaseName) not found", lv.DatabaseName))
		return false
	}
	host, port, err := net.SplitHostPort(lv.DBLocation)
	if err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("LocalVault.ini: DBLocation %q: %v", lv.DBLocation, err))
		return false
	}
	if !strings.EqualFold(host, te.Host) || port != strconv.Itoa(te.Port) {
		r.Problems = append(r.Problems, fmt.Sprintf("tnsnames.ora: %s points at %s:%d, LocalVault DBLocation is %s", lv.DatabaseName, te.Host, te.Port, lv.DBLocation))
		return false
	}
	return true
}

func (h Host) checkBinding(lv LocalVault, iis *IIS, r *Report) bool {
	sites, err := ReadSites(h.AppHostConfig())
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
		return false
	}
	want := "Altium365"
	if iis != nil {
		want = iis.AppSite
	}
	for _, s := range sites {
		if s.Name != want {
			continue
		}
		for _, b := range s.Bindings {
			if b.Protocol == "https" && strings.EqualFold(b.Host(), lv.WebsiteDomain) {
				return true
			}
		}
		r.Problems = append(r.Problems, fmt.Sprintf("IIS: site %q has no https binding for WebsiteDomain %q", want, lv.WebsiteDomain))
		return false
	}
	r.Problems = append(r.Problems, fmt.Sprintf("IIS: site %q not in applicationHost.config", want))
	return false
}

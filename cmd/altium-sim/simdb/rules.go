package simdb

import (
	"fmt"
	"strings"
)

// The releases the simulator models (altium-sim init --oracle-version).
const (
	Release112  = "11.2"
	Release121  = "12.1"
	Release19c  = "19c"
	Release21XE = "21c-xe"
)

// Releases lists every release the simulator models.
var Releases = []string{Release112, Release121, Release19c, Release21XE}

// ParseRelease checks a release name ("" is Release19c).
func ParseRelease(s string) (string, error) {
	if s == "" {
		return Release19c, nil
	}
	for _, r := range Releases {
		if strings.EqualFold(s, r) {
			return r, nil
		}
	}
	return "", fmt.Errorf("oracle version %q: want one of %s", s, strings.Join(Releases, ", "))
}

// release returns the state's release, "" read as 19c.
func (s *State) release() string {
	if s.Release == "" {
		return Release19c
	}
	return s.Release
}

// The side effects of GRANT and REVOKE on UNLIMITED TABLESPACE and quotas, per release,
// as Marek Läll tabulated them for 11.1.0.7, 11.2.0.2-4 and 12.1.0.1-2 (My Oracle Support
// note 1169515.1, "When Revoking Unlimited Tablespace System Privilege Tablespace Quota
// Also Removed"), and as Brian Fitzgerald showed on 19.16 (exagriddba.com, "10 things you
// didn't know about tablespace quotas": DBA still grants and revokes UNLIMITED TABLESPACE,
// quotas survive). 21c is taken to behave as 19c (not verified).
//
//   - GRANT DBA grants UNLIMITED TABLESPACE directly (all modelled releases);
//     GRANT RESOURCE does so on 11.2 only.
//   - REVOKE DBA revokes UNLIMITED TABLESPACE (even one granted separately);
//     REVOKE RESOURCE does so on 11.2 only.
//   - On 11.2 and 12.1, revoking UNLIMITED TABLESPACE (directly or through REVOKE DBA)
//     also removes every tablespace quota of the user; on 11.2 REVOKE RESOURCE does too.
func (s *State) grantImpliesUnlimited(role string) bool {
	switch role {
	case "DBA":
		return true
	case "RESOURCE":
		return s.release() == Release112
	}
	return false
}

func (s *State) revokeRemovesUnlimited(role string) bool { return s.grantImpliesUnlimited(role) }

func (s *State) revokeRemovesQuotas(what string) bool {
	switch s.release() {
	case Release112:
		return what == "DBA" || what == "RESOURCE" || what == "UNLIMITED TABLESPACE"
	case Release121:
		return what == "DBA" || what == "UNLIMITED TABLESPACE"
	}
	return false
}

// GrantDirectory grants (or with grant false revokes) READ/WRITE on a directory object.
func (s *State) GrantDirectory(user, dir string, privs []string, grant bool) error {
	u := s.User(user)
	if u == nil {
		return Ora(ErrGranteeNotExist, "user or role '%s' does not exist", strings.ToUpper(user))
	}
	dir = strings.ToUpper(dir)
	if _, ok := s.Directories[dir]; !ok {
		return Ora(942, "table or view does not exist")
	}
	for _, p := range privs {
		p = strings.ToUpper(p)
		if p != "READ" && p != "WRITE" && p != "EXECUTE" {
			return Ora(ErrInvalidPrivilege, "missing or invalid privilege")
		}
		if grant && !u.HasDirPriv(dir, p) {
			u.DirPrivs = append(u.DirPrivs, dir+":"+p)
		} else if !grant {
			u.DirPrivs = remove(u.DirPrivs, dir+":"+p)
		}
	}
	return nil
}

// SetQuota gives user an unlimited quota on tablespace (ALTER USER … QUOTA UNLIMITED ON …).
func (s *State) SetQuota(user, tablespace string) error {
	u := s.User(user)
	if u == nil {
		return Ora(ErrUserNotExist, "user '%s' does not exist", strings.ToUpper(user))
	}
	ts := strings.ToUpper(tablespace)
	if !s.HasTablespace(ts) {
		return Ora(ErrNoTablespace, "tablespace '%s' does not exist", ts)
	}
	if !contains(u.Quotas, ts) {
		u.Quotas = append(u.Quotas, ts)
	}
	return nil
}

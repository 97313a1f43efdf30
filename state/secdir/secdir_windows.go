//go:build windows

package secdir

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Full control for SYSTEM, Administrators and the agent's own account. On folders the
// entries are inherited by new files and folders (OI)(CI); "P" protects the DACL from
// inheriting the parent's entries (%ProgramData% lets Users create files).
const (
	dirSDDL  = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;%s)"
	fileSDDL = "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;%s)"
)

// protectTree sets the protected DACL on dir and on everything under it. Failing on dir
// is an error; failing on files in it (held open elsewhere) is errIncomplete.
func protectTree(dir string) error {
	if err := protect(dir, true); err != nil {
		return err
	}
	var failed []error
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			failed = append(failed, err)
			return nil
		case p == dir, d.Type()&fs.ModeSymlink != 0: // never follow a link out of the state dir
			return nil
		}
		if err := protect(p, d.IsDir()); err != nil {
			if errors.Is(err, ErrNoACL) {
				return err
			}
			failed = append(failed, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w: %w", errIncomplete, errors.Join(failed[:min(len(failed), 5)]...))
	}
	return nil
}

// fixHint says how an administrator gives dir the agent's rules by hand.
func fixHint(dir string) string {
	return fmt.Sprintf(`run the agent as LocalSystem or an Administrator, or fix it with: icacls "%s" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F`, dir)
}

// protect sets the protected DACL on one file or folder.
func protect(path string, isDir bool) error {
	self, err := selfSID()
	if err != nil {
		return fmt.Errorf("protect %s: %w", path, err)
	}
	sddl := fileSDDL
	if isDir {
		sddl = dirSDDL
	}
	sd, err := windows.SecurityDescriptorFromString(fmt.Sprintf(sddl, self))
	if err != nil {
		return fmt.Errorf("protect %s: %w", path, err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("protect %s: %w", path, err)
	}
	err = windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
	switch {
	case errors.Is(err, windows.ERROR_NOT_SUPPORTED), errors.Is(err, windows.ERROR_INVALID_FUNCTION),
		errors.Is(err, windows.ERROR_CALL_NOT_IMPLEMENTED):
		return fmt.Errorf("protect %s: %w: %v", path, ErrNoACL, err)
	case err != nil:
		return fmt.Errorf("protect %s: %w", path, err)
	}
	// Some systems accept the DACL and keep something else (Wine derives one from the Unix
	// mode; FAT keeps none): read it back.
	protected, sids, err := readDACL(path)
	if err != nil {
		return fmt.Errorf("protect %s: read back: %w", path, err)
	}
	allowed := map[string]bool{"S-1-5-18": true, "S-1-5-32-544": true, self: true}
	for _, sid := range sids {
		if !allowed[sid] {
			return fmt.Errorf("protect %s: %w: the system accepted the DACL but kept one granting %s (protected %v)", path, ErrNoACL, sid, protected)
		}
	}
	if !protected || len(sids) == 0 {
		return fmt.Errorf("protect %s: %w: the system accepted the DACL but kept one that is not protected or empty", path, ErrNoACL)
	}
	return nil
}

// readDACL returns whether path's DACL is protected from inheritance and the SIDs of its
// entries, written "ALLOW SID" for allow entries and "TYPE n SID" for any other kind.
func readDACL(path string) (protected bool, sids []string, err error) {
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return false, nil, err
	}
	ctl, _, err := sd.Control()
	if err != nil {
		return false, nil, err
	}
	acl, _, err := sd.DACL()
	if err != nil {
		return false, nil, err
	}
	if acl == nil {
		return false, []string{"S-1-1-0 (a NULL DACL: everybody)"}, nil
	}
	for i := range uint32(acl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(acl, i, &ace); err != nil {
			return false, nil, err
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart)).String()
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE {
			sid = fmt.Sprintf("type %d %s", ace.Header.AceType, sid)
		}
		sids = append(sids, sid)
	}
	return ctl&windows.SE_DACL_PROTECTED != 0, sids, nil
}

// selfSID is the SID of the account the agent runs as (S-1-5-18 for LocalSystem).
func selfSID() (string, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", fmt.Errorf("the agent's own account: %w", err)
	}
	return u.User.Sid.String(), nil
}

// checkNotWritableByOthers is satisfied on Windows by the protected DACL just set; where
// none can be set (FAT) nothing can be checked either, and Prepare has warned.
func checkNotWritableByOthers(string) error { return nil }

package oracle

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

// Codes of an export that cannot read the schema as of its FLASHBACK_SCN.
const (
	ErrSnapshotTooOld = 1555 // snapshot too old: the undo the SCN needs is gone (undo_retention)
	ErrInvalidSCN     = 8181 // specified number is not a valid system change number
)

// CurrentSCN reads the database's current SCN (SELECT CURRENT_SCN FROM V$DATABASE).
func (c *Client) CurrentSCN(ctx context.Context) (uint64, error) {
	rows, err := c.column(ctx, "current SCN", sqlgen.CurrentSCN(), nil)
	if err != nil {
		return 0, err
	}
	if len(rows) != 1 {
		return 0, fmt.Errorf("current SCN: want one row, got %q", rows)
	}
	n, err := strconv.ParseUint(strings.TrimSpace(rows[0]), 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("current SCN: unexpected answer %q", rows[0])
	}
	return n, nil
}

// GrantFlashback grants EXECUTE on SYS.DBMS_FLASHBACK to user: classic exp enables
// flashback through that package when it runs with FLASHBACK_SCN.
func (c *Client) GrantFlashback(ctx context.Context, user string) error {
	s, err := sqlgen.GrantFlashback(user)
	if err == nil {
		err = c.exec(ctx, s)
	}
	if err != nil {
		return fmt.Errorf("grant execute on %s to %q: %w", sqlgen.FlashbackPackage, user, err)
	}
	c.opt.Log.Info("granted", "user", strings.ToUpper(user), "privileges", "EXECUTE ON "+sqlgen.FlashbackPackage)
	return nil
}

// ErrNoFlashback is returned (wrapped) when the schema user cannot export as of an SCN.
var ErrNoFlashback = errors.New("cannot export as of an SCN")

// CheckFlashback errors (wrapping ErrNoFlashback) unless user holds EXECUTE on
// SYS.DBMS_FLASHBACK, directly or through PUBLIC, or the DBA role.
func (c *Client) CheckFlashback(ctx context.Context, user string) error {
	s, err := sqlgen.FlashbackGrants(user)
	n, err := c.count(ctx, fmt.Sprintf("grants of %q on %s", user, sqlgen.FlashbackPackage), s, err)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	dba, err := c.HasRole(ctx, user, "DBA")
	if err != nil {
		return err
	}
	if dba {
		return nil
	}
	return fmt.Errorf("%w: %s lacks EXECUTE on %s, which exp with FLASHBACK_SCN needs: run GRANT EXECUTE ON %s TO %s as an administrator (a restore grants it), or set spec.downtime: vendor",
		ErrNoFlashback, strings.ToUpper(user), sqlgen.FlashbackPackage, sqlgen.FlashbackPackage, strings.ToUpper(user))
}

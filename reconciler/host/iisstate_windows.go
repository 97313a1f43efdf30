//go:build windows

package host

import (
	"context"
	"fmt"

	"golang.org/x/sys/windows"
)

// serviceState asks the Service Control Manager whether W3SVC or WAS is not stopped, with
// the least rights that can tell (connect, query status).
func serviceState() IISState {
	return func(context.Context) (bool, string, error) {
		m, err := windows.OpenSCManager(nil, nil, windows.SC_MANAGER_CONNECT)
		if err != nil {
			return false, "", fmt.Errorf("service control manager: %w", err)
		}
		defer windows.CloseServiceHandle(m)
		for _, name := range []string{"W3SVC", "WAS"} {
			p, _ := windows.UTF16PtrFromString(name)
			s, err := windows.OpenService(m, p, windows.SERVICE_QUERY_STATUS)
			if err != nil {
				return false, "", fmt.Errorf("service %s: %w", name, err)
			}
			var st windows.SERVICE_STATUS
			err = windows.QueryServiceStatus(s, &st)
			windows.CloseServiceHandle(s)
			if err != nil {
				return false, "", fmt.Errorf("service %s: %w", name, err)
			}
			if st.CurrentState != windows.SERVICE_STOPPED {
				return true, fmt.Sprintf("service %s is in state %d, not stopped", name, st.CurrentState), nil
			}
		}
		return false, "W3SVC and WAS are stopped", nil
	}
}

//go:build windows

package toolrun

import (
	"os/exec"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// setProcessGroup kills the program on cancellation; afterStart also puts it in the agent's
// job object, which the system closes when the agent dies, killing what is in it.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.Cancel = func() error { return cmd.Process.Kill() }
}

var (
	jobOnce sync.Once
	job     windows.Handle
)

// agentJob is a job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: its only handle is the
// agent's, so when the agent dies (a crash, a kill) every tool in it is ended, and none can
// finish after a restarted agent recovered the host.
func agentJob() windows.Handle {
	jobOnce.Do(func() {
		h, err := windows.CreateJobObject(nil, nil)
		if err != nil {
			return
		}
		info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{}
		info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
		if _, err := windows.SetInformationJobObject(h, windows.JobObjectExtendedLimitInformation,
			uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
			windows.CloseHandle(h)
			return
		}
		job = h
	})
	return job
}

func afterStart(cmd *exec.Cmd) {
	j := agentJob()
	if j == 0 || cmd.Process == nil {
		return
	}
	p, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(cmd.Process.Pid))
	if err != nil {
		return
	}
	defer windows.CloseHandle(p)
	windows.AssignProcessToJobObject(j, p)
}

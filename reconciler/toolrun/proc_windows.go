//go:build windows

package toolrun

import (
	"os/exec"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Windows has no process groups: each run gets a job object of its own, with
// JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE. Everything the tool starts joins the job (net.exe's
// net1.exe, the program a .cmd wrapper runs), so a timeout or a cancellation ends the whole
// tree (TerminateJobObject), and so does the agent's death: the job's only handle is the
// agent's, which the system closes then. The job is closed when the run ends, which also ends
// whatever the tool left running.
//
// A child started in the instant between the tool's start and its assignment to the job is
// not in it; the tools vaultkeeper runs start their children later than that.

// runJobs maps a started command to its job.
var runJobs sync.Map // *exec.Cmd → windows.Handle

func setProcessGroup(cmd *exec.Cmd) {
	cmd.Cancel = func() error {
		if h, ok := runJobs.Load(cmd); ok {
			if err := windows.TerminateJobObject(h.(windows.Handle), 1); err == nil {
				return nil
			}
		}
		return cmd.Process.Kill()
	}
}

// newJob is a job object that kills its processes when its last handle closes.
func newJob() (windows.Handle, error) {
	h, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return 0, err
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{}
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if _, err := windows.SetInformationJobObject(h, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(h)
		return 0, err
	}
	return h, nil
}

// afterStart puts the started tool in a job of its own (see above). Without one (the system
// refused), cancellation still kills the tool itself.
func afterStart(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	j, err := newJob()
	if err != nil {
		return
	}
	p, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(cmd.Process.Pid))
	if err != nil {
		windows.CloseHandle(j)
		return
	}
	defer windows.CloseHandle(p)
	if err := windows.AssignProcessToJobObject(j, p); err != nil {
		windows.CloseHandle(j)
		return
	}
	runJobs.Store(cmd, j)
}

// afterWait closes the run's job, ending anything of the tree still running.
func afterWait(cmd *exec.Cmd) {
	if h, ok := runJobs.LoadAndDelete(cmd); ok {
		windows.CloseHandle(h.(windows.Handle))
	}
}

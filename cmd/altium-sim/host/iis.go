package host

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Service is a Windows service the simulator knows, with its display name.
type Service struct {
	Name, Display string
	DependsOn     string // the service this one needs running ("" none)
}

// Services lists the IIS-related services: WAS and the services that depend on it.
var Services = []Service{
	{Name: "WAS", Display: "Windows Process Activation Service"},
	{Name: "W3SVC", Display: "World Wide Web Publishing Service", DependsOn: "WAS"},
	{Name: "NetTcpActivator", Display: "Net.Tcp Listener Adapter", DependsOn: "WAS"},
	{Name: "NetPipeActivator", Display: "Net.Pipe Listener Adapter", DependsOn: "WAS"},
	{Name: "NetMsmqActivator", Display: "Net.Msmq Listener Adapter", DependsOn: "WAS"},
}

// IIS is the runtime state kept in iis.json.
type IIS struct {
	// Running holds the names of the running services.
	Running map[string]bool `json:"running"`
	// Sites holds each site's state when W3SVC runs: "Started" or "Stopped".
	Sites map[string]string `json:"sites"`
	// AutoStart lists the sites W3SVC starts when it starts.
	AutoStart []string `json:"autoStart"`
	// AppSite is the Altium site; the application runs while it is started.
	AppSite string `json:"appSite"`
	// AppSessions is how many schema sessions the application holds while it runs.
	AppSessions int `json:"appSessions"`
}

// AppRunning reports whether the Altium application is serving (and so writing).
func (s *IIS) AppRunning() bool {
	return s.Running["WAS"] && s.Running["W3SVC"] && s.Sites[s.AppSite] == "Started"
}

// SiteState returns what appcmd shows: the site's state, or Unknown while W3SVC is stopped.
func (s *IIS) SiteState(site string) string {
	if !s.Running["W3SVC"] {
		return "Unknown"
	}
	if st := s.Sites[site]; st != "" {
		return st
	}
	return "Stopped"
}

// Start starts a service and the service it depends on; starting W3SVC starts the
// auto-start sites. It returns the names it started, dependency first.
func (s *IIS) Start(name string) []string {
	var started []string
	for _, sv := range Services {
		if sv.Name == name && sv.DependsOn != "" && !s.Running[sv.DependsOn] {
			started = append(started, s.Start(sv.DependsOn)...)
		}
	}
	if !s.Running[name] {
		s.Running[name] = true
		started = append(started, name)
		if name == "W3SVC" {
			for _, site := range s.AutoStart {
				s.Sites[site] = "Started"
			}
		}
	}
	return started
}

// Stop stops a service and the running services that depend on it; it returns the
// names it stopped, dependents first.
func (s *IIS) Stop(name string) []string {
	var stopped []string
	for _, sv := range Services {
		if sv.DependsOn == name && s.Running[sv.Name] {
			stopped = append(stopped, s.Stop(sv.Name)...)
		}
	}
	if s.Running[name] {
		s.Running[name] = false
		stopped = append(stopped, name)
	}
	return stopped
}

// ReadIIS loads iis.json.
func (h Host) ReadIIS() (*IIS, error) {
	raw, err := os.ReadFile(h.IISState())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read IIS state %q: %w (run altium-sim init)", h.IISState(), err)
	}
	var s IIS
	if err == nil {
		err = json.Unmarshal(raw, &s)
	}
	if err != nil {
		return nil, fmt.Errorf("read IIS state %q: %w", h.IISState(), err)
	}
	if s.Running == nil {
		s.Running = map[string]bool{}
	}
	if s.Sites == nil {
		s.Sites = map[string]string{}
	}
	return &s, nil
}

// WriteIIS saves iis.json atomically. Call it under the host lock.
func (h Host) WriteIIS(s *IIS) error {
	raw, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode IIS state: %w", err)
	}
	return writeFileAtomic(h.IISState(), append(raw, '\n'), 0o644)
}

// DisplayName returns a service's display name, or "" for an unknown service.
func DisplayName(name string) string {
	for _, sv := range Services {
		if equalFold(sv.Name, name) || equalFold(sv.Display, name) {
			return sv.Display
		}
	}
	return ""
}

// ServiceName returns the canonical key name for a key or display name, or "".
func ServiceName(name string) string {
	for _, sv := range Services {
		if equalFold(sv.Name, name) || equalFold(sv.Display, name) {
			return sv.Name
		}
	}
	return ""
}

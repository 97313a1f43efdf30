package manifests

// Set is the content of one revision: every object, in file and document order.
type Set struct {
	Servers  []*Server
	Policies []*BackupPolicy
	Restores []*Restore
	// Notifiers serve every agent (each for its own servers' events); ForAgent leaves them
	// out: read them from the whole set.
	Notifiers []*Notifier
}

// Add appends an object to the list of its kind.
func (s *Set) Add(o Object) {
	switch o := o.(type) {
	case *Server:
		s.Servers = append(s.Servers, o)
	case *BackupPolicy:
		s.Policies = append(s.Policies, o)
	case *Restore:
		s.Restores = append(s.Restores, o)
	case *Notifier:
		s.Notifiers = append(s.Notifiers, o)
	}
}

// Len is the number of objects in the set.
func (s *Set) Len() int {
	return len(s.Servers) + len(s.Policies) + len(s.Restores) + len(s.Notifiers)
}

// Server returns the server of that name, or nil.
func (s *Set) Server(name string) *Server {
	for _, o := range s.Servers {
		if o.Metadata.Name == name {
			return o
		}
	}
	return nil
}

// Policy returns the backup policy of that name, or nil.
func (s *Set) Policy(name string) *BackupPolicy {
	for _, o := range s.Policies {
		if o.Metadata.Name == name {
			return o
		}
	}
	return nil
}

// Restore returns the restore of that name, or nil.
func (s *Set) Restore(name string) *Restore {
	for _, o := range s.Restores {
		if o.Metadata.Name == name {
			return o
		}
	}
	return nil
}

// Notifier returns the notifier of that name, or nil.
func (s *Set) Notifier(name string) *Notifier {
	for _, o := range s.Notifiers {
		if o.Metadata.Name == name {
			return o
		}
	}
	return nil
}

// PoliciesFor returns the policies that back up the named server, in set order.
func (s *Set) PoliciesFor(server string) []*BackupPolicy {
	var out []*BackupPolicy
	for _, p := range s.Policies {
		if p.Spec.Server == server {
			out = append(out, p)
		}
	}
	return out
}

// ForAgent returns the part of the set one agent acts on: the servers whose spec.agent is
// agent, and the policies and restores whose spec.server is one of them. The objects are
// shared, not copied. A restore's source policy may back up another agent's server and so
// be missing from the result: look it up in the whole set.
func (s *Set) ForAgent(agent string) *Set {
	out := &Set{}
	mine := map[string]bool{}
	for _, o := range s.Servers {
		if o.Spec.Agent == agent {
			out.Servers = append(out.Servers, o)
			mine[o.Metadata.Name] = true
		}
	}
	for _, p := range s.Policies {
		if mine[p.Spec.Server] {
			out.Policies = append(out.Policies, p)
		}
	}
	for _, r := range s.Restores {
		if mine[r.Spec.Server] {
			out.Restores = append(out.Restores, r)
		}
	}
	return out
}

// docOf is the index of the object's document in its file.
func docOf(o Object) int {
	switch o := o.(type) {
	case *Server:
		return o.doc
	case *BackupPolicy:
		return o.doc
	case *Restore:
		return o.doc
	case *Notifier:
		return o.doc
	}
	return 0
}

package state

import (
	"encoding/json"
	"time"
)

// Condition types (Kubernetes style).
const (
	Ready       = "Ready"
	Reconciling = "Reconciling"
	Stalled     = "Stalled"
)

// Condition is one observation of an object.
type Condition struct {
	Type               string    `json:"type"`
	Status             string    `json:"status"` // True, False, Unknown
	Reason             string    `json:"reason,omitempty"`
	Message            string    `json:"message,omitempty"`
	LastTransitionTime time.Time `json:"lastTransitionTime"`
}

// Object is the status of one manifest (KIND/NAME).
type Object struct {
	Kind       string      `json:"kind"`
	Name       string      `json:"name"`
	Server     string      `json:"server,omitempty"`
	Conditions []Condition `json:"conditions,omitempty"`
	// ObservedHash is the spec hash last acted on.
	ObservedHash string `json:"observedHash,omitempty"`
	LastRun      string `json:"lastRun,omitempty"`

	now func() time.Time // the store's clock, set by Status.Object
}

// SetCondition sets a condition, keeping its transition time when the status is unchanged.
func (o *Object) SetCondition(typ, status, reason, msg string) {
	for i := range o.Conditions {
		c := &o.Conditions[i]
		if c.Type == typ {
			if c.Status != status {
				c.LastTransitionTime = o.clock()
			}
			c.Status, c.Reason, c.Message = status, reason, msg
			return
		}
	}
	o.Conditions = append(o.Conditions, Condition{Type: typ, Status: status, Reason: reason, Message: msg, LastTransitionTime: o.clock()})
}

func (o *Object) clock() time.Time {
	if o.now == nil {
		return time.Now().UTC()
	}
	return o.now().UTC()
}

// Condition returns the condition of type typ.
func (o *Object) Condition(typ string) (Condition, bool) {
	for _, c := range o.Conditions {
		if c.Type == typ {
			return c, true
		}
	}
	return Condition{}, false
}

// Source is the status of the manifests source.
type Source struct {
	URL               string    `json:"url,omitempty"`
	LastApplied       string    `json:"lastAppliedRevision,omitempty"`
	LastAppliedDir    string    `json:"lastAppliedDir,omitempty"`
	LastAttempted     string    `json:"lastAttemptedRevision,omitempty"`
	LastSync          time.Time `json:"lastSync,omitempty"`
	SyncErrors        int       `json:"syncErrors"`
	Ready             bool      `json:"ready"`
	Reason            string    `json:"reason,omitempty"`
	Errors            []string  `json:"errors,omitempty"` // validation errors of the last attempted revision
	SignatureVerified bool      `json:"signatureVerified"`
	Signer            string    `json:"signer,omitempty"`
}

// Policy is the runtime of a BackupPolicy.
type Policy struct {
	Server              string    `json:"server"`
	LastAttempt         time.Time `json:"lastAttempt,omitempty"`
	LastSuccess         time.Time `json:"lastSuccess,omitempty"`
	LastResult          string    `json:"lastResult,omitempty"`
	LastError           string    `json:"lastError,omitempty"`
	LastSet             string    `json:"lastSet,omitempty"`
	LastSizeBytes       int64     `json:"lastSizeBytes,omitempty"`
	LastDurationSeconds float64   `json:"lastDurationSeconds,omitempty"`
	RetryAt             time.Time `json:"retryAt,omitempty"`
	Stalled             string    `json:"stalled,omitempty"`
	StalledHash         string    `json:"stalledHash,omitempty"`
	Failures            int       `json:"consecutiveFailures"`
	Suspended           bool      `json:"suspended"` // CLI override
	LastVerified        time.Time `json:"lastVerified,omitempty"`
	// WaitUntil holds every run back until the maintenance window opens (a run that found
	// it closed waits; it is neither a success nor a failure).
	WaitUntil time.Time `json:"waitUntil,omitempty"`
	// Requested keeps a `vaultkeeper reconcile policy/NAME` that had to wait for the window.
	Requested bool `json:"requested,omitempty"`
	// DowntimeFallback says why the next run of a spec.downtime: minimal policy uses the
	// vendor order (its last export could not read as of its SCN); cleared by a success.
	DowntimeFallback string `json:"downtimeFallback,omitempty"`
	// Replicas are the states of the policy's copies (spec.copies), by destination: each
	// has its own backoff, and none holds back the primary backup.
	Replicas map[string]*Replica `json:"replicas,omitempty"`
}

// Replica is the state of one copy of a policy's sets.
type Replica struct {
	LastAttempt time.Time `json:"lastAttempt,omitempty"`
	LastSuccess time.Time `json:"lastSuccess,omitempty"`
	LastError   string    `json:"lastError,omitempty"`
	Failures    int       `json:"consecutiveFailures"`
	// RetryAt: no new attempt before it (capped exponential backoff after a failure).
	RetryAt time.Time `json:"retryAt,omitempty"`
}

// Failing reports whether the last attempt to bring the replica up to date failed.
func (r *Replica) Failing() bool { return r != nil && r.Failures > 0 }

// Replica returns (creating) the state of the copy in destination dst.
func (p *Policy) Replica(dst string) *Replica {
	if p.Replicas == nil {
		p.Replicas = map[string]*Replica{}
	}
	r := p.Replicas[dst]
	if r == nil {
		r = &Replica{}
		p.Replicas[dst] = r
	}
	return r
}

// Restore is the runtime of a Restore.
type Restore struct {
	Server      string    `json:"server"`
	AppliedHash string    `json:"appliedHash,omitempty"`
	RestoredSet string    `json:"restoredSet,omitempty"`
	RestoredAt  time.Time `json:"restoredSetTime,omitempty"`
	LastAttempt time.Time `json:"lastAttempt,omitempty"`
	LastSuccess time.Time `json:"lastSuccess,omitempty"`
	LastResult  string    `json:"lastResult,omitempty"`
	LastError   string    `json:"lastError,omitempty"`
	FailedHash  string    `json:"failedHash,omitempty"`
	FailedStep  string    `json:"failedStep,omitempty"`
	Stalled     string    `json:"stalled,omitempty"`
	RetryAt     time.Time `json:"retryAt,omitempty"`
	Failures    int       `json:"consecutiveFailures"`
}

// Obligation is one thing recovery owes a server after a run an agent died in.
type Obligation struct {
	// Kind is start-iis or revoke-dba (the runbook's recovery names).
	Kind   string `json:"kind"`
	Server string `json:"server"`
	// Object and Run are the run that left it (KIND/NAME and run id).
	Object string `json:"object"`
	Run    string `json:"run"`
	// User is the schema user to revoke DBA from (revoke-dba); Revoked says the run's
	// revoke-dba step finished, so only the quotas it dropped are owed.
	User      string    `json:"user,omitempty"`
	Revoked   bool      `json:"revoked,omitempty"`
	Since     time.Time `json:"since"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"lastError,omitempty"`
	RetryAt   time.Time `json:"retryAt,omitempty"`
}

// Check is the last result of one named check.
type Check struct {
	Server   string        `json:"server"`
	Check    string        `json:"check"`
	OK       bool          `json:"ok"`
	Message  string        `json:"message"`
	Time     time.Time     `json:"time"`
	Duration time.Duration `json:"durationNanos"`
}

// Status is everything the store holds but the run journals.
type Status struct {
	Source   Source              `json:"source"`
	Objects  map[string]*Object  `json:"objects"`  // KIND/NAME
	Policies map[string]*Policy  `json:"policies"` // name
	Restores map[string]*Restore `json:"restores"` // name
	Checks   map[string]*Check   `json:"checks"`   // server/check
	// ServerChecks is when the checks of a server last ran.
	ServerChecks map[string]time.Time `json:"serverChecks"`
	// History lists finished runs, newest last, bounded per object.
	History []RunSummary `json:"history"`
	// FormerRoots are destinations and replicas that this agent's policies used in an
	// earlier revision and no longer use: they are scanned, read only, to report the sets
	// left there as orphaned, never deleted (issue 16).
	FormerRoots []FormerRoot `json:"formerRoots,omitempty"`
	// Obligations are what recovery still owes servers after runs an agent died in (start
	// IIS, revoke DBA): kept until met, retried with capped backoff (issue 14 point 7).
	Obligations []*Obligation `json:"obligations,omitempty"`

	now func() time.Time // the store's clock during Store.Update
}

// FormerRoot is a folder of backup sets no policy of the revision in force uses.
type FormerRoot struct {
	Destination string `json:"destination"`
	Replica     bool   `json:"replica,omitempty"`
	// Policy is the policy that used it.
	Policy string `json:"policy"`
}

func newStatus() Status {
	var s Status
	s.fill()
	return s
}

func (s *Status) fill() {
	if s.Objects == nil {
		s.Objects = map[string]*Object{}
	}
	if s.Policies == nil {
		s.Policies = map[string]*Policy{}
	}
	if s.Restores == nil {
		s.Restores = map[string]*Restore{}
	}
	if s.Checks == nil {
		s.Checks = map[string]*Check{}
	}
	if s.ServerChecks == nil {
		s.ServerChecks = map[string]time.Time{}
	}
}

func (s Status) clone() Status {
	var c Status
	if err := json.Unmarshal(mustJSON(s), &c); err != nil {
		panic(err)
	}
	c.fill()
	return c
}

// Object returns (creating) the status of KIND/NAME.
func (s *Status) Object(kind, name string) *Object {
	key := kind + "/" + name
	o := s.Objects[key]
	if o == nil {
		o = &Object{Kind: kind, Name: name}
		s.Objects[key] = o
	}
	o.now = s.now
	return o
}

// Policy returns (creating) the runtime of a policy.
func (s *Status) Policy(name string) *Policy {
	p := s.Policies[name]
	if p == nil {
		p = &Policy{}
		s.Policies[name] = p
	}
	return p
}

// Restore returns (creating) the runtime of a restore.
func (s *Status) Restore(name string) *Restore {
	r := s.Restores[name]
	if r == nil {
		r = &Restore{}
		s.Restores[name] = r
	}
	return r
}

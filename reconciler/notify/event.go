package notify

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
)

// Event is one thing that happened on a server, in the words of a notification.
type Event struct {
	// Event is one of manifests.NotifierEvents (manifests.EventBackupFailed, …).
	Event string
	// Agent is the agent that saw it; Server the server it happened on.
	Agent, Server string
	// Policy is set for backup events, Restore for restore events, Check for checkFailed.
	Policy, Restore, Check string
	// Message says what happened, with the decisive detail (the failed step and its error).
	Message string
	Time    time.Time
}

// Payload is the JSON body a webhook receives. Text repeats the rest in one line, the field
// Slack and Teams incoming webhooks show.
type Payload struct {
	Event   string `json:"event"`
	Agent   string `json:"agent,omitempty"`
	Server  string `json:"server"`
	Policy  string `json:"policy,omitempty"`
	Restore string `json:"restore,omitempty"`
	Check   string `json:"check,omitempty"`
	Message string `json:"message"`
	// Time is RFC 3339 in UTC.
	Time string `json:"time"`
	Text string `json:"text"`
}

var titles = map[string]string{
	manifests.EventBackupFailed:     "Backup failed",
	manifests.EventBackupStale:      "Backup stale",
	manifests.EventRestoreSucceeded: "Restore succeeded",
	manifests.EventRestoreFailed:    "Restore failed",
	manifests.EventCheckFailed:      "Check failed",
	manifests.EventReplicaFailed:    "Replica failed",
}

// Title is a short headline: "Backup failed: aes-prod (policy nightly)".
func (e Event) Title() string {
	t := titles[e.Event]
	if t == "" {
		t = e.Event
	}
	t += ": " + e.Server
	switch {
	case e.Policy != "":
		t += " (policy " + e.Policy + ")"
	case e.Restore != "":
		t += " (restore " + e.Restore + ")"
	case e.Check != "":
		t += " (check " + e.Check + ")"
	}
	return t
}

// Text is the one-line message of chat webhooks.
func (e Event) Text() string {
	return fmt.Sprintf("[vaultkeeper] %s: %s (agent %s, %s)", e.Title(), e.Message, e.Agent, e.Time.UTC().Format(time.RFC3339))
}

// Payload is the webhook body of e.
func (e Event) Payload() Payload {
	return Payload{Event: e.Event, Agent: e.Agent, Server: e.Server, Policy: e.Policy, Restore: e.Restore, Check: e.Check,
		Message: e.Message, Time: e.Time.UTC().Format(time.RFC3339), Text: e.Text()}
}

// JSON is the webhook body of e.
func (e Event) JSON() []byte {
	b, err := json.Marshal(e.Payload())
	if err != nil {
		panic("notify: marshal payload: " + err.Error()) // only strings
	}
	return b
}

// Mail is the RFC 5322 message of e from from to to (addresses as the manifest gives them),
// with CRLF line ends, a quoted-printable UTF-8 body and the subject encoded when it needs to be.
func (e Event) Mail(from string, to []string) []byte {
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", formatAddress(from))
	list := make([]string, len(to))
	for i, t := range to {
		list[i] = formatAddress(t)
	}
	h("To", strings.Join(list, ", "))
	h("Subject", mime.QEncoding.Encode("utf-8", "[vaultkeeper] "+e.Title()))
	h("Date", e.Time.Format(time.RFC1123Z))
	h("Message-ID", messageID(from))
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	h("X-Vaultkeeper-Event", e.Event)
	b.WriteString("\r\n")
	var body bytes.Buffer
	fmt.Fprintf(&body, "%s\n\n%s\n\n", e.Title(), e.Message)
	fmt.Fprintf(&body, "event:   %s\nserver:  %s\n", e.Event, e.Server)
	for _, kv := range [][2]string{{"policy", e.Policy}, {"restore", e.Restore}, {"check", e.Check}} {
		if kv[1] != "" {
			fmt.Fprintf(&body, "%-8s %s\n", kv[0]+":", kv[1])
		}
	}
	fmt.Fprintf(&body, "agent:   %s\ntime:    %s\n", e.Agent, e.Time.UTC().Format(time.RFC3339))
	qp := quotedprintable.NewWriter(&b)
	qp.Write(bytes.ReplaceAll(body.Bytes(), []byte("\n"), []byte("\r\n")))
	qp.Close()
	return b.Bytes()
}

// formatAddress re-renders a valid address (the manifest was validated) so that a display
// name with non-ASCII letters is encoded; anything else is kept as written.
func formatAddress(s string) string {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return s
	}
	return a.String()
}

// messageID is a unique Message-ID in the sender's domain.
func messageID(from string) string {
	domain := "vaultkeeper.invalid"
	if a, err := mail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			domain = d
		}
	}
	var r [12]byte
	rand.Read(r[:])
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">"
}

package manifests

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// validateNotifier checks a Notifier's own fields: its type, its events, and the fields of
// its type (those of the other type are rejected, so a half-converted notifier is noticed).
func validateNotifier(e *objErrs, s *NotifierSpec) {
	switch s.Type {
	case "":
		e.add("spec.type", "is required: webhook or smtp")
	default:
		checkEnum(e, "spec.type", s.Type, NotifierWebhook, NotifierSMTP)
	}
	checkEvents(e, s.Events)
	webhookSet := map[string]bool{"spec.url": s.URL != "", "spec.secretRef": s.SecretRef != (SecretRef{})}
	smtpSet := map[string]bool{"spec.host": s.Host != "", "spec.port": s.Port != 0, "spec.from": s.From != "", "spec.to": s.To != nil,
		"spec.username": s.Username != "", "spec.password": s.Password != (SecretRef{}), "spec.caFile": s.CAFile != "", "spec.requireTLS": s.RequireTLS}
	switch s.Type {
	case NotifierWebhook:
		onlyWith(e, smtpSet, NotifierSMTP)
		checkWebhookURL(e, "spec.url", s.URL)
		checkSecret(e, "spec.secretRef", s.SecretRef, false)
	case NotifierSMTP:
		onlyWith(e, webhookSet, NotifierWebhook)
		checkSMTP(e, s)
	}
}

// onlyWith reports each set field of the other type.
func onlyWith(e *objErrs, set map[string]bool, typ string) {
	var fields []string
	for f, ok := range set {
		if ok {
			fields = append(fields, f)
		}
	}
	slices.Sort(fields)
	for _, f := range fields {
		e.add(f, "is only allowed with type "+typ)
	}
}

func checkEvents(e *objErrs, events []string) {
	if len(events) == 0 {
		e.add("spec.events", "is required: at least one of "+strings.Join(NotifierEvents, ", "))
		return
	}
	seen := map[string]bool{}
	for i, ev := range events {
		field := "spec.events[" + strconv.Itoa(i) + "]"
		switch {
		case !slices.Contains(NotifierEvents, ev):
			e.add(field, fmt.Sprintf("unknown event %q: want one of %s", ev, strings.Join(NotifierEvents, ", ")))
		case seen[ev]:
			e.add(field, fmt.Sprintf("%q is listed twice", ev))
		}
		seen[ev] = true
	}
}

func checkWebhookURL(e *objErrs, field, raw string) {
	if raw == "" {
		e.add(field, "is required with type webhook: an http or https URL")
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		e.add(field, fmt.Sprintf("%q is not a URL: %v", raw, err))
	case u.Scheme != "http" && u.Scheme != "https":
		e.add(field, fmt.Sprintf("%q: the scheme must be http or https", raw))
	case u.Host == "":
		e.add(field, fmt.Sprintf("%q has no host", raw))
	}
}

func checkSMTP(e *objErrs, s *NotifierSpec) {
	switch {
	case s.Host == "":
		e.add("spec.host", "is required with type smtp: the mail server's host name or IP address")
	case strings.ContainsAny(s.Host, "/: \t") && net.ParseIP(s.Host) == nil:
		e.add("spec.host", fmt.Sprintf("%q is not a host name or IP address (give the port in spec.port)", s.Host))
	}
	if s.Port < 1 || s.Port > 65535 {
		e.add("spec.port", fmt.Sprintf("must be 1 to 65535, got %d", s.Port))
	}
	checkAddress(e, "spec.from", s.From, "is required with type smtp: the sender's address")
	if len(s.To) == 0 {
		e.add("spec.to", "is required with type smtp: at least one recipient")
	}
	for i, to := range s.To {
		checkAddress(e, "spec.to["+strconv.Itoa(i)+"]", to, "must not be empty")
	}
	hasPassword := s.Password != (SecretRef{})
	switch {
	case s.Username != "" && !hasPassword:
		e.add("spec.password", "is required with username: {env: NAME} or {file: PATH}")
	case s.Username == "" && hasPassword:
		e.add("spec.username", "is required with password")
	}
	checkSecret(e, "spec.password", s.Password, false)
	checkPath(e, "spec.caFile", s.CAFile, false)
}

// checkAddress checks one mail address (RFC 5322, with or without a display name).
func checkAddress(e *objErrs, field, addr, missing string) {
	if addr == "" {
		e.add(field, missing)
		return
	}
	if _, err := mail.ParseAddress(addr); err != nil {
		e.add(field, fmt.Sprintf("%q is not a mail address: %v", addr, err))
	}
}

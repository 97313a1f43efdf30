package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Webhook headers.
const (
	// HeaderSignature carries "sha256=" and the hex HMAC-SHA256 of the body, keyed with the
	// notifier's secretRef (the format of GitHub's X-Hub-Signature-256).
	HeaderSignature = "X-Vaultkeeper-Signature-256"
	// HeaderEvent names the event, so a receiver can route without parsing the body.
	HeaderEvent = "X-Vaultkeeper-Event"
)

// Sign returns the HeaderSignature value of body under secret.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether header is the signature of body under secret, comparing in
// constant time: what a receiver does.
func Verify(secret, body []byte, header string) bool {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// postWebhook POSTs body to url, signed when secret is not empty. A refusal that a retry
// cannot change (4xx other than 408, 425 and 429) is a permanent error.
func postWebhook(ctx context.Context, client *http.Client, url, event string, secret, body []byte, userAgent string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return permanent(fmt.Errorf("webhook %s: %w", redact(url), err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set(HeaderEvent, event)
	if len(secret) > 0 {
		req.Header.Set(HeaderSignature, Sign(secret, body))
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) {
			err = ue.Unwrap() // *url.Error repeats the URL, which may hold a token
		}
		return fmt.Errorf("webhook %s: %w", redact(url), err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("webhook %s: %s: %s", redact(url), resp.Status, strings.TrimSpace(string(snippet)))
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooEarly, resp.StatusCode == http.StatusTooManyRequests,
		resp.StatusCode >= 500:
		return err
	case resp.StatusCode >= 400:
		return permanent(err)
	}
	return err // 1xx, 3xx not followed: odd, try again
}

// redact keeps a URL's scheme, host and path start: chat webhook URLs carry their token in
// the path or query, and logs and metrics must not.
func redact(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return "<url>"
	}
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, "?")
	if _, h, ok := strings.Cut(host, "@"); ok {
		host = h
	}
	return scheme + "://" + host + "/…"
}

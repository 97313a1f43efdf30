// Package source delivers revisions of the manifests repository to the agent loop.
//
// A Source is either a git repository fetched with go-git (https with a token, ssh with a
// key and known_hosts, or file://), pinned to a branch, a tag or a commit, or a local folder
// watched with fsnotify. Fetch returns the current Revision: an ID (commit hash, or a sha256
// digest of the folder's YAML files), a folder holding its files, and, when a keyring is
// configured, the result of checking the HEAD commit's OpenPGP signature.
//
// Polling is cheap: a git Fetch first lists the remote's refs and transfers a pack only when
// the pinned ref moved. Force-pushes are followed (the new commit need not descend from the
// old one). Checkouts live in CacheDir/rev-<hash>, are created under a temporary name and
// renamed into place, and the previous one is kept while the caller may still read it.
//
// NewWebhook returns the HTTP handler that lets a git host trigger an immediate fetch; it
// accepts only POSTs whose body carries a valid HMAC-SHA256 signature (GitHub's
// X-Hub-Signature-256 or a generic X-Signature header).
//
// Secrets (tokens, passwords in URLs) never appear in errors or logs: URLs are sanitized.
package source

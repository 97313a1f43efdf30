package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// apiFlags address a running agent.
type apiFlags struct {
	addr, stateDir string
}

func (f *apiFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.addr, "addr", defaultListen, "the agent's --listen address (https://HOST:PORT for an agent with --tls-cert)")
	cmd.Flags().StringVar(&f.stateDir, "state-dir", defaultStateDir(), "the agent's state folder (for the API token)")
}

func (f *apiFlags) do(ctx context.Context, method, path string, q url.Values, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	u := "http://" + f.addr + path
	if strings.Contains(f.addr, "://") { // https://host:port for an agent with --tls-cert
		u = strings.TrimSuffix(f.addr, "/") + path
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return err
	}
	// A non-loopback agent wants the token for GET too; a loopback one only for POST.
	tok, err := os.ReadFile(filepath.Join(f.stateDir, "api-token"))
	switch {
	case err == nil:
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	case method == http.MethodPost:
		return fmt.Errorf("API token: %w (run as the agent's user, or pass --state-dir)", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("agent at %s: %w", f.addr, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if resp.StatusCode != http.StatusOK {
		return failf("agent at %s: %s: %s", f.addr, resp.Status, strings.TrimSpace(string(body)))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(body, out)
}

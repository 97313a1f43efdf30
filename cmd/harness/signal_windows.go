package harness

import (
	"errors"
	"fmt"
	"net/http"
)

// terminate asks the agent to shut down gracefully. Windows has no SIGTERM and Wine cannot
// deliver console control events, so it is the authenticated POST /api/v1/shutdown, the
// stand-in the agent serves for it. Stop kills the agent when this fails.
func terminate(a *Agent) error {
	if a.Addr == "" {
		return errors.New("the agent's address is not known yet")
	}
	req, err := http.NewRequest(http.MethodPost, a.URL("/api/v1/shutdown"), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.Token())
	resp, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("POST /api/v1/shutdown: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST /api/v1/shutdown: %s", resp.Status)
	}
	return nil
}

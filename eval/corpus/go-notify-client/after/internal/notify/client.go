// Package notify posts deployment notifications to the chat webhook.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Config is the "notify" section of deployer.json.
type Config struct {
	WebhookURL     string `json:"webhook_url"`
	Channel        string `json:"channel"`
	TimeoutSeconds int    `json:"timeout_seconds"` // 0 means the default, 10
}

// Client sends notifications.
type Client struct {
	cfg  Config
	http *http.Client
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.WebhookURL == "" {
		return nil, fmt.Errorf("notify: webhook_url is required")
	}
	timeout := 10 * time.Second
	if cfg.TimeoutSeconds < 0 {
		return nil, fmt.Errorf("notify: timeout_seconds must not be negative")
	}
	if cfg.TimeoutSeconds > 0 {
		timeout = time.Duration(cfg.TimeoutSeconds)
	}
	return &Client{cfg: cfg, http: &http.Client{Timeout: timeout}}, nil
}

// Send posts one message.
func (c *Client) Send(ctx context.Context, text string) error {
	body, err := json.Marshal(map[string]string{"channel": c.cfg.Channel, "text": text})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("notify: webhook answered %s", resp.Status)
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fabnode/fabnode/host/config"
)

// adminTarget is where a CLI command finds the running node's admin
// listener: --admin, else the node's configuration (admin.listen, by
// default the unix socket in data_dir).
type adminTarget struct {
	cfgPath, addr, tokenFile string
}

func (a *adminTarget) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&a.cfgPath, "config", "c", "config.hcl", "the node's configuration, for its admin listener")
	f.StringVar(&a.addr, "admin", "", `the admin listener: "unix:PATH" or host:port (default: from the configuration)`)
	f.StringVar(&a.tokenFile, "token-file", "", "the admin bearer token, for an admin listener on an address (default: admin.token_file)")
}

func (a *adminTarget) post(path string, body []byte) (*http.Response, error) {
	addr, tokenFile := a.addr, a.tokenFile
	if addr == "" || (tokenFile == "" && !strings.HasPrefix(addr, "unix:")) {
		cfg, err := config.Load(a.cfgPath, nil)
		if err != nil {
			return nil, fmt.Errorf("finding the admin listener: %w (or pass --admin)", err)
		}
		if addr == "" {
			addr = cfg.Admin.Listen
			if addr == "" {
				addr = "unix:" + filepath.Join(cfg.Node.DataDir, "admin.sock")
			}
		}
		if tokenFile == "" {
			tokenFile = cfg.Admin.TokenFile
		}
	}
	client := &http.Client{Timeout: 2 * time.Minute}
	req, err := http.NewRequest("POST", "http://admin"+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if sock, ok := strings.CutPrefix(addr, "unix:"); ok {
		client.Transport = &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		}}
	} else {
		if tokenFile == "" {
			return nil, fmt.Errorf("the admin listener %s is an address: give its token (--token-file or admin.token_file)", addr)
		}
		tok, err := os.ReadFile(tokenFile)
		if err != nil {
			return nil, fmt.Errorf("admin token: %w", err)
		}
		req.URL.Host = addr
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("the node's admin listener %s: %w (is the node running?)", addr, err)
	}
	return resp, nil
}

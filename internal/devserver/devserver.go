// Package devserver runs the Temporal CLI's development server (with its UI) as a child process,
// for `keyclic dev` and for the tests.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
)

// Options describe the server to start.
type Options struct {
	CLIPath          string   // the temporal executable
	Address          string   // host:port of the frontend; empty picks a free port on 127.0.0.1
	UIPort           int      // 0 disables the UI
	DBFile           string   // SQLite file; empty keeps everything in memory
	SearchAttributes []string // Name=Type definitions to register
	Log              *slog.Logger
	Output           io.Writer // the server's own output; nil sends it to stderr
}

// Server is a running dev server.
type Server struct {
	Address string
	opts    Options
	cmd     *exec.Cmd
	done    chan struct{}
}

// Start launches the server and waits until it answers health checks.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.Address == "" {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		o.Address = "127.0.0.1:" + strconv.Itoa(port)
	}
	host, port, err := net.SplitHostPort(o.Address)
	if err != nil {
		return nil, fmt.Errorf("temporal address %q: %w", o.Address, err)
	}
	args := []string{"server", "start-dev", "--ip", host, "--port", port, "--namespace", "default", "--log-level", "warn",
		// An activity scheduled by a workflow task goes back to the worker that completed the task,
		// in the same answer, when it has a free slot: no trip through matching (the SDK asks for it).
		"--dynamic-config-value", "system.enableActivityEagerExecution=true"}
	if o.UIPort > 0 {
		args = append(args, "--ui-port", strconv.Itoa(o.UIPort))
	} else {
		args = append(args, "--headless")
	}
	if o.DBFile != "" {
		if err := os.MkdirAll(filepath.Dir(o.DBFile), 0o755); err != nil {
			return nil, err
		}
		args = append(args, "--db-filename", o.DBFile)
	}
	for _, sa := range o.SearchAttributes {
		args = append(args, "--search-attribute", sa)
	}
	cmd := exec.Command(o.CLIPath, args...)
	cmd.Stdout, cmd.Stderr = o.Output, o.Output
	if o.Output == nil {
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	}
	// Own process group: the server is stopped by us, in order, not by a terminal's Ctrl-C racing
	// us; and it dies with us if we are killed, instead of holding its port forever.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start temporal dev server (%s): %w", o.CLIPath, err)
	}
	s := &Server{Address: o.Address, opts: o, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	if err := s.waitReady(ctx, o.Log); err != nil {
		s.Stop()
		return nil, err
	}
	o.Log.Info("temporal dev server ready", "address", o.Address, "ui_port", o.UIPort, "db", o.DBFile)
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, log *slog.Logger) error {
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case <-s.done:
			return errors.New("temporal dev server exited during start-up (is the port taken?)")
		default:
		}
		c, err := client.Dial(client.Options{HostPort: s.Address, Logger: Quiet(log)})
		if err == nil {
			_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
			c.Close()
			if err == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("temporal dev server not ready after 90s: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Stop asks the server to shut down and kills it if it has not within ten seconds.
func (s *Server) Stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// Restart stops the server and starts it again on the same address; with a DBFile it keeps what
// it had accepted, as a production server does.
func (s *Server) Restart(ctx context.Context) error {
	s.Stop()
	again, err := Start(ctx, s.opts)
	if err != nil {
		return err
	}
	*s = *again
	return nil
}

// Reachable reports whether a Temporal frontend already answers at address.
func Reachable(address string) bool {
	conn, err := net.DialTimeout("tcp", address, 500*time.Millisecond)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// FindCLI locates the temporal executable: $TEMPORAL_CLI, else bin/temporal in this directory or
// one of its parents (tests run from package directories), else "temporal" on PATH.
func FindCLI() string {
	if p := os.Getenv("TEMPORAL_CLI"); p != "" {
		return p
	}
	dir, err := os.Getwd()
	for err == nil {
		p := filepath.Join(dir, "bin", "temporal")
		if _, statErr := os.Stat(p); statErr == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "temporal"
}

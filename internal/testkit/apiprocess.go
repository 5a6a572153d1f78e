package testkit

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// APIProcess is `keyclic api` running as a separate OS process, for tests and commands that
// kill it (SIGKILL) or stop it and start another in its place.
type APIProcess struct {
	URL  string // http://host:port
	Addr string // host:port it listens on; a new process may be started on it again
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	once sync.Once
}

// APIProcessOptions say what an API process runs against and where it listens.
type APIProcessOptions struct {
	ProcessOptions
	Addr string // host:port to listen on; empty: a free port of 127.0.0.1
}

// StartAPIProcess starts an API process and waits until it answers /healthz.
func StartAPIProcess(ctx context.Context, o APIProcessOptions) (*APIProcess, error) {
	if o.Addr == "" {
		addr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		o.Addr = addr
	}
	cmd, err := startCommand(o.ProcessOptions, "api",
		"HTTP_ADDR="+o.Addr,
		"JWT_PRIVATE_KEY=", "JWT_PRIVATE_KEY_FILE=", "EXPORT_DIR=",
		"BCRYPT_COST=4",
	)
	if err != nil {
		return nil, err
	}
	p := &APIProcess{URL: "http://" + o.Addr, Addr: o.Addr, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	if err := p.waitHealthy(ctx, 30*time.Second); err != nil {
		p.Kill()
		return nil, err
	}
	return p, nil
}

func (p *APIProcess) waitHealthy(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return errors.New("api process exited before it answered (KEYCLIC_TEST_LOG=1 shows its output)")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		resp, err := http.Get(p.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("api process at %s did not answer within %v", p.Addr, timeout)
}

// Kill ends the process with SIGKILL: no graceful stop, requests in flight are cut.
func (p *APIProcess) Kill() { p.end(syscall.SIGKILL) }

// Stop ends the process with SIGTERM: it finishes the requests in flight first.
func (p *APIProcess) Stop() { p.end(syscall.SIGTERM) }

func (p *APIProcess) end(sig syscall.Signal) {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(sig)
		<-p.done
	})
}

// On returns the client talking to this process.
func (p *APIProcess) On(c *Client) *Client {
	return c.With(func(c *Client) { c.Base = p.URL })
}

// StartAPIProcess starts an API process against the stack's database and Temporal server, on
// the stack's task queue (the stack's worker runs its workflows), sharing the stack's signing
// key; env adds variables. The test's end kills it.
func (s *Stack) StartAPIProcess(t testing.TB, env ...string) *APIProcess {
	t.Helper()
	return s.startAPIProcess(t, s.App.Config.TaskQueue, env)
}

// StartAPIProcess starts an API process on the isolated task queue (see Stack.StartAPIProcess).
func (iso *Isolated) StartAPIProcess(t testing.TB, env ...string) *APIProcess {
	t.Helper()
	return iso.Stack.startAPIProcess(t, iso.TaskQueue, env)
}

func (s *Stack) startAPIProcess(t testing.TB, taskQueue string, env []string) *APIProcess {
	t.Helper()
	cfg := s.App.Config
	p, err := StartAPIProcess(context.Background(), APIProcessOptions{ProcessOptions: ProcessOptions{
		Binary: Binary(t), DatabaseURL: cfg.DatabaseURL, TemporalAddress: cfg.TemporalAddress, TaskQueue: taskQueue,
		DataDir: cfg.DataDir, Env: env, Output: logOutput(),
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	return p
}

// freeAddr finds a port of 127.0.0.1 nothing listens on.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Package temporalserver runs a Temporal server with Postgres persistence and Postgres
// visibility (the production engine, as docker-compose.yml deploys it) and its UI as child
// processes, for `TEMPORAL_ENGINE=server` in `keyclic dev`, the tests and the benchmarks.
package temporalserver

import (
	"context"
	"embed"
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
	"text/template"
	"time"
)

//go:embed config
var configFiles embed.FS

// Options describe the server to start.
type Options struct {
	Binaries Binaries
	// PostgresURL is the Postgres server that keeps the state (postgres://user:password@host:port/).
	PostgresURL string
	// Database and VisibilityDatabase default to temporal and temporal_visibility.
	Database, VisibilityDatabase string
	// Address is the frontend's host:port; empty picks free ports on 127.0.0.1. The other
	// services take the ports after it (see ports).
	Address          string
	UIPort           int      // 0 runs no UI
	MaxConns         int      // connections to the history database (20 when 0); visibility gets a fifth
	SearchAttributes []string // Name=Type, registered in the default namespace
	Dir              string   // where the rendered configuration goes; empty makes a temporary one
	Log              *slog.Logger
	Output           io.Writer // the server's own output; nil sends it to stderr
}

// Server is a running Temporal server (and UI).
type Server struct {
	Address string
	UIURL   string // empty without a UI
	opts    Options
	ports   ports
	server  *child
	ui      *child
}

// Start migrates the databases (creating them the first time), starts the server, registers the
// default namespace and the search attributes, starts the UI, and returns once workflows can run.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.Database == "" {
		o.Database = "temporal"
	}
	if o.VisibilityDatabase == "" {
		o.VisibilityDatabase = "temporal_visibility"
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.MaxConns == 0 {
		o.MaxConns = 20
	}
	for _, bin := range []string{o.Binaries.Server, o.Binaries.SQLTool} {
		if _, err := os.Stat(bin); err != nil {
			return nil, fmt.Errorf("temporal server: %s is missing (build it with `make temporal-server`)", bin)
		}
	}
	pg, err := parsePostgres(o.PostgresURL)
	if err != nil {
		return nil, err
	}
	if err := pg.migrate(ctx, o.Binaries.SQLTool, o.Binaries.SchemaDir, o.Database, "temporal"); err != nil {
		return nil, err
	}
	if err := pg.migrate(ctx, o.Binaries.SQLTool, o.Binaries.SchemaDir, o.VisibilityDatabase, "visibility"); err != nil {
		return nil, err
	}
	s := &Server{opts: o}
	if s.ports, err = choosePorts(o.Address); err != nil {
		return nil, err
	}
	s.Address = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.ports.Frontend))
	if o.Dir == "" {
		if s.opts.Dir, err = os.MkdirTemp("", "temporal-server-"); err != nil {
			return nil, err
		}
	} else if s.opts.Dir, err = filepath.Abs(o.Dir); err != nil {
		return nil, err
	} else if err = os.MkdirAll(s.opts.Dir, 0o755); err != nil {
		return nil, err
	}
	if err := s.renderConfig(pg); err != nil {
		return nil, err
	}
	if err := s.startServer(ctx); err != nil {
		return nil, err
	}
	if err := register(ctx, s.Address, o.SearchAttributes, o.Log); err != nil {
		s.Stop()
		return nil, err
	}
	if o.UIPort > 0 && o.Binaries.UIServer != "" {
		s.ui, err = startChild(o.Binaries.UIServer, o.Output, "--root", s.opts.Dir, "--config", "ui", "--env", "keyclic", "start")
		if err != nil {
			s.Stop()
			return nil, err
		}
		s.UIURL = "http://localhost:" + strconv.Itoa(o.UIPort)
	}
	o.Log.Info("temporal server ready", "address", s.Address, "database", o.Database, "ui", s.UIURL)
	return s, nil
}

func (s *Server) startServer(ctx context.Context) error {
	var err error
	s.server, err = startChild(s.opts.Binaries.Server, s.opts.Output,
		"--root", s.opts.Dir, "--config", "server", "--env", "keyclic", "--allow-no-auth", "start")
	if err != nil {
		return err
	}
	if err := waitReady(ctx, s.Address, s.server.done, s.opts.Log); err != nil {
		s.server.stop()
		return err
	}
	return nil
}

// Restart stops the server and starts it again on the same ports and databases: what it had
// accepted is still there, as after a production server's restart.
func (s *Server) Restart(ctx context.Context) error {
	s.server.stop()
	return s.startServer(ctx)
}

// Kill stops the server at once (SIGKILL), as a crash would.
func (s *Server) Kill() { s.server.kill() }

// Start again after Kill or Stop.
func (s *Server) StartAgain(ctx context.Context) error { return s.startServer(ctx) }

// Stop stops the UI and the server.
func (s *Server) Stop() {
	if s == nil {
		return
	}
	s.ui.stop()
	s.server.stop()
}

func (s *Server) renderConfig(pg postgres) error {
	dynamic := filepath.Join(s.opts.Dir, "dynamicconfig.yaml")
	raw, err := configFiles.ReadFile("config/dynamicconfig.yaml")
	if err != nil {
		return err
	}
	if err := os.WriteFile(dynamic, raw, 0o644); err != nil {
		return err
	}
	level := "warn"
	if os.Getenv("KEYCLIC_TEST_LOG") != "" {
		level = "info"
	}
	data := map[string]any{
		"LogLevel": level, "Database": s.opts.Database, "VisibilityDatabase": s.opts.VisibilityDatabase,
		"PostgresAddr": pg.addr(), "PostgresUser": pg.user, "PostgresPassword": pg.password,
		"DynamicConfigFile": dynamic, "MaxConns": s.opts.MaxConns, "VisibilityMaxConns": max(2, s.opts.MaxConns/5), "FrontendAddress": s.Address, "UIPort": s.opts.UIPort,
	}
	for name, port := range s.ports.byName() {
		data[name] = port
	}
	if err := renderTemplate("config/server.yaml.tmpl", filepath.Join(s.opts.Dir, "server", "keyclic.yaml"), data); err != nil {
		return err
	}
	return renderTemplate("config/ui.yaml.tmpl", filepath.Join(s.opts.Dir, "ui", "keyclic.yaml"), data)
}

func renderTemplate(name, dest string, data any) error {
	t, err := template.ParseFS(configFiles, name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	f, err := os.Create(dest)
	if err != nil {
		return err
	}
	defer f.Close()
	return t.Execute(f, data)
}

// child is a process of ours: its own process group, so that a terminal's Ctrl-C does not race
// our orderly stop, and killed with us if we die instead of holding its ports.
type child struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func startChild(bin string, output io.Writer, args ...string) (*child, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = output, output
	if output == nil {
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	c := &child{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(c.done) }()
	return c, nil
}

// stop asks the process to end and kills it if it has not within fifteen seconds.
func (c *child) stop() {
	if c == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		c.kill()
	}
}

func (c *child) kill() {
	if c == nil {
		return
	}
	_ = c.cmd.Process.Kill()
	<-c.done
}

var errExited = errors.New("temporal server exited during start-up (are its ports taken? is Postgres up?)")

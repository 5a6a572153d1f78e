package testkit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// PGCluster is a Postgres server of its own (initdb in a temporary directory, its own port),
// for a test or a command that restarts Postgres: restarting the machine's shared server
// would cut every other test running beside it.
type PGCluster struct {
	Port   int
	bin    string
	dir    string
	cred   *syscall.Credential // postgres refuses to run as root: it runs as the postgres user
	output io.Writer
	cmd    *exec.Cmd
	done   chan struct{}
}

// StartPGCluster creates a cluster and starts it. output receives the server's log (nil:
// discarded).
func StartPGCluster(ctx context.Context, output io.Writer) (*PGCluster, error) {
	bin, err := postgresBinDir()
	if err != nil {
		return nil, err
	}
	if output == nil {
		output = io.Discard
	}
	c := &PGCluster{bin: bin, output: output}
	if c.dir, err = os.MkdirTemp("", "keyclic-pg-"); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		if c.cred, err = postgresUser(); err != nil {
			c.Stop()
			return nil, err
		}
		if err := os.Chown(c.dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			c.Stop()
			return nil, err
		}
	}
	initdb := c.command(ctx, "initdb", "-D", c.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		c.Stop()
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	addr, err := freeAddr()
	if err != nil {
		c.Stop()
		return nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	c.Port, _ = strconv.Atoi(port)
	if err := c.start(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// URL is the address of database name on the cluster.
func (c *PGCluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, name)
}

// Restart stops the server at once (as a crash would: no checkpoint, connections cut) and starts
// it again on the same port and data.
func (c *PGCluster) Restart(ctx context.Context) error {
	c.halt(syscall.SIGQUIT)
	return c.start(ctx)
}

// Stop stops the server and removes its data.
func (c *PGCluster) Stop() {
	if c == nil {
		return
	}
	c.halt(syscall.SIGQUIT)
	if c.dir != "" {
		os.RemoveAll(c.dir)
	}
}

func (c *PGCluster) data() string { return filepath.Join(c.dir, "data") }

func (c *PGCluster) start(ctx context.Context) error {
	// Durability against a machine's crash is not what this server is for: fsync off makes
	// its writes as fast as the tests need. A crash of the server itself loses nothing.
	cmd := c.command(context.Background(), "postgres", "-D", c.data(), "-p", strconv.Itoa(c.Port), "-k", c.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200")
	cmd.Stdout, cmd.Stderr = c.output, c.output
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.cmd, c.done = cmd, make(chan struct{})
	done := c.done
	go func() { _ = cmd.Wait(); close(done) }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		select {
		case <-done:
			return errors.New("postgres exited at start (its output shows why)")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("postgres on port %d did not answer within a minute", c.Port)
}

// halt sends sig to the server and waits until it has exited.
func (c *PGCluster) halt(sig syscall.Signal) {
	if c.cmd == nil {
		return
	}
	_ = c.cmd.Process.Signal(sig)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
	c.cmd = nil
}

func (c *PGCluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd
}

// postgresBinDir finds the server's programs: the newest /usr/lib/postgresql/<version>/bin
// (Debian's layout), or POSTGRES_BIN_DIR.
func postgresBinDir() (string, error) {
	if d := os.Getenv("POSTGRES_BIN_DIR"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi < vj
	})
	if len(dirs) == 0 {
		return "", errors.New("no /usr/lib/postgresql/*/bin: set POSTGRES_BIN_DIR to the directory of initdb and postgres")
	}
	return dirs[len(dirs)-1], nil
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("postgres refuses to run as root and there is no postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

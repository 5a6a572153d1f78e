package testkit

import (
	"io"
	"os/exec"
	"sync"
	"syscall"
)

// WorkerProcess is `keyclic worker` running as a separate OS process, for tests and commands
// that kill it.
type WorkerProcess struct {
	cmd  *exec.Cmd
	once sync.Once
}

// WorkerProcessOptions say what a worker process runs against.
type WorkerProcessOptions struct {
	Binary          string // the keyclic command (BuildBinary)
	DatabaseURL     string
	TemporalAddress string
	TaskQueue       string
	DataDir         string
	Env             []string  // more variables
	Output          io.Writer // the process's output (nil: discarded)
}

// StartWorkerProcess starts a worker process. Its webhook retries come quickly first; the
// slower tail keeps a delivery alive through a busy machine's kills and restarts.
func StartWorkerProcess(o WorkerProcessOptions) (*WorkerProcess, error) {
	cmd, err := startCommand(o.Binary, "worker", append([]string{
		"DATABASE_URL=" + o.DatabaseURL,
		"TEMPORAL_ADDRESS=" + o.TemporalAddress,
		"TEMPORAL_TASK_QUEUE=" + o.TaskQueue,
		"KEYCLIC_DATA_DIR=" + o.DataDir,
		"WEBHOOK_RETRY_SCHEDULE=200ms,400ms,800ms,1s,1s,1s,1s,1s,1s,1s,2s,5s,10s,20s",
		"WEBHOOK_TIMEOUT=2s",
	}, o.Env...), o.Output)
	if err != nil {
		return nil, err
	}
	return &WorkerProcess{cmd: cmd}, nil
}

// Kill ends the worker with SIGKILL: no graceful stop, tasks in flight are simply lost to it.
func (w *WorkerProcess) Kill() {
	w.once.Do(func() {
		_ = w.cmd.Process.Signal(syscall.SIGKILL)
		_ = w.cmd.Wait()
	})
}

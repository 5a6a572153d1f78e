package testkit

import (
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

// StartWorkerProcess starts a worker process. Its webhook retries come quickly first; the
// slower tail keeps a delivery alive through a busy machine's kills and restarts.
func StartWorkerProcess(o ProcessOptions) (*WorkerProcess, error) {
	cmd, err := startCommand(o, "worker",
		"WEBHOOK_RETRY_SCHEDULE=200ms,400ms,800ms,1s,1s,1s,1s,1s,1s,1s,2s,5s,10s,20s",
		"WEBHOOK_TIMEOUT=2s",
	)
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

package testkit

import (
	"fmt"
	"io"
	"os"
	"os/exec"
)

// ProcessOptions say what a process of the service (API or worker) runs against.
type ProcessOptions struct {
	Binary          string // the keyclic command (BuildBinary)
	DatabaseURL     string
	TemporalAddress string
	TaskQueue       string
	// DataDir holds the JWT signing key: the same directory as the other processes' (or the
	// stack's), so that they accept each other's tokens, and the same exports.
	DataDir string
	Env     []string  // more variables, such as FAULT_PAUSE_BEFORE_ANSWER=1m; they win
	Output  io.Writer // the process's output (nil: discarded)
}

// startCommand starts `keyclic <sub>` as its own OS process with the machine's environment, the
// variables every test process shares (no email, quiet logs, webhooks to local receivers), what
// o connects to, the subcommand's own variables, then o.Env, which wins; o.Output receives both
// streams (nil: discarded).
func startCommand(o ProcessOptions, sub string, own ...string) (*exec.Cmd, error) {
	cmd := exec.Command(o.Binary, sub)
	cmd.Env = append(os.Environ(),
		"SENDGRID_API_KEY=",
		"LOG_LEVEL=warn",
		"WEBHOOK_ALLOW_INTERNAL=true",
		"METRICS_ADDR=127.0.0.1:0", // a port of its own: processes of a test run side by side
		"DATABASE_URL="+o.DatabaseURL,
		"TEMPORAL_ADDRESS="+o.TemporalAddress,
		"TEMPORAL_TASK_QUEUE="+o.TaskQueue,
		"KEYCLIC_DATA_DIR="+o.DataDir,
	)
	cmd.Env = append(append(cmd.Env, own...), o.Env...)
	output := o.Output
	if output == nil {
		output = io.Discard
	}
	cmd.Stdout, cmd.Stderr = output, output
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s process: %w", sub, err)
	}
	return cmd, nil
}

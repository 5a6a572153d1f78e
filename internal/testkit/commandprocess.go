package testkit

import (
	"fmt"
	"io"
	"os"
	"os/exec"
)

// startCommand starts `keyclic <sub>` as its own OS process with the machine's environment, the
// variables every test process shares (no email, quiet logs, webhooks to local receivers),
// then env, which wins; output receives both streams (nil: discarded).
func startCommand(binary, sub string, env []string, output io.Writer) (*exec.Cmd, error) {
	cmd := exec.Command(binary, sub)
	cmd.Env = append(os.Environ(),
		"SENDGRID_API_KEY=",
		"LOG_LEVEL=warn",
		"WEBHOOK_ALLOW_INTERNAL=true",
	)
	cmd.Env = append(cmd.Env, env...)
	if output == nil {
		output = io.Discard
	}
	cmd.Stdout, cmd.Stderr = output, output
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s process: %w", sub, err)
	}
	return cmd, nil
}

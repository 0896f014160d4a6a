package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// earlyRun is the app started ahead of the CLI.
type earlyRun struct {
	env            []string
	outdir         string // absolute; it did not exist or was empty at the start
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{}
	err            error
	settled        bool // adopted or abandoned: nothing more to do
}

// startEarly starts app with env, in a process group of its own so that
// stopping it stops jsii's Node processes too. It does not start (nil)
// unless env's CDK_OUTDIR is a directory inside cwd that is missing or
// empty: everything in it is then the early run's or the CLI's own lock
// files, and a stopped run can be cleaned up completely.
func startEarly(app string, env []string, cwd string) *earlyRun {
	outdir, ok := freshOutdir(envGet(env, "CDK_OUTDIR"), cwd)
	if !ok {
		return nil
	}
	r := &earlyRun{env: env, outdir: outdir, done: make(chan struct{})}
	r.cmd = exec.Command(app)
	r.cmd.Env = env
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := r.cmd.Start(); err != nil {
		return nil
	}
	go func() {
		r.err = r.cmd.Wait()
		close(r.done)
	}()
	return r
}

// result waits for the run and returns its exit code and output.
func (r *earlyRun) result() (code int, stdout, stderr []byte) {
	<-r.done
	r.settled = true
	var exit *exec.ExitError
	switch {
	case r.err == nil:
		code = 0
	case errors.As(r.err, &exit) && exit.ExitCode() >= 0:
		code = exit.ExitCode()
	default:
		code = 1
	}
	return code, r.stdout.Bytes(), r.stderr.Bytes()
}

// abandon stops a run nobody adopted and removes what it wrote, once.
func (r *earlyRun) abandon() {
	if r == nil || r.settled {
		return
	}
	r.settled = true
	_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
	<-r.done
	entries, _ := os.ReadDir(r.outdir)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".lock") { // the CLI's, not the run's
			os.RemoveAll(filepath.Join(r.outdir, e.Name()))
		}
	}
}

// freshOutdir resolves dir against cwd and reports whether it is inside
// cwd and missing or empty.
func freshOutdir(dir, cwd string) (string, bool) {
	if dir == "" {
		return "", false
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(cwd, dir)
	}
	dir = filepath.Clean(dir)
	if rel, err := filepath.Rel(cwd, dir); err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", false
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return dir, true
	}
	return dir, err == nil && len(entries) == 0
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
)

// request is what the CLI's app command sends: the environment the CLI
// gave it.
type request struct {
	Env []string `json:"env"`
}

// reply adopts the early run (its exit code and output) or tells the app
// command to run the app itself.
type reply struct {
	Adopt  bool   `json:"adopt"`
	Code   int    `json:"code"`
	Stdout []byte `json:"stdout"`
	Stderr []byte `json:"stderr"`
}

// lead runs the CLI command, and the app ahead of it when the CLI's
// environment for these arguments was recorded, and returns the CLI's
// exit code. Anything that keeps the head start from working (no state
// directory, no socket) leaves a plain run of the CLI.
func lead(app, state string, cli []string) (int, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return 1, err
	}
	base := without(os.Environ(), sockVar)
	cmd := exec.Command(cli[0], cli[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = base

	state, err = filepath.Abs(state)
	if err == nil {
		err = os.MkdirAll(state, 0o755)
	}
	var ln net.Listener
	if err == nil {
		sock := filepath.Join(state, fmt.Sprintf("%d.sock", os.Getpid()))
		os.Remove(sock)
		if ln, err = net.Listen("unix", sock); err == nil {
			defer os.Remove(sock)
			cmd.Env = append(base, sockVar+"="+sock)
		}
	}
	if ln == nil { // no head start, the CLI as usual
		return exitCode(cmd.Run()), err
	}
	defer ln.Close()

	recPath := recordPath(state, cwd, app, cli)
	var early *earlyRun
	if rec, err := readRecord(recPath); err == nil {
		early = startEarly(app, rec.apply(base), cwd)
	}
	if err := cmd.Start(); err != nil {
		early.abandon()
		return 1, err
	}
	served := make(chan error, 1)
	go func() { served <- serve(ln, early, base, recPath) }()
	runErr := cmd.Wait()
	ln.Close() // ends serve if the CLI never ran the app
	serveErr := <-served
	early.abandon()
	if serveErr != nil && !errors.Is(serveErr, net.ErrClosed) {
		fmt.Fprintln(os.Stderr, "headstart:", serveErr) // the synth itself is unaffected
	}
	return exitCode(runErr), nil
}

// serve answers the CLI's app command once: it adopts the early run if
// that run's environment is exactly the one the CLI gave, or else stops
// it, and records what the CLI did to base for the next time.
func serve(ln net.Listener, early *earlyRun, base []string, recPath string) error {
	conn, err := ln.Accept()
	if err != nil {
		return err
	}
	defer conn.Close()
	var req request
	if err := json.NewDecoder(conn).Decode(&req); err != nil {
		return err
	}
	var rep reply
	if early != nil && sameEnv(early.env, req.Env) {
		rep.Adopt = true
		rep.Code, rep.Stdout, rep.Stderr = early.result()
	} else {
		early.abandon()
	}
	if err := json.NewEncoder(conn).Encode(rep); err != nil {
		return err
	}
	return writeRecord(recPath, diff(base, req.Env))
}

func exitCode(err error) int {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	default:
		return 1
	}
}

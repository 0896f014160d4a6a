package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
)

// join is the app command the CLI runs: it hands the CLI's environment to
// the leading headstart and either relays the early run it adopts, or
// becomes the app (exec), with that environment. Without a leading
// headstart it is simply the app.
func join(app string) int {
	env := without(os.Environ(), sockVar)
	if sock := os.Getenv(sockVar); sock != "" {
		if rep, err := ask(sock, env); err == nil && rep.Adopt {
			os.Stdout.Write(rep.Stdout)
			os.Stderr.Write(rep.Stderr)
			return rep.Code
		}
	}
	path, err := exec.LookPath(app)
	if err == nil {
		err = syscall.Exec(path, []string{app}, env)
	}
	fmt.Fprintf(os.Stderr, "headstart: running %s: %v\n", app, err)
	return 1
}

func ask(sock string, env []string) (reply, error) {
	var rep reply
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return rep, err
	}
	defer conn.Close()
	if err := json.NewEncoder(conn).Encode(request{Env: env}); err != nil {
		return rep, err
	}
	return rep, json.NewDecoder(conn).Decode(&rep)
}

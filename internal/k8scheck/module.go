package k8scheck

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// moduleDir is where the module cache holds a module go.mod requires, and
// the version it requires. Nothing is downloaded here (GOPROXY=off): `go
// mod download`, which `make deps` runs, fetches every module go.mod
// requires and checks it against go.sum. A module without Go packages (a
// chart source) is dropped by `go mod tidy` (`make tidy` keeps it), so an
// error says how to restore pinned, the version the check expects.
func moduleDir(path, pinned string) (dir, version string, err error) {
	restore := fmt.Sprintf("go get %s@%s", path, pinned)
	cmd := exec.Command("go", "list", "-m", "-json", path)
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok {
			msg = strings.TrimSpace(string(ee.Stderr))
		}
		return "", "", fmt.Errorf("go.mod does not require %s (`go mod tidy` drops it: it has no Go packages; `make tidy` keeps it): restore it with `%s`, then `make deps` (%s)", path, restore, msg)
	}
	var m struct{ Version, Dir string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", "", err
	}
	if m.Dir == "" {
		return "", "", fmt.Errorf("%s@%s is not in the module cache, or go.sum lacks its hashes: run `make deps` (go mod download), after `%s` if go.sum lacks them", path, m.Version, restore)
	}
	return m.Dir, m.Version, nil
}

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
// requires and checks it against go.sum. A module no package of the app
// imports (a chart's source, a controller's CRDs) is dropped by `go mod
// tidy` (`make tidy` keeps it), so an error says how to restore pinned, the
// version the check expects: with `go mod edit`, since `go get` would also
// require the modules of the module's own packages, which the app never
// builds.
func moduleDir(path, pinned string) (dir, version string, err error) {
	restore := fmt.Sprintf("go mod edit -require=%s@%s && go mod download %s", path, pinned, path)
	cmd := exec.Command("go", "list", "-m", "-json", path)
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok {
			msg = strings.TrimSpace(string(ee.Stderr))
		}
		return "", "", fmt.Errorf("go.mod does not require %s (`go mod tidy` drops it: no package of the app imports it; `make tidy` keeps it): restore it with `%s` (%s)", path, restore, msg)
	}
	var m struct{ Version, Dir string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", "", err
	}
	if m.Dir == "" {
		return "", "", fmt.Errorf("%s@%s is not in the module cache, or go.sum lacks its hashes: run `go mod download %s`, which fetches it and adds them", path, m.Version, path)
	}
	return m.Dir, m.Version, nil
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A stand-in CDK CLI: like the real one it takes a while to load, creates
// its output directory with a lock file, and runs its app command with
// CDK_OUTDIR and the context (here from $CTX) added to its environment;
// it marks the moment it does, and exits with the app's code.
const fakeCLI = `#!/bin/sh
sleep 0.3
mkdir -p out && : > out/synth.lock
: > "$WORK/cli-ran-app"
CDK_OUTDIR=out CDK_CONTEXT_JSON="{\"ctx\":\"$CTX\"}" sh -c "$1"
`

// A stand-in app: it logs each run, whether it started before the CLI ran
// its app command, and the context it saw; like aws-cdk-lib it creates the
// output directory, then writes one file named after the context it saw;
// it prints to both streams.
const fakeApp = `#!/bin/sh
when=late; [ -e "$WORK/cli-ran-app" ] || when=early
echo "$when $CDK_CONTEXT_JSON" >> "$WORK/runs"
mkdir -p "$CDK_OUTDIR"
echo "$CDK_CONTEXT_JSON" > "$CDK_OUTDIR/$(echo "$CDK_CONTEXT_JSON" | tr -dc a-z)"
echo "app out"; echo "app err" >&2
exit ${APP_EXIT:-0}
`

// setup builds headstart and writes the stand-ins into a work directory
// that is also the project directory (cwd).
func setup(t *testing.T) (work, bin string) {
	t.Helper()
	work = t.TempDir()
	bin = filepath.Join(work, "headstart")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for name, script := range map[string]string{"cli": fakeCLI, "app": fakeApp} {
		if err := os.WriteFile(filepath.Join(work, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return work, bin
}

// synth runs one `make synth`: a fresh output directory, then headstart
// leading the CLI, with ctx as the context the CLI passes.
func synth(t *testing.T, work, bin, ctx string, env ...string) (stdout, stderr string, code int) {
	t.Helper()
	os.RemoveAll(filepath.Join(work, "out"))
	os.Remove(filepath.Join(work, "cli-ran-app"))
	cmd := exec.Command(bin, "-app", "./app", "-state", "state", "--", "./cli", bin+" -join ./app")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), append([]string{"WORK=" + work, "CTX=" + ctx}, env...)...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), exitCode(err)
}

func runs(t *testing.T, work string) []string {
	t.Helper()
	data, _ := os.ReadFile(filepath.Join(work, "runs"))
	os.Remove(filepath.Join(work, "runs"))
	return strings.Fields(strings.ReplaceAll(string(data), " ", "_"))
}

func outFiles(t *testing.T, work string) []string {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(work, "out"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestHeadStart(t *testing.T) {
	work, bin := setup(t)

	// GIVEN no record: the app runs once, when the CLI runs it.
	stdout, stderr, code := synth(t, work, bin, "a")
	if got := runs(t, work); len(got) != 1 || !strings.HasPrefix(got[0], "late") {
		t.Fatalf("first synth: runs %q, want one run started by the CLI", got)
	}
	if code != 0 || stdout != "app out\n" || stderr != "app err\n" {
		t.Fatalf("first synth: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	// WHEN the CLI gives the same environment again: one run, started
	// ahead of the CLI, adopted with its output and exit code.
	stdout, stderr, code = synth(t, work, bin, "a", "APP_EXIT=3")
	if got := runs(t, work); len(got) != 1 || got[0] != `early_{"ctx":"a"}` {
		t.Fatalf("same environment: runs %q, want one early run", got)
	}
	if code != 3 || stdout != "app out\n" || stderr != "app err\n" {
		t.Errorf("same environment: code %d, stdout %q, stderr %q; want the early run's", code, stdout, stderr)
	}
	if got := outFiles(t, work); strings.Join(got, " ") != "ctxa synth.lock" {
		t.Errorf("same environment: out/ holds %q", got)
	}

	// WHEN the CLI's environment differs from the recorded one: the early
	// run is stopped and its files removed; the app runs with the CLI's.
	_, _, code = synth(t, work, bin, "b")
	got := runs(t, work)
	if code != 0 || len(got) == 0 || got[len(got)-1] != `late_{"ctx":"b"}` {
		t.Fatalf("changed environment: code %d, runs %q, want the last run the CLI's", code, got)
	}
	if files := outFiles(t, work); strings.Join(files, " ") != "ctxb synth.lock" {
		t.Errorf("changed environment: out/ holds %q, want only the CLI's run's files", files)
	}
}

// TestRecordHoldsOnlyWhatTheCLIChanged: the user's own environment (here a
// secret) is never written to the state directory.
func TestRecordHoldsOnlyWhatTheCLIChanged(t *testing.T) {
	work, bin := setup(t)
	synth(t, work, bin, "a", "SOME_SECRET=hunter2")
	files, _ := filepath.Glob(filepath.Join(work, "state", "*.json"))
	if len(files) != 1 {
		t.Fatalf("records: %q, want one", files)
	}
	data, _ := os.ReadFile(files[0])
	r, err := readRecord(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "hunter2") || r.Set["CDK_CONTEXT_JSON"] != `{"ctx":"a"}` || r.Set["CDK_OUTDIR"] != "out" {
		t.Errorf("record = %s, want the CLI's CDK_* variables and nothing of the user's", data)
	}
}

// TestNoEarlyRunIntoAnOccupiedOutdir: an output directory that already
// holds files (not deleted before the synth) gets no early run, which
// could not be cleaned up without touching them.
func TestNoEarlyRunIntoAnOccupiedOutdir(t *testing.T) {
	work := t.TempDir()
	os.MkdirAll(filepath.Join(work, "out"), 0o755)
	os.WriteFile(filepath.Join(work, "out", "keep"), nil, 0o644)
	for _, tc := range []struct {
		dir  string
		want bool
	}{
		{"out", false},
		{"new", true},
		{".", false},
		{"../elsewhere", false},
		{"", false},
	} {
		if _, ok := freshOutdir(tc.dir, work); ok != tc.want {
			t.Errorf("freshOutdir(%q) = %v, want %v", tc.dir, ok, tc.want)
		}
	}
}

func TestDiffApply(t *testing.T) {
	base := []string{"A=1", "B=2", "C=3"}
	derived := []string{"A=1", "B=20", "D=4"}
	r := diff(base, derived)
	if !sameEnv(r.apply(base), derived) {
		t.Errorf("apply(diff) = %q, want %q", r.apply(base), derived)
	}
	if !sameEnv(r.apply([]string{"A=9", "B=2", "C=3"}), []string{"A=9", "B=20", "D=4"}) {
		t.Errorf("a changed user variable is not carried over: %q", r.apply([]string{"A=9", "B=2", "C=3"}))
	}
}

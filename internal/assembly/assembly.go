// Package assembly reads a synthesized cloud assembly (cdk.out): the stacks
// of each environment's Stage, their names and templates, normalised so that
// snapshots and reviews compare what CloudFormation would get and not the
// churn of asset hashes.
package assembly

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
)

// Stack is one stack of a synthesized environment.
type Stack struct {
	Env          string // the Stage, e.g. prd
	Name         string // the CloudFormation stack name, e.g. prd-network
	ArtifactID   string
	TemplateFile string // absolute path of the template in the assembly

	// metadata is the artifact's construct metadata: inline, or in
	// metadataFile (absolute) when the assembly keeps it apart.
	metadata     map[string][]metadataEntry
	metadataFile string
}

type manifest struct {
	Artifacts map[string]struct {
		Type       string `json:"type"`
		Properties struct {
			TemplateFile  string `json:"templateFile"`
			StackName     string `json:"stackName"`
			DirectoryName string `json:"directoryName"`
		} `json:"properties"`
		Metadata               map[string][]metadataEntry `json:"metadata"`
		AdditionalMetadataFile string                     `json:"additionalMetadataFile"`
	} `json:"artifacts"`
}

// Stacks lists the stacks of env's Stage in the assembly at outdir, sorted by name.
func Stacks(outdir, env string) ([]Stack, error) {
	dir := filepath.Join(outdir, "assembly-"+env)
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("environment %s is not in %s: %w", env, outdir, err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	var out []Stack
	for id, a := range m.Artifacts {
		if a.Type != "aws:cloudformation:stack" {
			continue
		}
		s := Stack{Env: env, Name: a.Properties.StackName, ArtifactID: id, TemplateFile: filepath.Join(dir, a.Properties.TemplateFile), metadata: a.Metadata}
		if a.AdditionalMetadataFile != "" {
			s.metadataFile = filepath.Join(dir, a.AdditionalMetadataFile)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Envs lists the environments (Stages) in the assembly at outdir.
func Envs(outdir string) ([]string, error) {
	dirs, err := filepath.Glob(filepath.Join(outdir, "assembly-*"))
	if err != nil {
		return nil, err
	}
	var envs []string
	for _, d := range dirs {
		envs = append(envs, filepath.Base(d)[len("assembly-"):])
	}
	sort.Strings(envs)
	return envs, nil
}

// assetHash matches the SHA-256 hex digests CDK names assets by: they change
// with every byte of an asset (a Lambda bundle, a layer), not with what
// CloudFormation deploys from the template's point of view.
var assetHash = regexp.MustCompile(`[0-9a-f]{64}`)

// AssetHashPlaceholder replaces asset hashes in normalised templates.
const AssetHashPlaceholder = "ASSET_HASH"

// Normalize returns the template with asset hashes replaced, re-indented.
func Normalize(template []byte) ([]byte, error) {
	var doc any
	if err := json.Unmarshal(assetHash.ReplaceAll(template, []byte(AssetHashPlaceholder)), &doc); err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Template reads and normalises a stack's template.
func (s Stack) Template() ([]byte, error) {
	data, err := os.ReadFile(s.TemplateFile)
	if err != nil {
		return nil, err
	}
	return Normalize(data)
}

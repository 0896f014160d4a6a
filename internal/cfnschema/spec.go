// Package cfnschema checks synthesized CloudFormation templates against the
// CloudFormation resource schemas, so that a template CloudFormation would
// reject on the first deploy fails `make test` instead.
//
// The schemas are those of npm @aws-cdk/aws-service-spec (pinned in
// package-lock.json): the database aws-cdk-lib's L1 classes are generated
// from, with every resource type, its properties, their types and which are
// required. Only the types a property has now are checked: the
// previousTypes of the database are the history of aws-cdk-lib's typings,
// not what CloudFormation accepts today.
package cfnschema

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// specPackage is where the schema database sits inside node_modules.
const specPackage = "@aws-cdk/aws-service-spec/db.json.gz"

// Type is one type of the database's type language. Kind is one of
// string, date-time, integer, number, boolean, json (anything), tag (a
// {Key, Value} pair), array (of Element), map (string keys to Element), ref
// (the object type Ref names) or union (any of Types).
type Type struct {
	Kind      string `json:"type"`
	Element   *Type  `json:"element"`
	Types     []Type `json:"types"`
	Reference *struct {
		ID string `json:"$ref"`
	} `json:"reference"`
}

// Property is one property of a resource or object type.
type Property struct {
	Type     Type `json:"type"`
	Required bool `json:"required"`
	// PreviousTypes are the types aws-cdk-lib typed the property with
	// before, oldest first: only used to explain a finding.
	PreviousTypes []Type `json:"previousTypes"`
}

// Resource is one resource type, e.g. AWS::EC2::FlowLog.
type Resource struct {
	CloudFormationType string              `json:"cloudFormationType"`
	Properties         map[string]Property `json:"properties"`
	// Attributes are what Fn::GetAtt can read, with their types.
	Attributes map[string]struct {
		Type Type `json:"type"`
	} `json:"attributes"`
}

// ObjectType is a named object type that a ref Type points at, e.g.
// DestinationOptions of AWS::EC2::FlowLog.
type ObjectType struct {
	ID         string              `json:"$id"`
	Name       string              `json:"name"`
	Properties map[string]Property `json:"properties"`
}

// Spec is the loaded schema database.
type Spec struct {
	Resources map[string]*Resource   // by CloudFormation type
	Objects   map[string]*ObjectType // by $id
}

// Load reads the gzipped database at path (db.json.gz).
func Load(path string) (*Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var db struct {
		Schema struct {
			Resource struct {
				Entities []*Resource `json:"entities"`
			} `json:"resource"`
			TypeDefinition struct {
				Entities []*ObjectType `json:"entities"`
			} `json:"typeDefinition"`
		} `json:"schema"`
	}
	if err := json.NewDecoder(zr).Decode(&db); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &Spec{
		Resources: make(map[string]*Resource, len(db.Schema.Resource.Entities)),
		Objects:   make(map[string]*ObjectType, len(db.Schema.TypeDefinition.Entities)),
	}
	for _, r := range db.Schema.Resource.Entities {
		s.Resources[r.CloudFormationType] = r
	}
	for _, o := range db.Schema.TypeDefinition.Entities {
		s.Objects[o.ID] = o
	}
	if len(s.Resources) == 0 {
		return nil, fmt.Errorf("%s: no resource types in the database", path)
	}
	return s, nil
}

var (
	defaultOnce sync.Once
	defaultSpec *Spec
	defaultErr  error
)

// Default loads the database of the project's node_modules once per
// process: every template of every env is checked against one copy.
func Default() (*Spec, error) {
	defaultOnce.Do(func() {
		path, err := specPath()
		if err != nil {
			defaultErr = err
			return
		}
		defaultSpec, defaultErr = Load(path)
	})
	return defaultSpec, defaultErr
}

// specPath finds the database in the node_modules of the working directory
// or one of its parents (as stacks finds the kubectl layer), so that the
// tests of any package and the tools under bin/ find it wherever they run.
func specPath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "node_modules", specPackage)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("node_modules/%s not found in %s or its parents: run `make deps`", specPackage, dir)
		}
	}
}

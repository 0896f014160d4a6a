package cfnschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// templateSections are the top-level keys CloudFormation accepts.
var templateSections = keySet("AWSTemplateFormatVersion", "Description", "Metadata", "Parameters",
	"Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs", "Hooks")

// resourceKeys are the keys CloudFormation accepts on a resource.
var resourceKeys = keySet("Type", "Properties", "DependsOn", "Metadata", "Condition",
	"DeletionPolicy", "UpdateReplacePolicy", "UpdatePolicy", "CreationPolicy")

var (
	deletionPolicies      = keySet("Delete", "Retain", "RetainExceptOnCreate", "Snapshot")
	updateReplacePolicies = keySet("Delete", "Retain", "Snapshot")
)

// Template is one template to check.
type Template struct {
	File string // names the template in findings
	Body []byte // the template's JSON
	// ConstructPaths maps logical ids to the paths of the constructs that
	// made them, for templates synthesized without aws:cdk:path metadata
	// (the cloud assembly's aws:cdk:logicalId metadata has them).
	ConstructPaths map[string]string
}

// Validate checks one template against the schemas. Findings that
// AllowList accepts are returned apart, in Report.Allowed.
func (s *Spec) Validate(t Template) (Report, error) {
	dec := json.NewDecoder(bytes.NewReader(t.Body))
	dec.UseNumber() // integer and number are told apart by their text
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return Report{}, fmt.Errorf("%s: %w", t.File, err)
	}
	c := &checker{spec: s, file: t.File, doc: doc, paths: t.ConstructPaths}
	c.parseSections()
	c.checkSections()
	for _, id := range sortedKeys(c.resources) {
		c.checkResource(id, c.resources[id])
	}
	return triage(c.findings), nil
}

// checker holds one template while it is checked, and what it found.
type checker struct {
	spec  *Spec
	file  string
	doc   map[string]any
	paths map[string]string // logical id to construct path

	resources  map[string]any
	parameters map[string]any
	mappings   map[string]any
	conditions map[string]any
	// transformed templates are rewritten by CloudFormation before it
	// checks them: intrinsics it does not know may be a macro's.
	transformed bool

	// the resource being checked
	logicalID, resourceType, cdkPath string

	findings []Finding
}

func (c *checker) report(path, format string, args ...any) {
	c.findings = append(c.findings, Finding{
		File: c.file, LogicalID: c.logicalID, Type: c.resourceType, CDKPath: c.cdkPath,
		Path: path, Message: fmt.Sprintf(format, args...),
	})
}

func (c *checker) parseSections() {
	section := func(name string) map[string]any {
		m, _ := c.doc[name].(map[string]any)
		return m
	}
	c.resources = section("Resources")
	c.parameters = section("Parameters")
	c.mappings = section("Mappings")
	c.conditions = section("Conditions")
	_, c.transformed = c.doc["Transform"]
}

func (c *checker) checkSections() {
	for _, k := range sortedKeys(c.doc) {
		if !templateSections[k] {
			c.report(k, "unknown template section %s%s", k, didYouMean(k, templateSections))
		}
	}
	for _, k := range []string{"Parameters", "Mappings", "Conditions", "Outputs", "Resources", "Metadata", "Rules"} {
		if v, ok := c.doc[k]; ok {
			if _, isMap := v.(map[string]any); !isMap {
				c.report(k, "must be an object, got %s", describeValue(v))
			}
		}
	}
	if len(c.resources) == 0 {
		c.report("Resources", "a template needs at least one resource")
	}
}

func (c *checker) checkResource(id string, v any) {
	c.logicalID, c.resourceType, c.cdkPath = id, "", c.paths[id]
	r, ok := v.(map[string]any)
	if !ok {
		c.report("", "a resource must be an object, got %s", describeValue(v))
		return
	}
	if md, ok := r["Metadata"].(map[string]any); ok {
		if p, ok := md["aws:cdk:path"].(string); ok {
			c.cdkPath = p
		}
	}
	typ, ok := r["Type"].(string)
	if !ok {
		c.report("Type", "must be a resource type name, got %s", describeValue(r["Type"]))
		return
	}
	c.resourceType = typ
	for _, k := range sortedKeys(r) {
		if !resourceKeys[k] {
			c.report(k, "unknown resource key %s%s (CloudFormation accepts %s)", k, didYouMean(k, resourceKeys), strings.Join(sortedKeys(resourceKeys), ", "))
		}
	}
	c.checkPolicy(r, "DeletionPolicy", deletionPolicies)
	c.checkPolicy(r, "UpdateReplacePolicy", updateReplacePolicies)
	c.checkDependsOn(r["DependsOn"])
	if cond, ok := r["Condition"]; ok {
		name, _ := cond.(string)
		if _, known := c.conditions[name]; !known {
			c.report("Condition", "names no condition of the template's Conditions: %s", describeValue(cond))
		}
	}
	for _, k := range []string{"Metadata", "UpdatePolicy", "CreationPolicy"} {
		if v, ok := r[k]; ok {
			if _, isMap := v.(map[string]any); !isMap {
				c.report(k, "must be an object, got %s", describeValue(v))
			}
		}
	}
	props, hasProps := r["Properties"]
	switch {
	case typ == "AWS::CDK::Metadata":
		// CDK's version reporting: CloudFormation skips it.
	case strings.HasPrefix(typ, "Custom::") || typ == "AWS::CloudFormation::CustomResource":
		// A custom resource's properties are its provider's; CloudFormation
		// needs only the ServiceToken.
		c.checkObject("Properties", props, hasProps, customResourceProperties, typ, true)
	default:
		res, known := c.spec.Resources[typ]
		if !known {
			c.report("Type", "unknown resource type %s%s", typ, didYouMean(typ, c.spec.Resources))
			return
		}
		c.checkProperties("Properties", props, hasProps, res.Properties, typ)
	}
}

// customResourceProperties is what CloudFormation itself reads of a custom
// resource; every other property goes to its provider unchecked.
var customResourceProperties = map[string]Property{
	"ServiceToken":   {Type: Type{Kind: "string"}, Required: true},
	"ServiceTimeout": {Type: Type{Kind: "integer"}},
}

func (c *checker) checkPolicy(r map[string]any, key string, allowed map[string]bool) {
	v, ok := r[key]
	if !ok {
		return
	}
	if s, isString := v.(string); isString && allowed[s] {
		return
	}
	if _, _, isFn := intrinsic(v); isFn && c.transformed {
		return // AWS::LanguageExtensions resolves intrinsics here
	}
	c.report(key, "must be one of %s, got %s", strings.Join(sortedKeys(allowed), ", "), describeValue(v))
}

func (c *checker) checkDependsOn(v any) {
	var names []any
	switch d := v.(type) {
	case nil:
		return
	case string:
		names = []any{d}
	case []any:
		names = d
	default:
		c.report("DependsOn", "must be a logical id or a list of them, got %s", describeValue(v))
		return
	}
	for i, n := range names {
		name, _ := n.(string)
		if _, ok := c.resources[name]; !ok || name == c.logicalID {
			c.report(fmt.Sprintf("DependsOn[%d]", i), "names no other resource of this template: %s", describeValue(n))
		}
	}
}

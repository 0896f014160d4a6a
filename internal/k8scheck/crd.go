package k8scheck

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiextensionsvalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// customKind is one served version of a CustomResourceDefinition, checked
// with the API server's own code for custom resources
// (k8s.io/apiextensions-apiserver, the version of k8s.io/apimachinery):
// unknown fields are pruned and reported as strict field validation does
// (kubectl's default), then metadata, the openAPIV3Schema, list types and
// x-kubernetes-validations (CEL) rules are validated as a create is.
type customKind struct {
	CRD        string // the CRD's name, e.g. targetgroupbindings.elbv2.k8s.aws
	Namespaced bool
	// Digest identifies the version's schema: see schemaDigest.
	Digest     string
	structural *structuralschema.Structural
	validator  apiextensionsvalidation.SchemaValidator
	rules      *cel.Validator // x-kubernetes-validations; nil if none
}

// readCRDs reads every CustomResourceDefinition of a YAML stream (a
// chart's crds/*.yaml) into its served versions by group, version and kind.
func readCRDs(data []byte) (map[schema.GroupVersionKind]*customKind, error) {
	out := map[schema.GroupVersionKind]*customKind{}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := dec.Decode(&crd); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		if crd.Kind != "CustomResourceDefinition" {
			continue
		}
		for _, v := range crd.Spec.Versions {
			if !v.Served {
				continue
			}
			k, err := newCustomKind(&crd, v)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", crd.Name, v.Name, err)
			}
			out[schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}] = k
		}
	}
}

func newCustomKind(crd *apiextensionsv1.CustomResourceDefinition, v apiextensionsv1.CustomResourceDefinitionVersion) (*customKind, error) {
	if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
		return nil, errors.New("no openAPIV3Schema")
	}
	var internal apiextensions.JSONSchemaProps
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, &internal, nil); err != nil {
		return nil, err
	}
	structural, err := structuralschema.NewStructural(&internal)
	if err != nil {
		return nil, err
	}
	validator, _, err := apiextensionsvalidation.NewSchemaValidator(&internal)
	if err != nil {
		return nil, err
	}
	digest, err := schemaDigest(v.Schema.OpenAPIV3Schema)
	if err != nil {
		return nil, err
	}
	return &customKind{CRD: crd.Name, Namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
		Digest: digest, structural: structural, validator: validator,
		rules: cel.NewValidator(structural, true, celconfig.PerCallLimit)}, nil
}

// schemaDigest is the SHA-256 of a version's openAPIV3Schema as JSON with
// its descriptions and top-level status left out: what decides whether an
// object the app applies (it never writes status) is valid. Two chart
// versions whose schemas have one digest validate an applied object alike.
func schemaDigest(s *apiextensionsv1.JSONSchemaProps) (string, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return "", err
	}
	if props, ok := doc["properties"].(map[string]any); ok {
		delete(props, "status")
	}
	data, err = json.Marshal(withoutDescriptions(doc))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

func withoutDescriptions(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if k != "description" {
				out[k] = withoutDescriptions(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = withoutDescriptions(x)
		}
		return out
	}
	return v
}

// validate checks a custom object as the API server's create does, on a
// copy: strict field validation (unknown fields in metadata and in the
// schema), the schema's metadata rules, the schema itself, list types and
// CEL rules.
// Object metadata (name, labels, ...) is checked apart, as for every kind.
func (k *customKind) validate(body map[string]any) []string {
	obj := runtime.DeepCopyJSON(body)
	var problems []string
	_, _, unknownMeta, err := schemaobjectmeta.GetObjectMetaWithOptions(obj, schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		problems = append(problems, fmt.Sprintf("metadata: %v", err))
	}
	for _, p := range append(unknownMeta, pruning.PruneWithOptions(obj, k.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})...) {
		// The API server's words (customresource_handler.go).
		problems = append(problems, fmt.Sprintf("strict decoding error: unknown field %q", p))
	}
	var errs field.ErrorList
	errs = append(errs, schemaobjectmeta.Validate(context.Background(), nil, obj, k.structural, true)...)
	errs = append(errs, apiextensionsvalidation.ValidateCustomResource(nil, obj, k.validator)...)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, k.structural, obj)...)
	if k.rules != nil {
		celErrs, _ := k.rules.Validate(context.Background(), nil, k.structural, obj, nil, celconfig.RuntimeCELCostBudget)
		errs = append(errs, celErrs...)
	}
	return append(problems, errorStrings(errs)...)
}

// objectMeta decodes a custom object's metadata, for the checks every kind
// gets.
func objectMeta(body map[string]any) (metav1.ObjectMeta, error) {
	var m metav1.ObjectMeta
	raw, _ := body["metadata"].(map[string]any)
	err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &m)
	return m, err
}

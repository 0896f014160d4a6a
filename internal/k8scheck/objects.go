package k8scheck

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// objectKey is an object's identity in a cluster: the API server keeps one
// object per group, kind, namespace and name, whatever version of the
// group an apply names.
type objectKey struct {
	Cluster         string
	Kind            schema.GroupKind
	Namespace, Name string
}

// checkObjects checks each object the app applies, and that no two
// resources of the environment apply the same object to one cluster: with
// Overwrite the later apply silently replaces the earlier one's object
// (and a delete of either deletes both's), without it the later fails.
func (s *Schemas) checkObjects(objs []object, releases []release) []Finding {
	var findings []Finding
	first := map[objectKey]Origin{}
	var keys []objectKey
	var checked []Finding // each keyed object's origin and description
	for _, o := range objs {
		desc, key, problems := s.checkObject(o, releases)
		for _, p := range problems {
			findings = append(findings, Finding{Origin: o.Origin, Object: desc, Message: p})
		}
		if key == nil {
			continue
		}
		keys = append(keys, *key)
		checked = append(checked, Finding{Origin: o.Origin, Object: desc})
		if f, dup := first[*key]; dup {
			findings = append(findings, Finding{Origin: o.Origin, Object: desc, Message: fmt.Sprintf(
				"%s %s applies the same object (%s %s/%s) to cluster %s: a cluster has one object per kind, namespace and name",
				f.Stack, f.Resource, key.Kind, key.Namespace, key.Name, key.Cluster)})
			continue
		}
		first[*key] = o.Origin
	}
	reported := map[[2]string]bool{} // once per cluster and namespace
	for i, k := range keys {
		if reported[[2]string{k.Cluster, k.Namespace}] {
			continue
		}
		if msg := namespaceMissing(k, keys, releases); msg != "" {
			reported[[2]string{k.Cluster, k.Namespace}] = true
			f := checked[i]
			f.Message = msg
			findings = append(findings, f)
		}
	}
	return findings
}

// checkObject checks one object: its kind is served, its fields decode
// strictly into the kind's type or schema, and its metadata passes the API
// server's rules, with the namespace kubectl and the API server give it
// (default for a namespaced object without one, none for a cluster-scoped
// one). It returns the object's description and key for findings.
func (s *Schemas) checkObject(o object, releases []release) (string, *objectKey, []string) {
	apiVersion, _ := o.Body["apiVersion"].(string)
	kind, _ := o.Body["kind"].(string)
	meta, _ := o.Body["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	namespace, _ := meta["namespace"].(string)
	desc := strings.TrimSpace(fmt.Sprintf("%s %s %s", apiVersion, kind, strings.TrimPrefix(namespace+"/"+name, "/")))
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil || apiVersion == "" || kind == "" {
		return desc, nil, []string{fmt.Sprintf("apiVersion and kind: required, got %q and %q", apiVersion, kind)}
	}
	gvk := gv.WithKind(kind)
	var m metav1.Object
	var namespaced bool
	var problems []string
	switch custom := s.custom[gvk]; {
	case builtin.Recognizes(gvk):
		m, problems = decodeBuiltin(o.Body)
		namespaced = !clusterScoped[gvk.GroupKind()]
	case custom != nil:
		m, problems = checkCustom(o, custom, releases)
		namespaced = custom.Namespaced
	default:
		return desc, nil, []string{s.unknownKind(gvk)}
	}
	if m == nil {
		return desc, nil, problems
	}
	if namespaced && m.GetNamespace() == "" {
		m.SetNamespace(metav1.NamespaceDefault)
	}
	if !namespaced {
		m.SetNamespace("")
	}
	problems = append(problems, errorStrings(apivalidation.ValidateObjectMetaAccessor(m, namespaced, nameRule(gvk.GroupKind()), field.NewPath("metadata")))...)
	slices.Sort(problems) // label and field errors come in map order
	return desc, &objectKey{Cluster: o.Cluster, Kind: gvk.GroupKind(), Namespace: m.GetNamespace(), Name: m.GetName()}, problems
}

// decodeBuiltin decodes a built-in kind strictly; its metadata is nil when
// it doesn't decode at all.
func decodeBuiltin(body map[string]any) (metav1.Object, []string) {
	var problems []string
	data, _ := json.Marshal(body)
	obj, _, err := strictDecoder.Decode(data, nil, nil)
	if err != nil {
		problems = append(problems, err.Error())
	}
	m, ok := obj.(metav1.Object)
	if !ok && err == nil {
		// ListOptions, WatchEvent, ...: registered in every group, not stored.
		problems = append(problems, fmt.Sprintf("%T is not an object kind the API server stores", obj))
	}
	return m, problems
}

// checkCustom checks a custom resource against its CRD version, and that
// the object's cluster has the CRD: a chart's CRD only with a release of
// the chart there, a control-plane CRD always.
func checkCustom(o object, k *crdKind, releases []release) (metav1.Object, []string) {
	var problems []string
	if k.Problem != "" {
		problems = append(problems, k.Problem)
	} else {
		problems = append(problems, k.validate(o.Body)...)
	}
	if msg := k.Source.absentFrom(o.Cluster, k.CRD, releases); msg != "" {
		problems = append(problems, msg)
	}
	m, err := objectMeta(o.Body)
	if err != nil {
		return nil, append(problems, fmt.Sprintf("metadata: %v", err))
	}
	return &m, problems
}

// unknownKind says why a kind can't be checked, naming the API versions
// that serve a kind of that name, if any.
func (s *Schemas) unknownKind(gvk schema.GroupVersionKind) string {
	var served []string
	for v := range s.custom {
		if v.Kind == gvk.Kind {
			served = append(served, v.GroupVersion().String())
		}
	}
	for v := range builtin.AllKnownTypes() {
		if v.Kind == gvk.Kind {
			served = append(served, v.GroupVersion().String())
		}
	}
	if len(served) > 0 {
		slices.Sort(served)
		return fmt.Sprintf("%s serves no %s; %s is served as %s", gvk.GroupVersion(), gvk.Kind, gvk.Kind, strings.Join(served, ", "))
	}
	return fmt.Sprintf("unknown kind %s: neither a GA built-in kind nor a CRD of a chart the check knows (%s) or of the EKS control plane (%s)",
		gvk.GroupKind(), chartNames(), controlPlaneCRDNames())
}

func chartNames() string {
	names := make([]string, len(charts))
	for i, c := range charts {
		names[i] = c.Name + " " + c.Version
	}
	return strings.Join(names, ", ")
}

func controlPlaneCRDNames() string {
	names := make([]string, len(controlPlaneCRDs))
	for i, c := range controlPlaneCRDs {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// installs tells whether a release of c is in cluster: the CRDs in a
// chart's crds/ are installed with its release.
func installs(releases []release, cluster string, c *chart) bool {
	return slices.ContainsFunc(releases, func(r release) bool {
		return r.Cluster == cluster && r.Repository == c.Repository && r.Chart == c.Name
	})
}

func errorStrings(errs field.ErrorList) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}

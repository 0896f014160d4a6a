package k8scheck

import "fmt"

// Origin is where something the app applies comes from: the stack and
// logical id of its resource, and the cluster it goes to.
type Origin struct {
	Stack, Resource string
	// Cluster is the cluster's name, or "<stack>/<logical id>" for a
	// cluster CloudFormation names; "" when it can't be told.
	Cluster string
}

// Finding is one thing the cluster's API server, EKS or Helm would refuse,
// or that the check could not verify (which fails as loudly: a check that
// skips what it doesn't understand proves nothing).
type Finding struct {
	Origin
	// Object is what the finding is about, e.g.
	// "elbv2.k8s.aws/v1beta1 TargetGroupBinding api-gateway/api-gateway-Stable".
	Object  string
	Message string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s %s (cluster %s): %s: %s", f.Stack, f.Resource, f.Cluster, f.Object, f.Message)
}

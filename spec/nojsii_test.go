package spec

import (
	"testing"

	"github.com/ecplatform/eks-platform/internal/nocdk"
)

// TestLinksNoCDK: spec is the leaf envs and the constructs share; a CDK
// import here would start Node in every config check.
func TestLinksNoCDK(t *testing.T) { nocdk.Check(t, ".") }

package envs

import (
	"testing"

	"github.com/ecplatform/eks-platform/internal/nocdk"
)

// TestLinksNoCDK: loading and validating config starts no Node process, so
// bad config is refused in milliseconds (bin/platform, make review). The
// facts envs checks against come from spec, never from a construct.
func TestLinksNoCDK(t *testing.T) { nocdk.Check(t, ".") }

package envs

import (
	"github.com/ecplatform/eks-platform/spec"
)

// Security is the env's runtime security.
type Security struct {
	// Falco watches every node of every cluster for suspicious activity,
	// such as a shell spawned in a container (docs/runbook.md).
	Falco Falco `json:"falco,omitempty"`
}

// Falco is runtime security on every node: Falco with its modern eBPF
// probe. Every event is archived (the falco_events table); events at or
// above minPriority also go to the alerting log group, where any of them
// raises an alarm to Slack.
type Falco struct {
	// Enabled installs Falco on every cluster of the env; a falco block
	// must say it. Turning it off removes Falco, its metric filter and its
	// alarm (its alert stream is kept where stateful resources are); the
	// archived events and their table stay. @default false
	Enabled bool `json:"enabled"`
	// MinPriority is the least severe Falco priority that alarms. The
	// default, notice, includes "Terminal shell in container".
	// @default notice
	MinPriority FalcoPriority `json:"minPriority,omitempty" jsonschema:"enum=emergency,enum=alert,enum=critical,enum=error,enum=warning,enum=notice,enum=informational,enum=debug"`
}

// FalcoPriority is a Falco rule priority, as falco.yaml spells it.
type FalcoPriority string

// DefaultFalcoMinPriority alarms on a shell in a container (a NOTICE rule)
// and everything more severe.
const DefaultFalcoMinPriority FalcoPriority = "notice"

// FalcoPriorities are Falco's priorities, most severe first.
var FalcoPriorities = func() []FalcoPriority {
	out := make([]FalcoPriority, len(spec.FalcoPriorities))
	for i, p := range spec.FalcoPriorities {
		out[i] = FalcoPriority(p)
	}
	return out
}()

func validateSecurity(c *Config, errs *ErrorList) {
	p := NewPath("security").Child("falco")
	f := c.Security.Falco
	// A falco block says whether Falco runs: no silent default.
	if c.src.sets(p) && !c.src.sets(p.Child("enabled")) {
		errs.Required(p.Child("enabled"), "true to run Falco on every cluster of the env, false not to")
	}
	for _, known := range FalcoPriorities {
		if f.MinPriority == known {
			return
		}
	}
	errs.Add(p.Child("minPriority"), "must be one of Falco's priorities %v, got %q (lowercase, as falco.yaml spells them)", spec.FalcoPriorities, f.MinPriority)
}

package spec

// IstioNamespace is where the Istio control planes and the CNI node agent
// run (Istio's default, istio-system).
const IstioNamespace = "istio-system"

// IstioRelease is one Istio release the platform installs, as a control
// plane revision: istiod-<Revision> serves the namespaces labelled
// istio.io/rev=<Revision>, so two releases run side by side during an
// upgrade (docs/runbook.md, "Istio").
type IstioRelease struct {
	// Revision names the control plane: the release's minor with a dash,
	// e.g. "1-30" (a revision is a DNS label: no dots).
	Revision string
	// Version is the Helm chart version of base, istiod and cni, which is
	// also the Istio (and proxy image) version, e.g. "1.30.3".
	Version string
}

// istioReleases is the one table of Istio releases: one patch per minor,
// pinned so that a patch upgrade is a reviewed code change. Each release's
// charts are checked by internal/k8scheck (charts.go) against the chart
// sources of the istio.io/istio module go.mod pins.
var istioReleases = []IstioRelease{
	{Revision: "1-29", Version: "1.29.6"},
	{Revision: "1-30", Version: "1.30.3"},
}

// LookupIstioRelease returns the table entry of a revision such as "1-30".
func LookupIstioRelease(revision string) (IstioRelease, bool) {
	for _, r := range istioReleases {
		if r.Revision == revision {
			return r, true
		}
	}
	return IstioRelease{}, false
}

// IstioRevisions lists the revisions of the table, oldest first.
func IstioRevisions() []string {
	out := make([]string, len(istioReleases))
	for i, r := range istioReleases {
		out[i] = r.Revision
	}
	return out
}

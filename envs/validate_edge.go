package envs

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ecplatform/eks-platform/spec"
)

var (
	zoneIDPattern  = regexp.MustCompile(`^Z[A-Z0-9]{1,32}$`)
	dnsNamePattern = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

func validateEdge(c *Config, errs *ErrorList) {
	e, p := c.Edge, NewPath("edge")
	validateZone(e.PublicZone, e.ExternalName, p.Child("publicZone"), p.Child("externalName"), errs)
	validateZone(e.PrivateZone, e.InternalName, p.Child("privateZone"), p.Child("internalName"), errs)
	if e.ExternalCertificateArn != "" {
		validateCertificateArn(c, e.ExternalCertificateArn, p.Child("externalCertificateArn"), errs)
	}
	if e.InternalCertificateArn == "" {
		errs.Required(p.Child("internalCertificateArn"), "an ACM certificate ARN for the internal name (ACM Private CA or imported): a private name cannot be DNS-validated")
	} else {
		validateCertificateArn(c, e.InternalCertificateArn, p.Child("internalCertificateArn"), errs)
	}
	if e.InternalCaCertificate != "" {
		validateCaCertificate(e.InternalCaCertificate, p.Child("internalCaCertificate"), errs)
	}
	g, gp := e.ApiGateway, p.Child("apiGateway")
	for _, f := range []struct{ field, value string }{{"namespace", g.Namespace}, {"service", g.Service}, {"canaryService", g.CanaryService}} {
		if !spec.IsDNSLabel(f.value) {
			errs.Invalid(gp.Child(f.field), fmt.Sprintf("%q", f.value), "must be a Kubernetes name (lowercase letters, digits, -)")
		}
	}
	if g.Port < 1 || g.Port > 65535 {
		errs.Add(gp.Child("port"), "must be between 1 and 65535, got %d", g.Port)
	}
	if !strings.HasPrefix(g.HealthCheckPath, "/") {
		errs.Invalid(gp.Child("healthCheckPath"), fmt.Sprintf("%q", g.HealthCheckPath), "must be a path starting with /")
	}
	tw, tp := e.TargetWeights, p.Child("targetWeights")
	for _, w := range []struct {
		field string
		value int
	}{{"stable", tw.Stable}, {"canary", tw.Canary}} {
		if w.value < 0 || w.value > 100 {
			errs.Add(tp.Child(w.field), "must be between 0 and 100, got %d", w.value)
		}
	}
	if tw.Stable+tw.Canary != 100 {
		errs.Add(tp, "stable + canary must sum to 100, got %d + %d = %d", tw.Stable, tw.Canary, tw.Stable+tw.Canary)
	}
	validateClusterWeights(c, p.Child("clusterWeights"), errs)
	if e.MaxWeightStep < 1 || e.MaxWeightStep > 255 {
		errs.Add(p.Child("maxWeightStep"), "must be between 1 and 255 (Route 53 weights), got %d", e.MaxWeightStep)
	}
	validateWaf(e.Waf, p.Child("waf"), errs)
}

func validateZone(z Zone, name string, zp, np *Path, errs *ErrorList) {
	if !zoneIDPattern.MatchString(z.ID) {
		errs.Invalid(zp.Child("id"), fmt.Sprintf("%q", z.ID), "must be a Route 53 hosted zone id (Z and up to 32 uppercase letters or digits)")
	}
	if !dnsNamePattern.MatchString(z.Name) {
		errs.Invalid(zp.Child("name"), fmt.Sprintf("%q", z.Name), "must be a lowercase DNS name such as shop.example.com")
		return
	}
	if !dnsNamePattern.MatchString(name) || !strings.HasSuffix(name, "."+z.Name) {
		errs.Invalid(np, fmt.Sprintf("%q", name), fmt.Sprintf("must be a lowercase DNS name inside the zone %s", z.Name))
	}
}

var certArnPattern = regexp.MustCompile(`^arn:aws:acm:([a-z0-9-]+):([0-9]{12}):certificate/[0-9a-f-]{36}$`)

func validateCertificateArn(c *Config, arn string, p *Path, errs *ErrorList) {
	m := certArnPattern.FindStringSubmatch(arn)
	switch {
	case m == nil:
		errs.Invalid(p, fmt.Sprintf("%q", arn), "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)")
	case m[1] != c.Region:
		errs.Add(p, "the certificate is in %s but the ALBs are in %s: ALBs use certificates of their own region", m[1], c.Region)
	case m[2] != c.Account:
		errs.Add(p, "the certificate belongs to account %s, not this env's %s", m[2], c.Account)
	}
}

func validateClusterWeights(c *Config, p *Path, errs *ErrorList) {
	var clusters []string
	for _, cl := range c.Clusters {
		clusters = append(clusters, cl.Name)
	}
	names := make([]string, 0, len(c.Edge.ClusterWeights))
	for n := range c.Edge.ClusterWeights {
		names = append(names, n)
	}
	sort.Strings(names)
	total := 0
	for _, n := range names {
		w := c.Edge.ClusterWeights[n]
		if !slices.Contains(clusters, n) {
			errs.Add(p.Key(n), "names no cluster; clusters are %s", strings.Join(clusters, ", "))
		}
		if w < 0 || w > 255 {
			errs.Add(p.Key(n), "must be between 0 and 255 (Route 53 weights), got %d", w)
		}
		total += w
	}
	for _, cl := range clusters {
		if _, ok := c.Edge.ClusterWeights[cl]; !ok {
			errs.Add(p, "cluster %s has no weight: give it one (0 keeps it out of service)", cl)
		}
	}
	if len(names) > 0 && total == 0 {
		errs.Add(p, "every weight is 0: the API would have no cluster to go to; give one cluster a weight")
	}
}

func validateWaf(w Waf, p *Path, errs *ErrorList) {
	if w.RateLimit < spec.MinRateLimit {
		errs.Add(p.Child("rateLimit"), "must be at least %d (WAF's minimum), got %d", spec.MinRateLimit, w.RateLimit)
	}
	if !slices.Contains(spec.RateWindows, w.RateWindowSeconds) {
		errs.Add(p.Child("rateWindowSeconds"), "WAF evaluates rate limits over 60, 120, 300 or 600 seconds, got %d", w.RateWindowSeconds)
	}
	var allow []struct {
		i int
		s string
	}
	for i, s := range w.AllowCidrs {
		ap := p.Child("allowCidrs").Index(i)
		if r, ok := parseCIDR(s, ap, errs); ok && r.Bits() < MinTrustedPrefixBits {
			errs.Add(ap, "%s trusts %s: an allow list entry is a source you know, /%d or narrower", r, addressCount(r), MinTrustedPrefixBits)
		} else if ok {
			allow = append(allow, struct {
				i int
				s string
			}{i, s})
		}
	}
	for i, s := range w.BlockCidrs {
		bp := p.Child("blockCidrs").Index(i)
		b, ok := parseCIDR(s, bp, errs)
		if !ok {
			continue
		}
		for _, a := range allow {
			if ap, _ := parseCIDRQuiet(a.s); ap.Overlaps(b) {
				errs.Add(bp, "%s overlaps allowCidrs[%d] %s: a range cannot be both allowed and blocked", b, a.i, a.s)
			}
		}
	}
	seenCountry := map[string]int{}
	for i, cc := range w.BlockCountries {
		cp := p.Child("blockCountries").Index(i)
		switch j, dup := seenCountry[cc]; {
		case !slices.Contains(iso3166Alpha2, cc):
			errs.Invalid(cp, fmt.Sprintf("%q", cc), "must be an assigned ISO 3166-1 alpha-2 country code in capitals, such as KP: WAF's geo match takes no other")
		case dup:
			errs.Add(cp, "%s is also blockCountries[%d]: list each country once", cc, j)
		}
		seenCountry[cc] = i
	}
}

// now is the time CA certificates are checked against.
var now = time.Now

// validateCaCertificate requires the private CA's chain as PEM
// certificates: every one a CA valid now, ending in a self-signed root,
// each other one issued by another of the bundle. The canary's TLS
// (OpenSSL) trusts a chain only up to a root it is given: an intermediate
// alone, as a subordinate CA's "CA certificate" is, fails every run.
func validateCaCertificate(text string, p *Path, errs *ErrorList) {
	rest := []byte(text)
	var certs []*x509.Certificate
	n := 0
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		n++
		if block.Type != "CERTIFICATE" {
			errs.Add(p, "PEM block %d is a %s, want CERTIFICATE (the CA's certificate, never its key)", n, block.Type)
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			errs.Add(p, "certificate %d does not parse: %v", n, err)
			continue
		}
		if !cert.IsCA {
			errs.Add(p, "certificate %d (%s) is not a CA certificate: give the certificate of the CA that issued internalCertificateArn, not the server's", n, cert.Subject.CommonName)
			continue
		}
		if t := now(); t.After(cert.NotAfter) || t.Before(cert.NotBefore) {
			errs.Add(p, "certificate %d (%s) is valid from %s to %s, not now: renew the CA certificate", n, cert.Subject.CommonName, cert.NotBefore.Format("2006-01-02"), cert.NotAfter.Format("2006-01-02"))
		}
		certs = append(certs, cert)
	}
	if n == 0 || strings.TrimSpace(string(rest)) != "" {
		errs.Add(p, "must be PEM certificates only (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)")
		return
	}
	roots := 0
	for i, c := range certs {
		if c.CheckSignatureFrom(c) == nil && bytes.Equal(c.RawSubject, c.RawIssuer) {
			roots++
			continue
		}
		issued := false
		for _, other := range certs {
			issued = issued || (other != c && c.CheckSignatureFrom(other) == nil)
		}
		if !issued {
			errs.Add(p, "certificate %d (%s) is issued by %s, which is not in the bundle: give the whole chain up to the root CA (ACM Private CA: the CA certificate chain)", i+1, c.Subject.CommonName, c.Issuer.CommonName)
		}
	}
	if len(certs) > 0 && roots == 0 {
		errs.Add(p, "has no self-signed root CA certificate: give the whole chain up to the root CA (ACM Private CA: the CA certificate chain)")
	}
}

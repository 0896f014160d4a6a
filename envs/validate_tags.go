package envs

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Tag limits. AWS takes at most 50 tags on a resource (CloudFormation
// passes the stage's tags to every taggable resource), and the platform
// sets some itself: environment, Name, aws-cdk:subnet-*, kubernetes.io/role/*.
const (
	MaxResourceTags = 50
	// PlatformTagsReserved is the room kept for the platform's own tags on
	// any one resource; a whole-app test proves no resource uses more.
	PlatformTagsReserved = 10
	MaxTags              = MaxResourceTags - PlatformTagsReserved
	maxTagKeyLength      = 128
	maxTagValueLength    = 256
)

// tagChars are the characters AWS accepts in tag keys and values.
var tagChars = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// ReservedTagPrefixes are tag key prefixes the config may not use: aws: is
// AWS's own, and the others are read by EKS and the Load Balancer
// Controller, whose IAM policy lets it change or delete what carries them.
var ReservedTagPrefixes = []string{"aws:", "kubernetes.io/", "k8s.io/", "eks:", "elbv2.k8s.aws/"}

func validateTags(tags map[string]string, p *Path, errs *ErrorList) {
	if len(tags) > MaxTags {
		errs.Add(p, "at most %d tags, got %d: AWS takes %d per resource and the platform keeps %d for its own", MaxTags, len(tags), MaxResourceTags, PlatformTagsReserved)
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kp, v := p.Key(k), tags[k]
		switch {
		case k == "" || len(k) > maxTagKeyLength:
			errs.Invalid(kp, len(k), fmt.Sprintf("tag keys must be 1 to %d characters", maxTagKeyLength))
		case !tagChars.MatchString(k):
			errs.Add(kp, "tag keys may hold letters, digits, spaces and _ . : / = + - @ only")
		case reservedTagPrefix(k) != "":
			errs.Add(kp, "the %s prefix is reserved %s: use another key", reservedTagPrefix(k), reservedTagReason(reservedTagPrefix(k)))
		}
		switch {
		case len(v) > maxTagValueLength:
			errs.Invalid(kp, len(v), fmt.Sprintf("tag values must be at most %d characters", maxTagValueLength))
		case !tagChars.MatchString(v):
			errs.Add(kp, "tag values may hold letters, digits, spaces and _ . : / = + - @ only, got %q", v)
		}
	}
}

func reservedTagPrefix(key string) string {
	for _, pre := range ReservedTagPrefixes {
		if strings.HasPrefix(strings.ToLower(key), pre) {
			return pre
		}
	}
	return ""
}

func reservedTagReason(prefix string) string {
	if prefix == "aws:" {
		return "by AWS"
	}
	return "for EKS and the Load Balancer Controller, which act on resources tagged so"
}

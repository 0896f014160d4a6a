package spec

import (
	"fmt"
	"sort"
	"strings"
)

// imageRegistryAccounts are, by region, the AWS accounts whose ECR
// registries hold the images of Amazon EKS add-ons and of the AWS Load
// Balancer Controller: EKS replicates them to one registry per region, and
// most regions share account 602401143452, but the regions opened later
// each have their own. From "View Amazon container image registries for
// Amazon EKS add-ons" (https://docs.aws.amazon.com/eks/latest/userguide/add-ons-images.html;
// awsdocs/amazon-eks-user-guide latest/ug/workloads/add-ons-images.adoc at
// 1cc6ebb4a163f7f42689fdb6860cc4e93a03d24e, checked 2026-11-25). Left out:
// ap-east-2, whose row there names an ap-east-1 host, and eusc-de-east-1
// (the European Sovereign Cloud, amazonaws.eu); check both before adding.
// envs refuses a region without an entry.
var imageRegistryAccounts = map[string]string{
	"af-south-1":     "877085696533",
	"ap-east-1":      "800184023465",
	"ap-northeast-1": "602401143452",
	"ap-northeast-2": "602401143452",
	"ap-northeast-3": "602401143452",
	"ap-south-1":     "602401143452",
	"ap-south-2":     "900889452093",
	"ap-southeast-1": "602401143452",
	"ap-southeast-2": "602401143452",
	"ap-southeast-3": "296578399912",
	"ap-southeast-4": "491585149902",
	"ap-southeast-6": "333609536671",
	"ap-southeast-7": "121268973566",
	"ca-central-1":   "602401143452",
	"ca-west-1":      "761377655185",
	"cn-north-1":     "918309763551",
	"cn-northwest-1": "961992271922",
	"eu-central-1":   "602401143452",
	"eu-central-2":   "900612956339",
	"eu-north-1":     "602401143452",
	"eu-south-1":     "590381155156",
	"eu-south-2":     "455263428931",
	"eu-west-1":      "602401143452",
	"eu-west-2":      "602401143452",
	"eu-west-3":      "602401143452",
	"il-central-1":   "066635153087",
	"me-central-1":   "759879836304",
	"me-south-1":     "558608220178",
	"mx-central-1":   "730335286997",
	"sa-east-1":      "602401143452",
	"us-east-1":      "602401143452",
	"us-east-2":      "602401143452",
	"us-gov-east-1":  "151742754352",
	"us-gov-west-1":  "013241004608",
	"us-west-1":      "602401143452",
	"us-west-2":      "602401143452",
}

// ImageRegistryAccount is the account of region's EKS image registry.
func ImageRegistryAccount(region string) (string, bool) {
	a, ok := imageRegistryAccounts[region]
	return a, ok
}

// ImageRegistry is region's EKS image registry host, e.g.
// 602401143452.dkr.ecr.ap-northeast-1.amazonaws.com.
func ImageRegistry(region string) (string, error) {
	account, ok := imageRegistryAccounts[region]
	if !ok {
		return "", fmt.Errorf("no Amazon EKS image registry is known for region %q; known: %s", region, strings.Join(imageRegistryRegions(), ", "))
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return fmt.Sprintf("%s.dkr.ecr.%s.%s", account, region, suffix), nil
}

func imageRegistryRegions() []string {
	regions := make([]string, 0, len(imageRegistryAccounts))
	for r := range imageRegistryAccounts {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	return regions
}

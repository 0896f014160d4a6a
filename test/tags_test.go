package test

import (
	"testing"

	"github.com/ecplatform/eks-platform/envs"
)

// TestPlatformTagsLeaveRoomForConfig: config may give envs.MaxTags tags
// because no resource carries more than envs.PlatformTagsReserved of the
// platform's own (environment, Name, aws-cdk:subnet-*, kubernetes.io/role/*):
// together they stay within AWS's 50 tags per resource.
func TestPlatformTagsLeaveRoomForConfig(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			most, where := 0, ""
			for stack, tmpl := range envTemplates(t, cfg.Name) {
				rs, _ := tmpl["Resources"].(map[string]any)
				for id, r := range rs {
					props, _ := r.(map[string]any)["Properties"].(map[string]any)
					own := 0
					switch tags := props["Tags"].(type) {
					case []any:
						for _, tag := range tags {
							k, _ := tag.(map[string]any)["Key"].(string)
							if _, fromConfig := cfg.Tags[k]; !fromConfig {
								own++
							}
						}
					case map[string]any:
						for k := range tags {
							if _, fromConfig := cfg.Tags[k]; !fromConfig {
								own++
							}
						}
					}
					if own > most {
						most, where = own, stack+" "+id
					}
				}
			}
			if most > envs.PlatformTagsReserved {
				t.Errorf("%s carries %d platform tags; config keeps room for %d (envs.PlatformTagsReserved)", where, most, envs.PlatformTagsReserved)
			}
			if most == 0 {
				t.Error("no resource carries a platform tag: the test reads no tags")
			}
		})
	}
}

package envs

import (
	"fmt"

	"github.com/ecplatform/eks-platform/spec"
)

// validateMonitoring checks the monitoring section: the Slack channel,
// canaries and alarm limits.
func validateMonitoring(m Monitoring, services []string, p *Path, errs *ErrorList) {
	sp := p.Child("slack")
	if !spec.IsSlackWorkspaceID(m.Slack.WorkspaceID) {
		errs.Invalid(sp.Child("workspaceId"), fmt.Sprintf("%q", m.Slack.WorkspaceID), "must be the Slack workspace id shown in the AWS Chatbot console, e.g. T01234567")
	}
	if !spec.IsSlackChannelID(m.Slack.ChannelID) {
		errs.Invalid(sp.Child("channelId"), fmt.Sprintf("%q", m.Slack.ChannelID), "must be the Slack channel id (channel details, bottom), e.g. C01234567")
	}
	if m.CanaryEveryMinutes < 1 || m.CanaryEveryMinutes > 60 {
		errs.Add(p.Child("canaryEveryMinutes"), "must be between 1 and 60, got %d", m.CanaryEveryMinutes)
	}
	if m.Max5xxPerFiveMinutes < 1 {
		errs.Add(p.Child("max5xxPerFiveMinutes"), "must be >= 1, got %d", m.Max5xxPerFiveMinutes)
	}
	if m.MaxWafBlockedPerFiveMinutes < 1 {
		errs.Add(p.Child("maxWafBlockedPerFiveMinutes"), "must be >= 1, got %d", m.MaxWafBlockedPerFiveMinutes)
	}
	if m.MaxNodeUtilizationPercent < 1 || m.MaxNodeUtilizationPercent > 100 {
		errs.Add(p.Child("maxNodeUtilizationPercent"), "must be a percentage between 1 and 100, got %d", m.MaxNodeUtilizationPercent)
	}
	validateAlertingLogs(m.AlertingLogs, services, p.Child("alertingLogs"), errs)
}

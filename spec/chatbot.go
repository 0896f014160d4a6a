package spec

import "regexp"

// The Slack ids AWS Chatbot's Slack channel configuration takes
// (AWS::Chatbot::SlackChannelConfiguration SlackWorkspaceId, SlackChannelId).
var (
	slackWorkspaceID = regexp.MustCompile(`^[0-9A-Z]{1,255}$`)
	slackChannelID   = regexp.MustCompile(`^[A-Za-z0-9]{1,255}$`)
)

// IsSlackWorkspaceID reports whether s is a Slack workspace (team) id such
// as T01234567.
func IsSlackWorkspaceID(s string) bool { return slackWorkspaceID.MatchString(s) }

// IsSlackChannelID reports whether s is a Slack channel id such as
// C01234567 (the id, not the #name).
func IsSlackChannelID(s string) bool { return slackChannelID.MatchString(s) }

package spec

import "regexp"

// logGroupName is what CloudWatch Logs takes as a log group's name
// (CreateLogGroup logGroupName).
var logGroupName = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]{1,512}$`)

// IsLogGroupName reports whether s can name a CloudWatch Logs log group:
// 1-512 of A-Za-z0-9 . - _ / #. Props that name a group another stack owns
// check it, since a typo there would only fail at deploy.
func IsLogGroupName(s string) bool { return logGroupName.MatchString(s) }

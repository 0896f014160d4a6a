package cluster

import "regexp"

// logGroupName is what CloudWatch Logs takes as a log group's name: the
// props of Falco and of node sessions name groups the logging stack owns,
// and a typo there would only fail at deploy.
var logGroupName = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]{1,512}$`)

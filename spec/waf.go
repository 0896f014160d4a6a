package spec

// RateWindows are the evaluation windows, in seconds, WAF rate-based rules
// take (AWS::WAFv2::WebACL RateBasedStatement EvaluationWindowSec).
var RateWindows = []int{60, 120, 300, 600}

// MinRateLimit is the smallest request limit of a WAF rate-based rule
// (RateBasedStatement Limit).
const MinRateLimit = 10

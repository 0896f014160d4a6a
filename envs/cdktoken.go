package envs

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// What the CDK and CloudFormation read as something else than the text: a
// config value holding one would deploy a value no reviewer saw in the file
// (a CDK token resolves to a reference or an attribute at synth, an unknown
// one stops synth; a dynamic reference resolves at deploy to a parameter or
// a secret). aws-cdk-lib encodes tokens as strings (core/lib/private/
// encoding.ts: "${Token[" and "#{Token[" for lists) and as numbers: doubles
// whose top 16 bits are 0xFBFF, printed as -1.88...e+289 to -1.94...e+289.
var (
	cdkTokenMarkers = []string{"${Token[", "#{Token["}
	// cdkNumberToken is aws-cdk-lib's STRINGIFIED_NUMBER_PATTERN: a number
	// token put in a string.
	cdkNumberToken = regexp.MustCompile(`-1\.\d{10,16}e\+289`)
	// dynamicReference is CloudFormation's {{resolve:service:...}}.
	dynamicReference = regexp.MustCompile(`\{\{\s*resolve\s*:`)
)

// cdkNumberTokenBits are the top 16 bits of a CDK number token's double.
const cdkNumberTokenBits = 0xFBFF

// literalProblem says why the string s would not reach AWS as written, or
// "" if it would.
func literalProblem(s string) string {
	for _, m := range cdkTokenMarkers {
		if strings.Contains(s, m) {
			return "holds a CDK token (" + m + "...]}), which the CDK replaces at synth with a reference or another value, and an unknown one stops synth: config values are literal; write the value itself"
		}
	}
	if cdkNumberToken.MatchString(s) {
		return "holds a CDK number token (-1.88...e+289), which the CDK replaces at synth with another value: write the value itself"
	}
	if dynamicReference.MatchString(s) {
		return "holds a CloudFormation dynamic reference ({{resolve:...}}), which CloudFormation replaces at deploy with a parameter or secret no review shows: write the value itself"
	}
	return ""
}

// numberProblem says why the YAML number literal would not reach AWS as
// written, or "" if it would.
func numberProblem(literal string) string {
	f, err := strconv.ParseFloat(strings.ReplaceAll(literal, "_", ""), 64)
	if err != nil || math.Float64bits(f)>>48 != cdkNumberTokenBits {
		return literalProblem(literal)
	}
	return "is a CDK number token, which the CDK replaces at synth with another value: write the number itself"
}

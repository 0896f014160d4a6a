package nocdk

import "testing"

func TestCDKModuleOf(t *testing.T) {
	for _, tc := range []struct{ importPath, want string }{
		{"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2", "github.com/aws/aws-cdk-go"},
		{"github.com/aws/jsii-runtime-go", "github.com/aws/jsii-runtime-go"},
		{"github.com/aws/jsii-runtime-go/runtime", "github.com/aws/jsii-runtime-go"},
		{"github.com/aws/constructs-go/constructs/v10", "github.com/aws/constructs-go"},
		{"github.com/aws/jsii-runtime-gone", ""},
		{"github.com/ecplatform/eks-platform/spec", ""},
	} {
		if got := cdkModuleOf(tc.importPath); got != tc.want {
			t.Errorf("cdkModuleOf(%s) = %q, want %q", tc.importPath, got, tc.want)
		}
	}
}

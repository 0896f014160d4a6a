package stacks

// deployedAccessEntryIDs are, by cluster stack, the access entries deployed
// with an id by list position (Admin0, ReadOnly0) before ids were keyed by
// role (spec.AccessEntryID), by principal. Each keeps its id: renamed,
// an entry would be created before the old one is deleted, which EKS
// refuses for the same principal, and the deploy would fail. Keyed by
// principal, these ids are as stable as the new ones: they follow their
// role through reorders, removals and moves between admins and read-only.
// Every cluster deployed then had one admin and one read-only role, as the
// env files at the change show. New clusters and new roles take
// AccessEntryID's ids; a line here can go once its role left the config.
var deployedAccessEntryIDs = map[string]map[string]string{
	"dev-cluster-blue": {
		"arn:aws:iam::210987654321:role/platform-admin": "Admin0",
		"arn:aws:iam::210987654321:role/developer":      "ReadOnly0",
	},
	"stg-cluster-blue": {
		"arn:aws:iam::320987654321:role/platform-admin": "Admin0",
		"arn:aws:iam::320987654321:role/sre-readonly":   "ReadOnly0",
	},
	"stg-cluster-green": {
		"arn:aws:iam::320987654321:role/platform-admin": "Admin0",
		"arn:aws:iam::320987654321:role/sre-readonly":   "ReadOnly0",
	},
	"prd-cluster-blue": {
		"arn:aws:iam::430987654321:role/platform-admin": "Admin0",
		"arn:aws:iam::430987654321:role/sre-readonly":   "ReadOnly0",
	},
}

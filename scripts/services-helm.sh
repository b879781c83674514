#!/usr/bin/env bash
# Builds Helm for the chart test (test/deploy/helm.test.ts: helm lint and helm template on
# deploy/helm/cxpulse). Helm is built from source with Go's module proxy:
#   go install helm.sh/helm/v4/cmd/helm@v4.3.2
# into $(go env GOPATH)/bin. Idempotent: when a helm of that version is already there it only
# says so. The first build downloads 121 modules and compiles them: minutes (see the
# README, "Build and tests"). Without Go it says how to get it, and the chart test skips (or
# fails, with CI set).
#
# CXPULSE_SERVICES=skip leaves everything alone.
set -euo pipefail

HELM_VERSION=v4.3.2
HELM_MODULE=helm.sh/helm/v4/cmd/helm
say() { echo "[helm] $*"; }

if [[ "${CXPULSE_SERVICES:-}" == "skip" ]]; then
  say "CXPULSE_SERVICES=skip: not checking helm"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "go is not installed: install Go (https://go.dev/doc/install) to build helm; the Helm chart test skips without it, and fails when CI is set"
  [[ "${CI:-}" == "true" ]] && exit 1
  exit 0
fi

HELM="$(go env GOPATH)/bin/helm"
# The module version Go recorded in the binary (`helm version` of a go-installed helm says only
# "v4.3": the release build's ldflags are not applied).
built_version() { go version -m "$HELM" 2>/dev/null | awk '$1 == "mod" && $2 == "helm.sh/helm/v4" { print $3 }'; }
if [[ -x "$HELM" ]] && [[ "$(built_version)" == "$HELM_VERSION" ]]; then
  say "$HELM is $HELM_VERSION"
  exit 0
fi

say "building ${HELM_MODULE}@${HELM_VERSION} into $HELM (go install; the first build takes minutes)"
started=$SECONDS
# A line every 30 s, so a long build does not look like a hang.
( while sleep 30; do say "still building ($((SECONDS - started)) s)"; done ) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true' EXIT
if ! go install "${HELM_MODULE}@${HELM_VERSION}"; then
  say "ERROR: go install ${HELM_MODULE}@${HELM_VERSION} failed (network? GOPROXY=$(go env GOPROXY))"
  [[ "${CI:-}" == "true" ]] && exit 1
  exit 0
fi
say "built $HELM ($(built_version)) in $((SECONDS - started)) s"

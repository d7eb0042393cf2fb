#!/usr/bin/env bash
# Generates lib/analyze/webhook/envoy-types.json: the messages and enums of Envoy's v3 API, its contrib
# extensions and the xDS/UDPA types, as go-control-plane registers them (versions in go.mod: Envoy's API
# v1.37.0, what Istio 1.30 builds against). The analyzer reads EnvoyFilter patch values with it, as
# istiod decodes them into these types. Needs Go and the Go module proxy.
#   bash scripts/envoy-types/generate.sh [--check]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../lib/analyze/webhook/envoy-types.json"
if ! command -v go >/dev/null 2>&1; then
  echo "envoy-types: Go is not on PATH; install Go >= 1.25 to generate $out" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/go.mod" "$here/main.go" "$work/"
cd "$work"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
go mod download all >/dev/null 2>&1 || true
# every v3 (and later) package of the modules: v2 types are gone from Istio, gRPC services are no config
{
  echo 'package main'
  echo 'import ('
  go list github.com/envoyproxy/go-control-plane/envoy/... github.com/envoyproxy/go-control-plane/contrib/... \
    github.com/cncf/xds/go/udpa/... github.com/cncf/xds/go/xds/... 2>/dev/null \
    | grep -Ev '/v2($|/|alpha)|/service/|/pkg/|/test/' | sort -u | sed 's/.*/\t_ "&"/'
  echo '	_ "google.golang.org/protobuf/types/known/structpb"'
  echo '	_ "google.golang.org/protobuf/types/known/wrapperspb"'
  echo ')'
} > imports.go
go mod tidy >/dev/null 2>&1
go run . > types.json
if [ "${1:-}" = "--check" ]; then
  if ! cmp -s types.json "$out"; then
    echo "envoy-types: $out differs from what scripts/envoy-types/generate.sh makes; run it and commit the result" >&2
    exit 1
  fi
  echo "envoy-types: $out is current"
else
  cp types.json "$out"
  echo "envoy-types: wrote $out ($(wc -c < "$out") bytes)"
fi

#!/usr/bin/env bash
# Builds kube-apiserver and etcd at pinned versions from the Go module proxy into a cache directory.
# Idempotent: a binary that exists at its version is kept. Prints the directory holding both binaries.
set -euo pipefail
K8S_VERSION="${K8S_VERSION:-v1.35.4}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.5}"
CACHE="${CDK8S_ISTIO_APISERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-istio/apiserver}"
BIN="$CACHE/bin-$K8S_VERSION-etcd-$ETCD_VERSION"

if ! command -v go >/dev/null 2>&1; then
  echo "apiserver: Go is not on PATH; install Go >= 1.25 to build kube-apiserver $K8S_VERSION and etcd $ETCD_VERSION" >&2
  exit 2
fi
if [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/etcd" ]; then
  echo "$BIN"
  exit 0
fi
mkdir -p "$BIN" "$CACHE/mod"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
# k8s.io/kubernetes replaces its staging modules with ./staging paths that a module download does not carry;
# the same modules are published as k8s.io/<name> v0.<minor>.<patch>, so the build module replaces each with that.
staging_version="v0${K8S_VERSION#v1}"
mod="$CACHE/mod/kube-apiserver"
mkdir -p "$mod"
k8s_gomod="$(cd "$mod" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
{
  echo "module cdk8s-istio.local/kube-apiserver"
  echo "go 1.25.0"
  echo "require k8s.io/kubernetes $K8S_VERSION"
  sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => ./staging/.*#replace \1 => \1 '"$staging_version"'#p' "$k8s_gomod"
} > "$mod/go.mod"
echo "apiserver: building kube-apiserver $K8S_VERSION (several minutes from an empty Go cache)" >&2
# `go get` of the command at the pinned version records its dependencies (go mod tidy would drop the
# requirement, as no source file imports it, and the build would then resolve the newest kubernetes)
(cd "$mod" && go get "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" && go build -trimpath -ldflags='-s -w' -o "$BIN/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver)
mv "$BIN/kube-apiserver.tmp" "$BIN/kube-apiserver"

emod="$CACHE/mod/etcd"
mkdir -p "$emod"
cat > "$emod/go.mod" <<GOMOD
module cdk8s-istio.local/etcd
go 1.25.0
require go.etcd.io/etcd/server/v3 $ETCD_VERSION
GOMOD
echo "apiserver: building etcd $ETCD_VERSION" >&2
(cd "$emod" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" && go build -trimpath -ldflags='-s -w' -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3)
mv "$BIN/etcd.tmp" "$BIN/etcd"
echo "$BIN"

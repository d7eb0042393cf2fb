#!/usr/bin/env bash
# A real kubectl decodes every file `kubectl apply -f dist/` reads, and every release step, without a cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
kubectl="$(bash scripts/kubectl.sh)"
"$kubectl" version --client=true -o yaml | grep gitVersion
for dir in dist dist/steps dist/optional dist/gateway-api dist/gateway-api/steps dist/flagger dist/argo-rollouts; do
  count="$("$kubectl" label --local -f "$dir" checked=true -o name | wc -l)"
  echo "check:kubectl: kubectl decodes $dir/ ($count objects)"
done

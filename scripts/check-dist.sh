#!/usr/bin/env bash
# Fails if `cdk8s synth` changes the committed dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
npx cdk8s synth --no-check-upgrade >/dev/null
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "check:dist: cdk8s synth changed dist/; run it and commit the result" >&2
  git status --porcelain -- dist >&2
  git --no-pager diff --stat -- dist >&2
  exit 1
fi
echo "check:dist: dist/ is up to date"

#!/usr/bin/env bash
# Packs the library and installs it into fresh consumer cdk8s apps, one on the oldest cdk8s/constructs the
# peer range allows and one on newer ones; each must share one copy of cdk8s and constructs with the
# library, type-check with --strict, synthesize with the analyzer plugin in its cdk8s.yaml (its own app
# and the README's examples), and pass the installed `cdk8s-istio analyze`. Needs the npm registry.
#   npm run test:consumer [-- <cdk8s>@<constructs> ...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pairs=("$@")
NEWEST_CDK8S="2.70.106@10.8.1"
# the oldest versions the peer range allows (the project's devDependencies, as jsii pins them) and newer ones
[ ${#pairs[@]} -gt 0 ] || pairs=("$(node -p "require('$root/package.json').devDependencies.cdk8s")@$(node -p "require('$root/package.json').devDependencies.constructs")" "$NEWEST_CDK8S")
fail() { echo "consumer-test: $*" >&2; exit 1; }

(cd "$root" && npm pack --silent --pack-destination "$work" >/dev/null)
tarball="$(ls "$work"/cdk8s-istio-*.tgz)"
for f in LICENSE README.md package.json build/lib/index.js build/lib/analyze/plugin.js build/lib/analyze/schema/generated/index.js build/analyzer/cli.js build/analyzer/cli.js.cache build/analyzer/generated/index.js build/analyzer/envoy-types.json build/lib/analyze/webhook/envoy-types.json bin/cdk8s-istio.js bin/analyzer.js plugin.js; do
  tar -tzf "$tarball" "package/$f" >/dev/null 2>&1 || fail "the tarball lacks $f"
done

for pair in "${pairs[@]}"; do
  cdk8s_version="${pair%@*}"; constructs_version="${pair#*@}"
  dir="$work/consumer-$cdk8s_version"
  mkdir -p "$dir/examples"
  cp "$root/test/consumer/main.ts" "$dir/main.ts"
  cp "$root/test/consumer/every-kind.ts" "$dir/every-kind.ts"
  # own-services.ts needs cdk8s-plus: it gets apps of its own below
  for example in "$root"/examples/*.ts; do [ "$(basename "$example")" = own-services.ts ] || cp "$example" "$dir/examples/"; done
  cat > "$dir/package.json" <<JSON
{
  "name": "consumer", "version": "1.0.0", "private": true,
  "dependencies": { "cdk8s": "$cdk8s_version", "constructs": "$constructs_version", "cdk8s-istio": "file:$tarball" },
  "devDependencies": {
    "typescript": "$(node -p "require('$root/package.json').devDependencies.typescript")",
    "cdk8s-cli": "$(node -p "require('$root/package.json').devDependencies['cdk8s-cli']")",
    "@types/node": "$(node -p "require('$root/package.json').devDependencies['@types/node']")"
  }
}
JSON
  cat > "$dir/tsconfig.json" <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true, "outDir": "build", "rootDir": ".", "types": ["node"] },
  "include": ["main.ts", "every-kind.ts", "examples/*.ts"] }
JSON
  cat > "$dir/cdk8s.yaml" <<'YAML'
language: typescript
app: node build/main.js
validations:
  - package: ./node_modules/cdk8s-istio/plugin.js
    class: IstioAnalyzerPlugin
    version: 0.1.0
YAML
  cd "$dir"
  echo "consumer-test: cdk8s $cdk8s_version, constructs $constructs_version"
  npm install --no-audit --no-fund --loglevel=error >/dev/null
  for pkg in cdk8s constructs; do
    [ ! -e "node_modules/cdk8s-istio/node_modules/$pkg" ] || fail "npm installed a second $pkg inside cdk8s-istio"
    same="$(node -p "require.resolve('$pkg', { paths: [require('path').dirname(require.resolve('cdk8s-istio'))] }) === require.resolve('$pkg')")"
    [ "$same" = true ] || fail "cdk8s-istio resolves another copy of $pkg than the app"
  done
  [ "$(node -p "require('cdk8s/package.json').version")" = "$cdk8s_version" ] || fail "cdk8s is not $cdk8s_version"
  npx tsc -p . || fail "tsc --strict failed on cdk8s $cdk8s_version"
  npx cdk8s synth --no-check-upgrade >synth.log 2>&1 || { cat synth.log; fail "synth failed"; }
  [ ! -e dist/construct-metadata.json ] || fail "construct-metadata.json left in dist/"
  npx cdk8s-istio analyze dist/ || fail "the installed analyzer rejects the consumer's output"
  # the installed command runs the bundle (bin/analyzer.js): it finds what the sources of this checkout find
  for command in "analyze --json" "explain --format markdown"; do
    diff <(npx cdk8s-istio $command "$root/dist" 2>&1) <(node "$root/bin/cdk8s-istio.js" $command "$root/dist" 2>&1) \
      || fail "the installed 'cdk8s-istio $command' differs from the sources' on dist/"
  done
  grep -q '^    team: checkout$' dist/shop.k8s.yaml || fail "a label set through canary.virtualService did not reach the VirtualService"
  # one object of every Istio and Gateway API kind through the exported namespaces: each spec synthesizes
  # exactly as written (every-kind.js exits 1 naming any that does not), and the plugin passes the state
  npx cdk8s synth --no-check-upgrade --app "node build/every-kind.js" --output dist-every-kind >synth-every-kind.log 2>&1 \
    || { cat synth-every-kind.log; fail "the every-kind app fails synth with the analyzer plugin"; }
  grep -q 'every-kind: 27 kinds, each spec synthesized exactly as written' synth-every-kind.log \
    || { cat synth-every-kind.log; fail "the every-kind app did not check 27 kinds"; }
  for example in examples/*.ts; do
    name="$(basename "$example" .ts)"
    npx cdk8s synth --no-check-upgrade --app "node build/examples/$name.js" --output "dist-$name" >"synth-$name.log" 2>&1 \
      || { cat "synth-$name.log"; fail "the README example $name fails synth with the analyzer plugin"; }
  done
  # bad input reaches the user as a message naming their construct and prop, not a stack trace
  if CONSUMER_BAD_SUBSET=v9 node build/main.js >bad.log 2>&1; then fail "a canary to an undefined subset synthesized"; fi
  grep -q "\[shop/checkout-canary\] 'canary' names subset 'v9', which no DestinationRule defines for host 'checkout' (defined: v1, v2)" bad.log \
    || { cat bad.log; fail "the bad-subset message does not name the construct and prop"; }
  echo "consumer-test: cdk8s $cdk8s_version passed (one copy of cdk8s and constructs, tsc --strict, synth + plugin, analyze (the bundle finds what the sources find), 27 generated kinds spec in = spec out, $(ls examples | wc -l) README examples)"
  cd "$root"
done

# The starter `cdk8s-istio init` writes, as a newcomer runs it: ts-node synth with the plugin, then analyze
(
starter="$work/starter"
node "$root/bin/cdk8s-istio.js" init --package "file:$tarball" "$starter" >/dev/null
cd "$starter"
echo "consumer-test: the starter of cdk8s-istio init"
# as on a newcomer's machine: without this project's .npmrc preload, whose --import makes node load main.ts
# through its ES-module loader, which ts-node's CommonJS hook never sees
unset NODE_OPTIONS npm_config_node_options
npm install --no-audit --no-fund --loglevel=error >/dev/null
[ "$(node -p "require('typescript/package.json').version.split('.')[0]")" = 5 ] || fail "the starter installed a TypeScript that ts-node cannot run"
npx tsc -p . --noEmit || fail "the starter does not type-check (--strict)"
npx cdk8s synth --no-check-upgrade >synth.log 2>&1 || { cat synth.log; fail "the starter fails synth with the analyzer plugin"; }
grep -q 'kind: VirtualService' dist/bookinfo.k8s.yaml || fail "the starter synthesized no VirtualService"
npx cdk8s-istio analyze dist/ || fail "the analyzer rejects the starter's output"
echo "consumer-test: the starter passed (npm install, cdk8s synth through ts-node with the plugin, analyze)"
)

# The "your own services" example on cdk8s-plus: its workloads give the mesh its hosts, ports, selectors,
# identities and versions. Once on cdk8s-plus-28, once on the newest (the project's devDependency).
newest_plus="$(node -p "require('$root/package.json').devDependencies['cdk8s-plus-33']")"
for plus in "cdk8s-plus-28@2.5.6" "cdk8s-plus-33@$newest_plus"; do
  plus_name="${plus%@*}"; plus_version="${plus#*@}"
  dir="$work/own-services-$plus_name"
  mkdir -p "$dir"
  sed "s#'cdk8s-plus-33'#'$plus_name'#" "$root/examples/own-services.ts" > "$dir/main.ts"
  cat > "$dir/package.json" <<JSON
{
  "name": "own-services", "version": "1.0.0", "private": true,
  "dependencies": {
    "cdk8s": "${NEWEST_CDK8S%@*}",
    "constructs": "${NEWEST_CDK8S#*@}",
    "$plus_name": "$plus_version", "cdk8s-istio": "file:$tarball"
  },
  "devDependencies": {
    "typescript": "$(node -p "require('$root/package.json').devDependencies.typescript")",
    "cdk8s-cli": "$(node -p "require('$root/package.json').devDependencies['cdk8s-cli']")",
    "@types/node": "$(node -p "require('$root/package.json').devDependencies['@types/node']")"
  }
}
JSON
  cat > "$dir/tsconfig.json" <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true, "outDir": "build", "rootDir": ".", "types": ["node"], "skipLibCheck": true },
  "include": ["main.ts"] }
JSON
  cat > "$dir/cdk8s.yaml" <<'YAML'
language: typescript
app: node build/main.js
validations:
  - package: ./node_modules/cdk8s-istio/plugin.js
    class: IstioAnalyzerPlugin
    version: 0.1.0
YAML
  cd "$dir"
  echo "consumer-test: own services on $plus_name $plus_version"
  npm install --no-audit --no-fund --loglevel=error >/dev/null
  npx tsc -p . || fail "own-services.ts does not type-check against $plus_name"
  npx cdk8s synth --no-check-upgrade >synth.log 2>&1 || { cat synth.log; fail "own-services.ts fails synth with the analyzer plugin on $plus_name"; }
  npx cdk8s-istio analyze dist/ || fail "the analyzer rejects own-services on $plus_name"
  # the identities and versions came from the cdk8s-plus workloads
  grep -q 'cluster.local/ns/shop/sa/checkout' dist/shop.k8s.yaml || fail "checkout's identity did not reach the payments policy on $plus_name"
  [ "$(grep -c '^    - labels:$' dist/shop.k8s.yaml)" -ge 5 ] || fail "the subsets did not come from the workloads' versions on $plus_name"
  echo "consumer-test: own services on $plus_name passed (tsc --strict, synth + plugin, analyze)"
  cd "$root"
done


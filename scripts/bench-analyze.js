#!/usr/bin/env node
// Times the analyzer, `explain` and `diff` on generated meshes of 100, 1,000 and 5,000 services (each a
// Deployment, a Service, a DestinationRule with 2 subsets, a VirtualService and a least-privilege
// AuthorizationPolicy, beside a namespace allow-nothing), end to end as a user runs them:
//   npm run bench:analyze
// Each size runs each command in a fresh process 3 times and reports the median wall time, plus the
// per-service cost of analyze, to show how time grows with the mesh. `diff` compares the mesh with a copy
// whose canary weights moved from 90/10 to 50/50 (--format markdown, so the diagram is built too). It also
// times `analyze` of one small file (a release step of dist/), the cost of a command on a single file.
// It runs the analyzer as an installed package does: the bundle of the build with its code cache
// (bin/analyzer.js; `npm run build` first when it is missing), and says whether V8 took the cache.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const analyzer = require('../bin/analyzer.js');

const SIZES = process.argv.slice(2).map(Number).filter(n => n > 0);
const sizes = SIZES.length > 0 ? SIZES : [100, 1000, 5000];
if (!fs.existsSync(analyzer.BUNDLE)) {
  console.error('bench-analyze: no build; run `npm run build` first');
  process.exit(2);
}
const runner = `process.exitCode = require(${JSON.stringify(require.resolve('../bin/analyzer.js'))}).loadAnalyzer().main(process.argv.slice(1))`;

function mesh(n, stable = 90) {
  const docs = [];
  for (let i = 0; i < n; i++) {
    const app = `svc-${i}`;
    const next = `svc-${(i + 1) % n}`;
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: { name: ${app}-v1, namespace: bench }
spec:
  selector: { matchLabels: { app: ${app}, version: v1 } }
  template:
    metadata: { labels: { app: ${app}, version: v1, track: stable } }
    spec: { containers: [{ name: app, image: "registry.example.com/${app}:1.0.0", ports: [{ containerPort: 8080 }] }] }`,
    `apiVersion: v1
kind: Service
metadata: { name: ${app}, namespace: bench }
spec: { selector: { app: ${app} }, ports: [{ port: 8080, name: http }] }`,
    `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ${app}, namespace: bench }
spec:
  host: ${app}
  trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 100 } } }
  subsets: [{ name: v1, labels: { version: v1 } }, { name: stable, labels: { track: stable } }]`,
    `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${app}, namespace: bench }
spec:
  hosts: [${app}]
  http:
  - match: [{ headers: { x-canary: { exact: "true" } } }]
    route: [{ destination: { host: ${app}, subset: stable } }]
    timeout: 2s
  - route:
    - { destination: { host: ${app}, subset: v1 }, weight: ${stable} }
    - { destination: { host: ${app}, subset: stable }, weight: ${100 - stable} }
    retries: { attempts: 3, perTryTimeout: 500ms }
    mirror: { host: ${next} }`,
    `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-${app}, namespace: bench }
spec:
  selector: { matchLabels: { app: ${app} } }
  rules: [{ from: [{ source: { principals: [cluster.local/ns/bench/sa/${next}] } }] }]`);
  }
  docs.push(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-nothing, namespace: bench }
spec: {}`);
  return docs.join('\n---\n') + '\n';
}

function medianOf(argv, what) {
  const times = [];
  for (let run = 0; run < 3; run++) {
    const start = process.hrtime.bigint();
    try {
      execFileSync(process.execPath, ['-e', runner, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    } catch (e) {
      // analyze and diff --exit-code exit 1 by design on these inputs
      if (e.status !== 1) throw new Error(`${what} failed: ${e.stderr?.toString().trim()}`, { cause: e });
    }
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return times.sort((a, b) => a - b)[1];
}

const oneFile = path.join(__dirname, '..', 'dist', 'steps', '04-canary-10.k8s.yaml');
const single = medianOf(['analyze', oneFile], 'analyze of one file');
const rows = [];
for (const n of sizes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-bench-'));
  const file = path.join(dir, `mesh-${n}.yaml`);
  const after = path.join(dir, `mesh-${n}-50.yaml`);
  fs.writeFileSync(file, mesh(n));
  fs.writeFileSync(after, mesh(n, 50));
  const median = argv => medianOf(argv, `${argv[0]} on the generated mesh of ${n}`);
  rows.push({
    n,
    median: median(['analyze', file]),
    explain: median(['explain', file]),
    diff: median(['diff', '--format', 'markdown', '--exit-code', file, after]),
  });
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`cdk8s-istio on generated meshes (${os.cpus().length} cores, node ${process.version}; median of 3 runs, process start included)`);
console.log('services  objects  analyze s  ms/service  explain s  diff s');
for (const r of rows) {
  console.log(`${String(r.n).padStart(8)}  ${String(r.n * 5 + 1).padStart(7)}  ${r.median.toFixed(2).padStart(9)}  ${(r.median * 1000 / r.n).toFixed(2).padStart(10)}  ${r.explain.toFixed(2).padStart(9)}  ${r.diff.toFixed(2).padStart(6)}`);
}
console.log(`one file (dist/steps/04-canary-10.k8s.yaml, 2 objects): analyze ${single.toFixed(2)} s`);
analyzer.loadAnalyzer();
console.log(`bundle: ${analyzer.codeCacheStatus()}`);


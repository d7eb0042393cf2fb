#!/usr/bin/env node
// Times the analyzer on generated meshes of 100, 1,000 and 5,000 services (each a Deployment, a Service,
// a DestinationRule with 2 subsets and a VirtualService), end to end as a user runs it:
//   npm run bench:analyze
// Each size runs `cdk8s-istio analyze <file>` in a fresh process 3 times and reports the median wall time,
// plus the per-service cost, to show how time grows with the mesh.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const SIZES = process.argv.slice(2).map(Number).filter(n => n > 0);
const sizes = SIZES.length > 0 ? SIZES : [100, 1000, 5000];
const bin = path.join(__dirname, '..', 'bin', 'cdk8s-istio.js');

function mesh(n) {
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
    - { destination: { host: ${app}, subset: v1 }, weight: 90 }
    - { destination: { host: ${app}, subset: stable }, weight: 10 }
    retries: { attempts: 3, perTryTimeout: 500ms }
    mirror: { host: ${next} }`);
  }
  return docs.join('\n---\n') + '\n';
}

const rows = [];
for (const n of sizes) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-bench-')), `mesh-${n}.yaml`);
  fs.writeFileSync(file, mesh(n));
  const times = [];
  let summary = '';
  for (let run = 0; run < 3; run++) {
    const start = process.hrtime.bigint();
    try {
      execFileSync(process.execPath, [bin, 'analyze', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      summary = e.stderr?.toString().trim();
      throw new Error(`analyze failed on the generated mesh of ${n}: ${summary}`);
    }
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  rows.push({ n, median: times[1] });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
console.log(`cdk8s-istio analyze on generated meshes (${os.cpus().length} cores, node ${process.version}; median of 3 runs, process start included)`);
console.log('services  objects  seconds  ms/service');
for (const r of rows) {
  console.log(`${String(r.n).padStart(8)}  ${String(r.n * 4).padStart(7)}  ${r.median.toFixed(2).padStart(7)}  ${(r.median * 1000 / r.n).toFixed(2).padStart(10)}`);
}

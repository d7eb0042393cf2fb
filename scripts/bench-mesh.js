#!/usr/bin/env node
// Synth at mesh scale: builds N = 100, 1,000 and 5,000 services with the public constructs
// (bench/mesh-app.ts) and prints build time, synth time (validations included) and peak memory;
// then times `cdk8s synth` of the 1,000-service app with the analyzer plugin, as a user runs it.
//   npm run bench:mesh [-- --sizes 100,1000,5000] [-- --runs 3] [-- --no-cli]
// and, at 1,000 services, the same mesh split into 50 charts of 20 services, one per namespace; and both
// sizes again with the Gateway API (useTrafficApi on the app).
// Each run is its own process, so peak memory (max RSS) is that size's alone; each size reports the
// median of its runs (a 2-core VM's timings vary by ±10% from run to run).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};

if (process.argv.includes('--child')) {
  require('./register.js');
  const { App } = require('cdk8s');
  const { buildMesh } = require('../bench/mesh-app.ts');
  const n = Number(arg('--child'));
  const charts = Number(arg('--charts', '1'));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-mesh-'));
  const t0 = process.hrtime.bigint();
  const app = new App({ outdir });
  if (process.argv.includes('--gateway-api')) {
    const { useTrafficApi, TrafficApi } = require('../lib/index.ts');
    useTrafficApi(app, TrafficApi.GATEWAY_API);
  }
  for (let c = 0; c < charts; c++) buildMesh(app, n / charts, charts === 1 ? 'mesh' : `mesh-${c}`);
  const t1 = process.hrtime.bigint();
  app.synth();
  const t2 = process.hrtime.bigint();
  const bytes = fs.readdirSync(outdir).reduce((sum, f) => sum + fs.statSync(path.join(outdir, f)).size, 0);
  fs.rmSync(outdir, { recursive: true, force: true });
  console.log(JSON.stringify({ n, build: Number(t1 - t0) / 1e9, synth: Number(t2 - t1) / 1e9, maxRssMiB: process.resourceUsage().maxRSS / 1024, bytes }));
  process.exit(0);
}

const sizes = arg('--sizes', '100,1000,5000').split(',').map(Number);
const runs = Number(arg('--runs', '3'));
const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`synth at mesh scale (${os.cpus().length} cores, node ${process.version}); per service: Service, 2 Deployments, ServiceSubsets, Canary, Retries, ZeroTrust edge`);
console.log(`median of ${runs} runs per size`);
console.log('services   build s   synth s   total s   peak MiB   YAML MiB');
const totals = {};
for (const n of sizes) {
  // the first, untimed run warms the transpile cache and the file cache
  if (n === sizes[0]) execFileSync(process.execPath, [__filename, '--child', '10']);
  const all = Array.from({ length: runs }, () => JSON.parse(execFileSync(process.execPath, [__filename, '--child', String(n)]).toString()));
  const r = { ...all[0], build: median(all.map(x => x.build)), synth: median(all.map(x => x.synth)), maxRssMiB: Math.max(...all.map(x => x.maxRssMiB)) };
  totals[n] = median(all.map(x => x.build + x.synth));
  console.log(`${String(n).padStart(8)}   ${r.build.toFixed(2).padStart(7)}   ${r.synth.toFixed(2).padStart(7)}   ${totals[n].toFixed(2).padStart(7)}   ${r.maxRssMiB.toFixed(0).padStart(8)}   ${(r.bytes / 2 ** 20).toFixed(1).padStart(8)}`);
}
if (totals[1000] && totals[5000]) {
  console.log(`5,000 / 1,000 services: ${(totals[5000] / totals[1000]).toFixed(2)}x the time (linear would be 5x)`);
}
if (totals[1000] && totals[5000]) {
  // the same intents as HTTPRoutes and per-version Services
  const gateway = n => median(Array.from({ length: runs }, () => {
    const r = JSON.parse(execFileSync(process.execPath, [__filename, '--child', String(n), '--gateway-api']).toString());
    return r.build + r.synth;
  }));
  const [small, large] = [gateway(1000), gateway(5000)];
  console.log(`with the Gateway API (HTTPRoutes, version Services): 1,000 services ${small.toFixed(2)} s, 5,000 ${large.toFixed(2)} s (${(large / small).toFixed(2)}x)`);
}
if (totals[1000]) {
  // cdk8s validates the whole app again in every chart.toJson(): one chart per namespace multiplies passes
  const all = Array.from({ length: runs }, () => JSON.parse(execFileSync(process.execPath, [__filename, '--child', '1000', '--charts', '50']).toString()));
  console.log(`1,000 services in 50 charts of 20 (one per namespace): ${median(all.map(x => x.build + x.synth)).toFixed(2)} s, peak ${Math.max(...all.map(x => x.maxRssMiB)).toFixed(0)} MiB`);
}

if (!process.argv.includes('--no-cli')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-mesh-cli-'));
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
    'language: typescript',
    `app: node ${path.join(root, 'scripts', 'run-ts.js')} ${path.join(root, 'bench', 'mesh-main.ts')}`,
    'validations:',
    `  - package: ${path.join(root, 'scripts', 'analyze-plugin.js')}`,
    '    class: IstioAnalyzerPlugin',
    '    version: 0.1.0',
    '',
  ].join('\n'));
  const start = process.hrtime.bigint();
  execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade'], {
    cwd: dir, env: { ...process.env, MESH_SERVICES: '1000' }, stdio: 'ignore',
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`cdk8s synth of the 1,000-service app with the analyzer plugin: ${seconds.toFixed(2)} s`);
}

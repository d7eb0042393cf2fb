#!/usr/bin/env node
// Times `cdk8s synth` of the whole app, as a user runs it, with the analyzer plugin of cdk8s.yaml (the
// TypeScript sources of this checkout) and without it (`--no-validate`), runs of the two interleaved, and
// prints the median wall time of each and what the plugin adds. Then, on that output, the plugin as an
// installed package runs it inside cdk8s (`plugin.js`: the bundle and its code caches; `npm run build`
// first), against the compiled modules it is made from: load and validate, in fresh processes.
//   npm run bench [-- --runs 9]
// Output goes to a temporary directory so dist/ is left alone.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const root = path.join(__dirname, '..');
const cli = path.join(root, 'node_modules', '.bin', 'cdk8s');

function synth(extra) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-bench-'));
  const start = process.hrtime.bigint();
  execFileSync(cli, ['synth', '--no-check-upgrade', '--output', out, ...extra], { cwd: root, stdio: 'ignore' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  fs.rmSync(out, { recursive: true, force: true });
  return seconds;
}

const withPlugin = [];
const without = [];
for (let i = 0; i < runs + 1; i++) {
  const a = synth([]);
  const b = synth(['--no-validate']);
  if (i > 0) { // the first runs warm the file cache
    withPlugin.push(a);
    without.push(b);
  }
}
const stats = times => {
  const sorted = [...times].sort((x, y) => x - y);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
};
const line = (label, s) => `  ${label}  median ${s.median.toFixed(2)} s   min ${s.min.toFixed(2)} s   max ${s.max.toFixed(2)} s`;
const a = stats(withPlugin);
const b = stats(without);
console.log(`cdk8s synth (whole app, ${runs} runs each after 1 warm-up, ${os.cpus().length} cores, node ${process.version})`);
console.log(line('with the analyzer plugin', a));
console.log(line('--no-validate           ', b));
console.log(`  the plugin adds ${(a.median - b.median).toFixed(2)} s (difference of the medians)`);

const installed = path.join(root, 'plugin.js');
const modules = path.join(root, 'build', 'lib', 'analyze', 'plugin.js');
if (fs.existsSync(path.join(root, 'build', 'analyzer', 'cli.js'))) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-bench-'));
  execFileSync(cli, ['synth', '--no-check-upgrade', '--no-validate', '--output', out], { cwd: root, stdio: 'ignore' });
  // what cdk8s does with a validation plugin: require it, construct it, validate the synthesized files
  const script = `const fs = require('fs'); const path = require('path');
    const files = []; (function walk(d) { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (p.endsWith('.yaml')) files.push(p); } })(process.argv[2]);
    const start = performance.now();
    const { IstioAnalyzerPlugin } = require(process.argv[1]);
    new IstioAnalyzerPlugin({}).validate({ manifests: files, metadata: {}, report: { addViolation() {}, submit() {} } })
      .then(() => console.log(performance.now() - start));`;
  const time = entry => Number(execFileSync(process.execPath, ['-e', script, entry, out]).toString().trim()) / 1000;
  const bundled = [];
  const compiled = [];
  for (let i = 0; i < runs; i++) {
    bundled.push(time(installed));
    compiled.push(time(modules));
  }
  fs.rmSync(out, { recursive: true, force: true });
  console.log(`the plugin inside cdk8s, on that output (load and validate, ${runs} fresh processes each):`);
  console.log(line('installed (plugin.js)   ', stats(bundled)));
  console.log(line('build/lib modules       ', stats(compiled)));
}

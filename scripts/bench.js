#!/usr/bin/env node
// Times `cdk8s synth` of the whole app, as a user runs it, and prints the median wall time.
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

const times = [];
for (let i = 0; i < runs + 1; i++) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-bench-'));
  const start = process.hrtime.bigint();
  execFileSync(cli, ['synth', '--no-check-upgrade', '--output', out], { cwd: root, stdio: 'ignore' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  fs.rmSync(out, { recursive: true, force: true });
  if (i > 0) times.push(seconds); // the first run warms the file cache
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`cdk8s synth (whole app, ${runs} runs after 1 warm-up, ${os.cpus().length} cores, node ${process.version})`);
console.log(`  median ${median.toFixed(2)} s   min ${times[0].toFixed(2)} s   max ${times[times.length - 1].toFixed(2)} s`);

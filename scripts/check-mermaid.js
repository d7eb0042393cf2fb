#!/usr/bin/env node
// The Mermaid diagrams of `explain --format markdown` and `diff --format markdown` parse with Mermaid's
// own parser (mermaid 12.3.0, installed once from npm under node_modules/.cache, with jsdom for its DOM):
// Bookinfo's state and every consecutive pair of release steps, in both API families, and Istio's own 90/10
// and 50/50 samples.
//   npm run check:mermaid
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
require('./register.js');
const { main } = require('../lib/analyze/cli.ts');

const root = path.join(__dirname, '..');
const dir = path.join(root, 'node_modules', '.cache', 'mermaid-12.3.0');
if (!fs.existsSync(path.join(dir, 'node_modules', 'mermaid'))) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "mermaid-check", "private": true }\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'mermaid@12.3.0', 'jsdom@26.1.0'], { cwd: dir, stdio: 'inherit' });
}

function markdown(...argv) {
  let text = '';
  const code = main(argv, s => { text += s; }, s => process.stderr.write(s));
  if (code > 1) throw new Error(`cdk8s-istio ${argv.join(' ')} exited ${code}`);
  return text;
}

const steps = fs.readdirSync(path.join(root, 'dist', 'steps')).sort().map(f => path.join('dist', 'steps', f));
const samples = path.join(root, '..', 'shared', 'istio-1.30.3', 'samples', 'bookinfo', 'networking');
const cases = [['explain dist/', markdown('explain', '--format', 'markdown', 'dist')]];
for (let i = 1; i < steps.length; i++) {
  cases.push([`diff ${path.basename(steps[i - 1])} ${path.basename(steps[i])}`, markdown('diff', '--format', 'markdown', '--base', 'dist', steps[i - 1], steps[i])]);
}
// the Gateway API tutorial: HTTPRoutes to version Services, callers admitted at the waypoint
const ambientSteps = fs.readdirSync(path.join(root, 'dist', 'gateway-api', 'steps')).sort().map(f => path.join('dist', 'gateway-api', 'steps', f));
cases.push(['explain dist/gateway-api/', markdown('explain', '--format', 'markdown', path.join('dist', 'gateway-api'))]);
for (let i = 1; i < ambientSteps.length; i++) {
  cases.push([`diff gateway-api ${path.basename(ambientSteps[i - 1])} ${path.basename(ambientSteps[i])}`,
    markdown('diff', '--format', 'markdown', '--base', path.join('dist', 'gateway-api'), ambientSteps[i - 1], ambientSteps[i])]);
}
if (fs.existsSync(samples)) {
  cases.push(['diff reviews-90-10 reviews-50-v3', markdown('diff', '--format', 'markdown',
    path.join(samples, 'virtual-service-reviews-90-10.yaml'), path.join(samples, 'virtual-service-reviews-50-v3.yaml'))]);
}
const diagrams = cases.flatMap(([name, text]) => [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map(m => ({ name, text: m[1] })));
if (diagrams.length < cases.length) {
  console.error(`check:mermaid: ${cases.length - diagrams.length} outputs hold no mermaid block`);
  process.exit(1);
}
// the parser must be able to say no, or the check proves nothing
diagrams.push({ name: 'a broken diagram', text: 'flowchart LR\n  a -->|"90%| b\n', expectError: true });
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mermaid-')), 'diagrams.json');
fs.writeFileSync(file, JSON.stringify(diagrams));
execFileSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs'), dir, file], { stdio: 'inherit' });
console.log(`check:mermaid: ${diagrams.length - 1} diagrams parse with Mermaid 12.3.0`);

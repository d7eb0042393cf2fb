#!/usr/bin/env node
// Bundles the compiled analyzer (build/lib/analyze/cli.js and plugin.js, and their runtime dependencies)
// into build/analyzer/cli.js beside a copy of the precompiled validators, then runs it on this repository's
// dist/ (analyze, explain, diff) and writes the V8 code caches of what that compiled, of the bundle and
// of each validator it met, which bin/analyzer.js loads. Part of `npm run build`, after gen-validators.
//   node scripts/bundle-analyzer.js
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { BUNDLE, CACHE, loadAnalyzer } = require('../bin/analyzer.js');

const ROOT = path.join(__dirname, '..');

/** The child: every command once, on inputs that meet most checks; its output is not wanted. */
function warmUp() {
  const { main } = loadAnalyzer({ recordCache: true });
  const dist = path.join(ROOT, 'dist');
  const step = name => path.join(dist, 'steps', name);
  main(['analyze', dist]);
  main(['analyze', '--json', step('04-canary-10.k8s.yaml')]);
  main(['explain', '--format', 'markdown', dist]);
  main(['diff', '--format', 'markdown', step('04-canary-10.k8s.yaml'), step('05-canary-50.k8s.yaml')]);
  process.exitCode = 0;
}

function bundle() {
  const { buildSync } = require('esbuild');
  fs.rmSync(path.dirname(BUNDLE), { recursive: true, force: true });
  buildSync({
    // the command line and the cdk8s plugin (../plugin.js), in one bundle and one cache
    stdin: {
      contents: "module.exports = { main: require('./cli.js').main, IstioAnalyzerPlugin: require('./plugin.js').IstioAnalyzerPlugin };",
      resolveDir: path.join(ROOT, 'build', 'lib', 'analyze'),
      sourcefile: 'bundle-entry.js',
    },
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // loaded when a document needs them (lines of unusual YAML, a CRD compiled at run time): not in the cache
    external: ['yaml', 'ajv'],
    logLevel: 'error',
  });
  // the validators load by path, one per kind met: beside the bundle as beside schema.js
  fs.cpSync(path.join(ROOT, 'build', 'lib', 'analyze', 'schema', 'generated'), path.join(path.dirname(BUNDLE), 'generated'), { recursive: true });
  // Envoy's types, read by path on the first EnvoyFilter (webhook/xds-types.ts): beside the bundle and the compiled module
  for (const dir of [path.dirname(BUNDLE), path.join(ROOT, 'build', 'lib', 'analyze', 'webhook')]) {
    fs.copyFileSync(path.join(ROOT, 'lib', 'analyze', 'webhook', 'envoy-types.json'), path.join(dir, 'envoy-types.json'));
  }
  // its summary lines go to stderr: shown only when it fails (execFileSync's error carries them)
  execFileSync(process.execPath, [__filename, '--warm-up'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const size = file => `${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} MiB`;
  const validators = fs.readdirSync(path.join(path.dirname(BUNDLE), 'generated')).filter(f => f.endsWith('.js.cache')).length;
  console.log(`bundle-analyzer: ${path.relative(ROOT, BUNDLE)} ${size(BUNDLE)}, code cache ${size(CACHE)}, and the caches of ${validators} validators`);
}

if (process.argv[2] === '--warm-up') {
  warmUp();
} else {
  bundle();
}

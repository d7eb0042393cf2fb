#!/usr/bin/env node
// Regenerates imports/ from the pinned Istio CRD bundle, offline:
//   ISTIO_CRDS=path/to/crd-all.gen.yaml npm run import        (writes imports/)
//   node scripts/import.js --check                           (fails if imports/ would change)
// cdk8s.yaml names the bundle's upstream URL; the local file must match its pinned sha256.
// Only the first served version of each CRD is imported (v1 where Istio serves it): see README.
'use strict';
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');

const PINNED_SHA256 = 'dcb43ff6b9af2f629b80b6a82597f5a91db259c757e66cc5353ac007da28351a';
const root = path.join(__dirname, '..');
const bundle = process.env.ISTIO_CRDS ?? path.join(root, '..', 'shared', 'istio-1.30.3', 'crd-all.gen.yaml');
const check = process.argv.includes('--check');

function fail(message) {
  console.error(`import: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(bundle)) fail(`CRD bundle not found at '${bundle}' (set ISTIO_CRDS to a local copy of the URL in cdk8s.yaml)`);
const text = fs.readFileSync(bundle, 'utf8');
const sha = crypto.createHash('sha256').update(text).digest('hex');
if (sha !== PINNED_SHA256) fail(`'${bundle}' has sha256 ${sha}, expected the pinned Istio 1.30.3 bundle ${PINNED_SHA256}`);

const crds = YAML.parseAllDocuments(text).map(d => d.toJS()).filter(d => d && d.kind === 'CustomResourceDefinition');
for (const crd of crds) {
  crd.spec.versions = [crd.spec.versions.find(v => v.served)];
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-import-'));
try {
  const firstVersions = path.join(tmp, 'crds.yaml');
  fs.writeFileSync(firstVersions, crds.map(c => YAML.stringify(c)).join('---\n'));
  const out = path.join(tmp, 'imports');
  execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'),
    ['import', firstVersions, '--no-check-upgrade', '--language', 'typescript', '--output', out],
    // run in the temp dir: cdk8s import records its source in the cdk8s.yaml of its working directory
    { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'] });
  const target = path.join(root, 'imports');
  const files = fs.readdirSync(out).sort();
  if (check) {
    const current = fs.existsSync(target) ? fs.readdirSync(target).sort() : [];
    const changed = files.filter(f => !current.includes(f) || fs.readFileSync(path.join(out, f), 'utf8') !== fs.readFileSync(path.join(target, f), 'utf8'));
    const extra = current.filter(f => !files.includes(f));
    if (changed.length + extra.length > 0) fail(`imports/ differs from the pinned bundle (${[...changed, ...extra].join(', ')}); run 'npm run import' and commit`);
    console.log(`import: imports/ matches the pinned Istio 1.30.3 bundle (${files.length} files)`);
  } else {
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target);
    for (const f of files) fs.copyFileSync(path.join(out, f), path.join(target, f));
    console.log(`import: wrote ${files.map(f => `imports/${f}`).join(', ')}`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

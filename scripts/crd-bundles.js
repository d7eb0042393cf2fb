// The pinned CRD bundles in ../shared that the generated code is made from, checked by sha256 so a
// regenerated file can only differ when the pin changes. Each generator calls `loadBundles(tool)`.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const root = path.join(__dirname, '..');
const BUNDLES = [
  {
    name: 'Istio 1.30.3 crd-all.gen.yaml',
    sha256: 'dcb43ff6b9af2f629b80b6a82597f5a91db259c757e66cc5353ac007da28351a',
    file: process.env.ISTIO_CRDS ?? path.join(root, '..', 'shared', 'istio-1.30.3', 'crd-all.gen.yaml'),
    env: 'ISTIO_CRDS',
  },
  {
    name: 'Gateway API v1.5.1 experimental-crds.yaml',
    sha256: '63d55b6df5d2fc58e80bb2f89bd3ff0fe03b4d8f19da1466c4b10507e9db5227',
    file: process.env.GATEWAY_API_CRDS ?? path.join(root, '..', 'shared', 'gateway-api-v1.5.1-experimental-crds.yaml'),
    env: 'GATEWAY_API_CRDS',
  },
];

/** Reads and verifies every pinned bundle: `[{ name, sha256, crds }]`; exits 1 naming the bundle on a mismatch. */
function loadBundles(tool) {
  return BUNDLES.map(bundle => {
    if (!fs.existsSync(bundle.file)) fail(tool, `CRD bundle not found at '${bundle.file}' (set ${bundle.env})`);
    const text = fs.readFileSync(bundle.file, 'utf8');
    const sha = crypto.createHash('sha256').update(text).digest('hex');
    if (sha !== bundle.sha256) fail(tool, `'${bundle.file}' has sha256 ${sha}, expected the pinned ${bundle.name} ${bundle.sha256}`);
    const crds = YAML.parseAllDocuments(text).map(d => d.toJS()).filter(d => d && d.kind === 'CustomResourceDefinition');
    return { name: bundle.name, sha256: sha, crds };
  });
}

function fail(tool, message) {
  console.error(`${tool}: ${message}`);
  process.exit(1);
}

module.exports = { loadBundles, fail, root };

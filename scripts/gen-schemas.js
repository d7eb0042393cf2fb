#!/usr/bin/env node
// Generates lib/analyze/istio-schemas.json: the openAPIV3Schema and CEL rules of every CRD in the pinned
// Istio bundle, with prose descriptions stripped, so the analyzer works without ../shared at run time.
//   node scripts/gen-schemas.js            (writes the table)
//   node scripts/gen-schemas.js --check    (fails if the committed table differs)
// Served versions of a CRD share one schema in this bundle; the table stores it once and fails loudly if
// a future bundle breaks that assumption.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const PINNED_SHA256 = 'dcb43ff6b9af2f629b80b6a82597f5a91db259c757e66cc5353ac007da28351a';
const root = path.join(__dirname, '..');
const bundle = process.env.ISTIO_CRDS ?? path.join(root, '..', 'shared', 'istio-1.30.3', 'crd-all.gen.yaml');
const target = path.join(root, 'lib', 'analyze', 'istio-schemas.json');

function fail(message) {
  console.error(`gen-schemas: ${message}`);
  process.exit(1);
}

function strip(schema) {
  if (Array.isArray(schema)) return schema.map(strip);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    // `properties` maps field names to schemas: a field may itself be called "description"
    out[key] = key === 'properties'
      ? Object.fromEntries(Object.entries(value).map(([field, s]) => [field, strip(s)]))
      : strip(value);
  }
  return out;
}

if (!fs.existsSync(bundle)) fail(`CRD bundle not found at '${bundle}' (set ISTIO_CRDS)`);
const text = fs.readFileSync(bundle, 'utf8');
const sha = crypto.createHash('sha256').update(text).digest('hex');
if (sha !== PINNED_SHA256) fail(`'${bundle}' has sha256 ${sha}, expected ${PINNED_SHA256}`);

const kinds = {};
let ruleInstances = 0;
for (const crd of YAML.parseAllDocuments(text).map(d => d.toJS()).filter(d => d && d.kind === 'CustomResourceDefinition')) {
  const served = crd.spec.versions.filter(v => v.served);
  const schema = strip(served[0].schema.openAPIV3Schema);
  for (const v of served) {
    if (JSON.stringify(strip(v.schema.openAPIV3Schema)) !== JSON.stringify(schema)) {
      fail(`${crd.spec.names.kind} ${v.name} has a schema of its own; store schemas per version`);
    }
    ruleInstances += countRules(v.schema.openAPIV3Schema);
  }
  kinds[crd.spec.names.kind] = {
    group: crd.spec.group,
    versions: served.map(v => v.name),
    deprecated: served.filter(v => v.deprecated).map(v => v.name),
    schema,
  };
}

function countRules(schema) {
  if (Array.isArray(schema)) return schema.reduce((n, s) => n + countRules(s), 0);
  if (!schema || typeof schema !== 'object') return 0;
  return Object.entries(schema).reduce((n, [k, v]) => n + (k === 'x-kubernetes-validations' ? v.length : countRules(v)), 0);
}

const table = { source: `Istio 1.30.3 crd-all.gen.yaml sha256:${PINNED_SHA256}`, ruleInstances, kinds };
const json = JSON.stringify(table) + '\n';
if (process.argv.includes('--check')) {
  if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== json) {
    fail(`${path.relative(root, target)} differs from the pinned bundle; run 'npm run gen:schemas' and commit`);
  }
  console.log(`gen-schemas: ${path.relative(root, target)} matches the pinned bundle`);
} else {
  fs.writeFileSync(target, json);
  console.log(`gen-schemas: wrote ${path.relative(root, target)} (${Object.keys(kinds).length} kinds, ${ruleInstances} CEL rules across served versions, ${(json.length / 1024).toFixed(0)} KiB)`);
}

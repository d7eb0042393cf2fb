#!/usr/bin/env node
// Generates lib/analyze/schema/crd-schemas.json: the openAPIV3Schema and CEL rules of every CRD in the pinned
// Istio 1.30.3 bundle and the Gateway API v1.5.1 (experimental channel) bundle, with prose descriptions
// stripped, so the analyzer works without ../shared at run time.
//   node scripts/gen-schemas.js            (writes the table)
//   node scripts/gen-schemas.js --check    (fails if the committed table differs)
// Kinds are keyed by group and kind (Istio and the Gateway API both have a Gateway); the served versions
// of a kind that share a schema share one entry of `variants`.
'use strict';
const fs = require('fs');
const path = require('path');
const { loadBundles, fail: failWith, root } = require('./crd-bundles');

const target = path.join(root, 'lib', 'analyze', 'schema', 'crd-schemas.json');

function fail(message) {
  failWith('gen-schemas', message);
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

function countRules(schema) {
  if (Array.isArray(schema)) return schema.reduce((n, s) => n + countRules(s), 0);
  if (!schema || typeof schema !== 'object') return 0;
  return Object.entries(schema).reduce((n, [k, v]) => n + (k === 'x-kubernetes-validations' ? v.length : countRules(v)), 0);
}

const kinds = {};
const sources = [];
for (const bundle of loadBundles('gen-schemas')) {
  let ruleInstances = 0;
  for (const crd of bundle.crds) {
    const variants = [];
    for (const v of crd.spec.versions.filter(x => x.served)) {
      const schema = strip(v.schema.openAPIV3Schema);
      const same = variants.find(x => JSON.stringify(x.schema) === JSON.stringify(schema));
      if (same) same.versions.push(v.name); else variants.push({ versions: [v.name], schema });
      ruleInstances += countRules(v.schema.openAPIV3Schema);
    }
    kinds[`${crd.spec.group}/${crd.spec.names.kind}`] = {
      group: crd.spec.group,
      kind: crd.spec.names.kind,
      deprecated: crd.spec.versions.filter(v => v.served && v.deprecated).map(v => v.name),
      variants,
    };
  }
  sources.push({ name: bundle.name, sha256: bundle.sha256, ruleInstances });
}

const table = { sources, kinds };
const json = JSON.stringify(table) + '\n';
const summary = sources.map(s => `${s.name}: ${s.ruleInstances} CEL rules across served versions`).join('; ');
if (process.argv.includes('--check')) {
  if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== json) {
    fail(`${path.relative(root, target)} differs from the pinned bundles; run 'npm run gen:schemas' and commit`);
  }
  console.log(`gen-schemas: ${path.relative(root, target)} matches the pinned bundles`);
} else {
  fs.writeFileSync(target, json);
  console.log(`gen-schemas: wrote ${path.relative(root, target)} (${Object.keys(kinds).length} kinds; ${summary}; ${(json.length / 1024).toFixed(0)} KiB)`);
}

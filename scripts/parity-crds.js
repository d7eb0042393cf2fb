#!/usr/bin/env node
// Measures how the analyzer's schema, CEL and webhook checks (CI101, CI102, CI104) agree with the API server on Istio's own
// CRD validation cases (pkg/config/validation/testdata/crds/*-{valid,invalid}.yaml, read from a local git
// checkout of istio/istio; nothing of it is copied here). A document of an -invalid file must be rejected,
// one of a -valid file accepted. Upstream marks each invalid document with an `_err` key, stripped first.
//   ISTIO_SRC=path/to/istio/.git node scripts/parity-crds.js [--ref 1.30.3] [--verbose]
'use strict';
const YAML = require('yaml');
require('./register.js');
const { istioSource } = require('./istio-source.js');
const { Analyzer } = require('../lib/analyze/analyzer.ts');
const { parseManifests } = require('../lib/analyze/read/manifest.ts');

const { ref, git, verbose } = istioSource('parity-crds');
const dir = 'pkg/config/validation/testdata/crds';

let agree = 0;
let total = 0;
for (const file of git('ls-tree', '--name-only', `${ref}:${dir}`).split('\n').filter(f => f.endsWith('.yaml'))) {
  const invalid = file.endsWith('-invalid.yaml');
  YAML.parseAllDocuments(git('show', `${ref}:${dir}/${file}`)).forEach((doc, i) => {
    const object = doc.toJS();
    if (!object) return;
    const expectedError = object._err;
    delete object._err;
    const rejected = new Analyzer().analyze(parseManifests(file, YAML.stringify(object)).manifests)
      .filter(f => ['CI101', 'CI102', 'CI104'].includes(f.code));
    total++;
    if (rejected.length > 0 === invalid) {
      agree++;
    } else if (verbose) {
      console.log(`${file}#${i}  ${object.kind}/${object.metadata?.name}  expected ${invalid ? `rejection (${expectedError})` : 'acceptance'}, got ${rejected.map(f => f.message).join('; ') || 'acceptance'}`);
    }
  });
}
console.log(`Istio's CRD validation cases at ${ref}: ${agree} of ${total} agree with the API server`);

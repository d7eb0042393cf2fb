#!/usr/bin/env node
// Compiles the analyzer's JSON Schemas into standalone ajv validators, so a synth loads them in
// ~40 ms instead of compiling them in ~400 ms. Runs on install (npm's prepare) from the committed
// table; the output is a build artifact, not committed. The analyzer compiles at run time when the
// file is missing or was generated from another table.
//   node scripts/gen-validators.js <out dir>...
'use strict';
const fs = require('fs');
const path = require('path');
require('./register.js');
const Ajv = require('ajv').default;
const standaloneCode = require('ajv/dist/standalone').default;
const { AJV_OPTIONS, objectSchema } = require('../lib/analyze/json-schema.ts');
const { KINDS, validatorFingerprint } = require('../lib/analyze/schema-table.ts');

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: node scripts/gen-validators.js <out dir>...');
  process.exit(2);
}
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
for (const [kind, k] of Object.entries(KINDS)) {
  ajv.addSchema(objectSchema(k.schema), kind);
}
const code = standaloneCode(ajv, Object.fromEntries(Object.keys(KINDS).map(kind => [kind, kind])))
  + `\nexports.fingerprint = ${JSON.stringify(validatorFingerprint())};\n`;
for (const dir of dirs) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'validators.js'), code);
}
console.log(`gen-validators: ${Object.keys(KINDS).length} kinds, ${(code.length / 1024).toFixed(0)} KiB → ${dirs.map(d => path.join(d, 'validators.js')).join(', ')}`);

#!/usr/bin/env node
// Entry point of `cdk8s-istio analyze`. An installed package runs its bundled build (bin/analyzer.js); a
// checkout of this repository runs the TypeScript sources directly, so it never sees a stale build.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'lib', 'analyze', 'cli.ts');
let cli;
if (fs.existsSync(source) && fs.existsSync(path.join(root, 'scripts', 'register.js'))) {
  require('../scripts/register.js');
  cli = require(source);
} else {
  cli = require('./analyzer.js').loadAnalyzer();
}
process.exitCode = cli.main(process.argv.slice(2));

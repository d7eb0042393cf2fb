// The analyzer as an installed package runs it: one bundle (build/analyzer/cli.js, made by
// scripts/bundle-analyzer.js) compiled from the V8 code cache the build wrote beside it. Loading 160
// modules and compiling them took half of a command on one file; the bundle and the cache take a tenth
// of that. A cache from another node version is rejected by V8, which then compiles the bundle as usual.
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const BUNDLE = path.join(__dirname, '..', 'build', 'analyzer', 'cli.js');
const CACHE = `${BUNDLE}.cache`;

/** How the last load compiled the bundle: from the cache, or not (and why). */
let cacheStatus = 'not loaded';

/**
 * The bundle's exports (`main`, as build/lib/analyze/cli.js exports it). With `recordCache`, the code
 * compiled until the process exits is written as the cache (the build does this after a warm-up run).
 */
function loadAnalyzer({ recordCache = false } = {}) {
  const source = fs.readFileSync(BUNDLE, 'utf8');
  let cachedData;
  if (!recordCache) {
    try {
      cachedData = fs.readFileSync(CACHE);
    } catch {
      // no cache (a build that skipped the warm-up): compiled as usual
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, cachedData });
  cacheStatus = !cachedData ? 'no code cache' : script.cachedDataRejected ? 'code cache rejected (another node or V8)' : 'code cache used';
  const bundle = new Module(BUNDLE, module);
  bundle.filename = BUNDLE;
  bundle.paths = Module._nodeModulePaths(path.dirname(BUNDLE));
  const require = id => bundle.require(id);
  script.runInThisContext().call(bundle.exports, bundle.exports, require, bundle, BUNDLE, path.dirname(BUNDLE));
  if (recordCache) {
    process.on('exit', () => fs.writeFileSync(CACHE, script.createCachedData()));
  }
  return bundle.exports;
}

module.exports = { BUNDLE, CACHE, loadAnalyzer, codeCacheStatus: () => cacheStatus };

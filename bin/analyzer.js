// The analyzer as an installed package runs it, for the command (bin/cdk8s-istio.js) and the cdk8s
// plugin (../plugin.js): one bundle (build/analyzer/cli.js, made by
// scripts/bundle-analyzer.js) and the precompiled validators beside it, each compiled from the V8 code
// cache the build wrote next to it. Loading 160 modules and compiling them, and compiling the validators'
// large functions on first call, was most of a command on one file. A cache from another node version is
// rejected by V8, which then compiles the file as usual. The build writes bundle, validators and caches
// together into a fresh folder, so a cache never sits beside another file than its own.
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const DIR = path.join(__dirname, '..', 'build', 'analyzer');
const BUNDLE = path.join(DIR, 'cli.js');
const CACHE = `${BUNDLE}.cache`;

/** How the last load compiled the bundle: from the cache, or not (and why). */
let cacheStatus = 'not loaded';

/** The bundle's exports, once loaded. */
let analyzer;

/**
 * The bundle's exports: `main` of build/lib/analyze/cli.js and `IstioAnalyzerPlugin` of
 * build/lib/analyze/plugin.js, loaded once per process. With `recordCache`, the code compiled until the
 * process exits is written as the caches (the build does this after a warm-up run).
 */
function loadAnalyzer({ recordCache = false } = {}) {
  if (analyzer && !recordCache) return analyzer;
  const loaded = new Map();
  const recorded = [];

  /** A file of the analyzer's folder, compiled from its cache, as a CommonJS module of `parent`. */
  function load(file, parent) {
    const known = loaded.get(file);
    if (known) return known.exports;
    const m = new Module(file, parent);
    m.filename = file;
    m.paths = Module._nodeModulePaths(path.dirname(file));
    loaded.set(file, m);
    const source = fs.readFileSync(file, 'utf8');
    const cachedData = recordCache ? undefined : readIfPresent(`${file}.cache`);
    const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
    if (file === BUNDLE) {
      cacheStatus = !cachedData ? 'no code cache' : script.cachedDataRejected ? 'code cache rejected (another node or V8)' : 'code cache used';
    }
    if (recordCache) recorded.push({ file, script });
    // the bundle loads its validators by absolute path: those come from their caches too
    const require = id => path.isAbsolute(id) && id.startsWith(DIR + path.sep) ? load(id, m) : m.require(id);
    script.runInThisContext().call(m.exports, m.exports, require, m, file, path.dirname(file));
    m.loaded = true;
    return m.exports;
  }

  if (recordCache) {
    process.on('exit', () => recorded.forEach(({ file, script }) => fs.writeFileSync(`${file}.cache`, script.createCachedData())));
  }
  analyzer = load(BUNDLE, module);
  return analyzer;
}

function readIfPresent(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined; // no cache (a validator the warm-up never met): compiled as usual
  }
}

module.exports = { BUNDLE, CACHE, loadAnalyzer, codeCacheStatus: () => cacheStatus };

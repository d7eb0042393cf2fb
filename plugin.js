// The cdk8s validation plugin as cdk8s.yaml names it (package: ./node_modules/cdk8s-istio/plugin.js,
// class: IstioAnalyzerPlugin): build/lib/analyze/plugin.js run from the analyzer's bundle and its code
// caches (bin/analyzer.js), which loads and compiles in a fraction of the time of its 160 modules.
'use strict';
const { IstioAnalyzerPlugin } = require('./bin/analyzer.js').loadAnalyzer();

module.exports = { IstioAnalyzerPlugin };

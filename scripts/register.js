// Loads TypeScript sources by transpiling them with swc, without type-checking.
// Why not ts-node: type-checking the 30k-line generated networking module costs ~8 s per synth, and
// even `ts-node --swc` spends ~0.4 s loading the TypeScript compiler. Type-checking is `npm run build`'s job.
'use strict';
const fs = require('fs');
const { transformSync } = require('@swc/core');

const options = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...options, filename });
  module._compile(code, filename);
};

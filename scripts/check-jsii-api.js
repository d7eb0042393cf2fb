#!/usr/bin/env node
// Fails if jsii left out a declaration of the public API: every name the package's typings export
// (build/lib/index.d.ts) must be a type of the assembly (.jsii) or a submodule, except the TypeScript
// shorthands below, whose replacements every language has. Run after `npm run build`.
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.join(__dirname, '..');
const TYPESCRIPT_ONLY = {
  useTrafficApi: 'TrafficApiScope.use',
  TRAFFIC_API_CONTEXT: 'TrafficApiScope.CONTEXT_KEY',
};
const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
const index = path.join(root, 'build', 'lib', 'index.d.ts');
const program = ts.createProgram([index], { noEmit: true });
const checker = program.getTypeChecker();
const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(index)));
const names = new Set([
  ...Object.keys(assembly.types).map(fqn => fqn.slice(assembly.name.length + 1)),
  ...Object.keys(assembly.submodules ?? {}).map(fqn => fqn.slice(assembly.name.length + 1)),
]);
const dropped = exported.map(s => s.getName()).filter(name => !names.has(name) && !(name in TYPESCRIPT_ONLY));
for (const [name, replacement] of Object.entries(TYPESCRIPT_ONLY)) {
  const [type, member] = replacement.split('.');
  const t = assembly.types[`${assembly.name}.${type}`];
  if (!t || ![...t.methods ?? [], ...t.properties ?? []].some(m => m.name === member && m.static)) {
    dropped.push(`${name} (its replacement ${replacement} is not in the assembly)`);
  }
}
if (dropped.length > 0) {
  console.error(`check-jsii-api: the assembly lacks ${dropped.join(', ')}, which the typings export`);
  process.exit(1);
}
console.log(`check-jsii-api: ${exported.length} exported names, each in the assembly (${Object.keys(TYPESCRIPT_ONLY).join(', ')}: TypeScript shorthands of ${Object.values(TYPESCRIPT_ONLY).join(', ')})`);

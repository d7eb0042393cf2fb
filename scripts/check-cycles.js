#!/usr/bin/env node
// Fails if the modules of lib/ import each other in a cycle (type-only imports included: a cycle of
// types is a cycle of the design). Prints each cycle as a chain of files.
//   node scripts/check-cycles.js [dir]
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.join(__dirname, '..');
const dir = path.resolve(root, process.argv[2] ?? 'lib');

function files(d) {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap(e => {
    const p = path.join(d, e.name);
    return e.isDirectory() ? files(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function resolve(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find(f => f.startsWith(dir) && fs.existsSync(f));
}

const graph = new Map();
for (const file of files(dir)) {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  graph.set(file, [...new Set(importedFiles.map(i => resolve(file, i.fileName)).filter(Boolean))]);
}

// Tarjan's strongly connected components: every component of more than one module is a cycle
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function connect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v)) {
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) {
      low.set(v, Math.min(low.get(v), index.get(w)));
    }
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v).includes(v)) cycles.push(component);
  }
}
for (const v of graph.keys()) if (!index.has(v)) connect(v);

const rel = f => path.relative(root, f);
if (cycles.length > 0) {
  for (const c of cycles) console.error(`check-cycles: import cycle among ${c.map(rel).sort().join(', ')}`);
  process.exit(1);
}
console.log(`check-cycles: no import cycle among the ${graph.size} modules of ${rel(dir)}/`);

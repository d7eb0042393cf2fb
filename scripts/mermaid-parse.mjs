// Parses Mermaid diagrams with Mermaid's own parser: node scripts/mermaid-parse.mjs <mermaid dir> <diagrams.json>
// (a JSON array of { name, text }). Prints one line per diagram; exits 1 if any fails to parse.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, file] = process.argv.slice(2);
const require = createRequire(join(dir, 'package.json'));
const { JSDOM } = require('jsdom');
const { window } = new JSDOM('');
// Mermaid sanitizes labels with DOMPurify, which needs a DOM
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import(pathToFileURL(require.resolve('mermaid')).href);
let failed = 0;
for (const { name, text, expectError } of JSON.parse(readFileSync(file, 'utf8'))) {
  try {
    const result = await mermaid.parse(text);
    console.log(`${expectError ? 'FAIL' : 'ok  '} ${name}: ${result.diagramType}${expectError ? ' (a broken diagram parsed: the check cannot fail)' : ''}`);
    failed += expectError ? 1 : 0;
  } catch (e) {
    console.log(`${expectError ? 'ok  ' : 'FAIL'} ${name}: ${String(e.message).split('\n').slice(0, 3).join(' ')}`);
    failed += expectError ? 0 : 1;
  }
}
process.exit(failed > 0 ? 1 : 0);

import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import * as lib from '../lib';
import { ROOT } from './fixtures';

// The README's quickstarts are excerpts of files the tests run (examples/quickstart.ts by the consumer test,
// the Python one by npm run test:languages): every line of a block stands in its file, in order.
function block(language: string): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const found = new RegExp('## Quickstart[\\s\\S]*?```' + language + '\\n([\\s\\S]*?)```').exec(readme);
  if (!found) {
    throw new Error(`the README's quickstart has no ${language} block`);
  }
  return lines(found[1]);
}

function lines(text: string): string[] {
  return text.split('\n').map(l => l.trim()).filter(l => l.length > 0);
}

function missingFrom(excerpt: string[], file: string): string[] {
  const source = lines(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  let at = 0;
  return excerpt.filter(line => {
    const i = source.indexOf(line, at);
    if (i < 0) {
      return true;
    }
    at = i + 1;
    return false;
  });
}

describe('README quickstarts', () => {
  test.each([['ts', 'examples/quickstart.ts'], ['python', 'test/languages/python/quickstart.py']])('the %s block is an excerpt of %s, in order', (language, file) => {
    const excerpt = block(language);
    expect(excerpt.length).toBeGreaterThan(5);
    expect(missingFrom(excerpt, file)).toEqual([]);
  });
});

describe('README block table', () => {
  test('lists every construct the package exports, with its support in both API families', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Building blocks'), readme.indexOf('\n## ', readme.indexOf('## Building blocks') + 3));
    const constructs = Object.entries(lib).filter(([, v]) => typeof v === 'function' && (v as any).prototype instanceof Construct).map(([name]) => name);
    expect(constructs.length).toBeGreaterThan(20);
    expect(constructs.filter(name => !table.includes(`\`${name}\``))).toEqual([]);
    // every row with a block says what it is in each family
    const rows = table.split('\n').filter(l => l.startsWith('| ') && /`[A-Z]/.test(l) && !l.startsWith('| anything else'));
    expect(rows.every(r => r.split('|').length === 7 && r.split('|')[3].trim() !== '' && r.split('|')[4].trim() !== '')).toBe(true);
  });
});

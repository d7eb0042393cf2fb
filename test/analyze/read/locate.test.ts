import * as fs from 'fs';
import * as path from 'path';
import * as jsyaml from 'js-yaml';
import { isNode, LineCounter, parseAllDocuments } from 'yaml';
import { IndentLocator } from '../../../lib/analyze/read/locate';
import { ROOT, SHARED } from '../../fixtures';

type Path = (string | number)[];

/** The line the full parser gives the field at `path` (or its closest present ancestor) of a document. */
function fullParser(text: string, firstLine: number): (path: Path) => number {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false }) as any[];
  const doc = docs.find(d => d.contents !== null) ?? docs[0];
  const at = (offset: number) => lines.linePos(offset).line + firstLine - 1;
  return path => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    return at(doc.contents?.range?.[0] ?? 0);
  };
}

/** Every path of a value, and beside each a key and an index that are absent. */
function* paths(value: unknown, prefix: Path = []): Generator<Path> {
  yield prefix;
  yield [...prefix, 'absent-key'];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* paths(value[i], [...prefix, i]);
    yield [...prefix, value.length];
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* paths(v, [...prefix, k]);
  }
}

function yamlFiles(dir: string, found: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yamlFiles(p, found);
    else if (/\.ya?ml$/.test(entry.name)) found.push(p);
  }
  return found;
}

const line = (text: string, path: Path) =>
  new IndentLocator(text, 1).line(jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA }), path);

describe('IndentLocator', () => {
  test('agrees with the full parser on the fields of the reference configurations, Istio\'s and Flagger\'s CRDs, dist/ and the fixtures', () => {
    // of the CRDs (3 MB), Istio's and Flagger's stand for all: reading them twice is most of this test's time
    const crds = /gateway-api-.*crds|argo-rollouts.*-crd\.yaml$/;
    const files = [...yamlFiles(SHARED), ...yamlFiles(path.join(ROOT, 'dist')), ...yamlFiles(path.join(ROOT, 'test', 'analyze', 'fixtures'))]
      .filter(f => !crds.test(f));
    let documents = 0;
    let checked = 0;
    let unsure = 0;
    const disagreements: string[] = [];
    for (const file of files) {
      let first = 1;
      for (const [i, part] of fs.readFileSync(file, 'utf8').split(/^---(?=\s|$)/m).entries()) {
        const text = (i > 0 ? '---' : '') + part;
        const firstLine = first;
        first += text.split('\n').length - 1;
        let value: unknown;
        try {
          value = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
        } catch {
          continue; // the fixtures hold broken YAML on purpose; the full parser reads those
        }
        if (!value || typeof value !== 'object') continue;
        documents++;
        const locator = new IndentLocator(text, firstLine);
        const full = fullParser(text, firstLine);
        // CRDs hold a tenth of the documents and nine tenths of the paths: every 10th of theirs keeps the test quick
        const every = (value as any).kind === 'CustomResourceDefinition' ? 10 : 1;
        for (const [n, p] of [...paths(value)].entries()) {
          if (n % every !== 0) continue;
          checked++;
          const mine = locator.line(value, p);
          if (mine === undefined) {
            unsure++;
          } else if (mine !== full(p)) {
            disagreements.push(`${path.relative(ROOT, file)}:${firstLine} ${JSON.stringify(p)}: ${mine}, full parser ${full(p)}`);
          }
        }
      }
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    // CRDs, samples, tasks and our own output: thousands of documents, and nearly every path placed without the full parser
    expect(documents).toBeGreaterThan(300);
    expect(checked).toBeGreaterThan(15_000);
    expect(unsure / checked).toBeLessThan(0.001);
  });

  const doc = `# a comment before the object
apiVersion: v1
kind: ConfigMap
metadata:
  name: x
  annotations:
    "quoted: key": 'it''s'
    'single': "a"
data:
  script: |
    name: not-a-key
    - not an item
  empty:
  ports:
  - name: http
    port: 80
  -
    name: next-line
  nested:
  - - a
    - b
  flow: { a: [1, 2], b: "x, y" }
after: 1
`;

  test.each<[Path, number]>([
    [[], 2],
    [['metadata', 'annotations', 'quoted: key'], 7],
    [['metadata', 'annotations', 'single'], 8],
    [['data', 'script'], 10],
    [['data', 'empty'], 13],
    [['data', 'ports', 0, 'port'], 16],
    [['data', 'ports', 1, 'name'], 18],
    [['data', 'nested', 0, 1], 21],
    [['data', 'flow', 'a', 1], 22],
    [['data', 'flow', 'missing'], 22],
    [['data', 'ports', 7], 15],
    [['after'], 23],
  ])('places %j on line %i, as the full parser does', (path, expected) => {
    expect(line(doc, path)).toBe(expected);
    expect(fullParser(doc, 1)(path)).toBe(expected);
  });

  test('places every field of a file with Windows line ends as the full parser does', () => {
    const crlf = doc.replace(/\n/g, '\r\n');
    const value = jsyaml.load(crlf, { schema: jsyaml.CORE_SCHEMA });
    const locator = new IndentLocator(crlf, 1);
    const full = fullParser(crlf, 1);
    const all = [...paths(value)];
    expect(all.length).toBeGreaterThan(40);
    for (const p of all) {
      expect([p, locator.line(value, p)]).toEqual([p, full(p)]);
    }
  });

  test.each([
    ['an anchor', 'a: &x { b: 1 }\nc: 2\n', ['a', 'b']],
    ['a flow collection over several lines', 'a: { b: 1,\n  c: 2 }\n', ['a', 'c']],
    ['a tag', 'a: !!map\n  b: 1\n', ['a', 'b']],
    ['a tab', 'a:\n  b: 1\t# after a tab\n', ['a', 'b']],
    ['an explicit key', '? a\n: { b: 1 }\n', ['a', 'b']],
  ])('leaves %s to the full parser', (_, text, path) => {
    expect(line(text, path as Path)).toBeUndefined();
  });

  test('counts lines from the first line of the document in its file', () => {
    const text = '---\nkind: X\nspec:\n  a: 1\n';
    expect(new IndentLocator(text, 40).line({ kind: 'X', spec: { a: 1 } }, ['spec', 'a'])).toBe(43);
  });
});

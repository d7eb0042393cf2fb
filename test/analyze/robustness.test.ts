import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { Analyzer } from '../../lib/analyze/analyzer';
import { loadFiles } from '../../lib/analyze/read/files';
import { parseManifests } from '../../lib/analyze/read/manifest';
import { diff, explain, formatDiff } from '../../lib/analyze/review/review';
import { TrafficModel } from '../../lib/analyze/review/traffic-model';
import { analyzeYaml } from './helpers';
import { BOOKINFO_SAMPLES, DIST } from '../fixtures';

const SAMPLES = BOOKINFO_SAMPLES;
const INPUTS = [
  ...fs.readdirSync(path.join(SAMPLES, 'networking')).map(f => path.join(SAMPLES, 'networking', f)),
  ...fs.readdirSync(path.join(SAMPLES, 'gateway-api')).map(f => path.join(SAMPLES, 'gateway-api', f)),
  path.join(SAMPLES, 'platform/kube/bookinfo.yaml'),
].map(f => fs.readFileSync(f, 'utf8'));
/** Our own object of every Istio kind, so mutations reach every webhook rule. */
const EVERY_KIND = fs.readFileSync(path.join(__dirname, 'fixtures/every-kind.yaml'), 'utf8');

/**
 * Mutations per input: a quick sample in the edit-test loop, the full run where CI sets FULL_TESTS
 * (`npm run test:full`); the seeds are the same, so the quick run is the start of the full one.
 */
const MUTATIONS = process.env.FULL_TESTS ? 300 : 10;

/** A deterministic generator, so a failing mutation can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (value && typeof value === 'object') {
    return [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, Array.isArray(value) ? Number(k) : k]))];
  }
  return [at];
}

/** One mutation of a sample, as a user's typo or a broken generator makes it. */
function mutate(text: string, next: () => number): string {
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
  const kind = Math.floor(next() * 6);
  if (kind === 5) {
    return text.slice(0, Math.floor(next() * text.length)); // a truncated file
  }
  const docs = YAML.parseAllDocuments(text).map(d => d.toJS()).filter(Boolean);
  const doc = pick(docs);
  const where = paths(doc).filter(p => p.length > 0);
  const at = pick(where);
  let parent: any = doc;
  at.slice(0, -1).forEach(k => { parent = parent[k]; });
  const key = at[at.length - 1];
  switch (kind) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key as number, 1); else delete parent[key];
      break;
    case 1: parent[key] = 'a string where something else was'; break;
    case 2: parent[key] = 42; break;
    case 3: parent[key] = null; break;
    default: parent[key] = [{ nested: ['list'] }];
  }
  return docs.map(d => YAML.stringify(d)).join('---\n');
}

describe('the analyzer never crashes', () => {
  test.each([
    ['Istio\'s samples', INPUTS, 20261130],
    ['an object of every Istio kind', [EVERY_KIND], 20261201],
  ])(`on ${MUTATIONS} seeded mutations of %s: every input gets a report, no exception`, (_name, inputs, seed) => {
    const next = random(seed);
    const analyzer = new Analyzer();
    const failures: string[] = [];
    let reported = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const text = mutate(inputs[Math.floor(next() * inputs.length)], next);
      try {
        const { manifests, findings } = parseManifests(`mutation-${i}.yaml`, text);
        const all = [...findings, ...analyzer.analyze(manifests)];
        reported += all.length > 0 ? 1 : 0;
        expect(all.filter(f => f.code === 'CI006')).toEqual([]);
      } catch (e) {
        failures.push(`mutation ${i}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
    // most mutations break something a user should hear about
    expect(reported).toBeGreaterThan(MUTATIONS / 3);
  });

  test(`explain and diff model ${MUTATIONS} seeded mutations of the tutorial's state in both API families without an exception`, () => {
    const dist = DIST;
    // the objects the traffic model reads, so that mutations land on them
    const kinds = new Set(['Service', 'VirtualService', 'DestinationRule', 'Gateway', 'HTTPRoute', 'AuthorizationPolicy', 'PeerAuthentication', 'Namespace']);
    const states = [path.join(dist, 'bookinfo.k8s.yaml'), path.join(dist, 'gateway-api', 'bookinfo.k8s.yaml'), path.join(dist, 'gateway-api', 'steps', '07-iphone.k8s.yaml')]
      .map(f => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map(d => d.toJS()).filter(d => kinds.has(d?.kind)).map(d => YAML.stringify(d)).join('---\n'));
    const next = random(20261202);
    const failures: string[] = [];
    const models = states.map(text => new TrafficModel(parseManifests('before.yaml', text).manifests));
    for (let i = 0; i < MUTATIONS; i++) {
      const text = mutate(states[i % states.length], next);
      try {
        const before = models[i % states.length];
        const after = new TrafficModel(parseManifests(`mutation-${i}.yaml`, text).manifests);
        explain(after, [], 'markdown');
        formatDiff(diff(before, after), before, after, 'markdown');
      } catch (e) {
        failures.push(`mutation ${i}: ${(e as Error).stack?.split('\n').slice(0, 3).join(' ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('a broken file does not stop the report on the others', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-robust-'));
    fs.writeFileSync(path.join(dir, 'a-truncated.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: [x\n');
    fs.writeFileSync(path.join(dir, 'b-hosts.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: r }\nspec: { hosts: [42], http: [{ route: "not a list" }] }\n');
    fs.writeFileSync(path.join(dir, 'c-good.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: good }\nspec: { hosts: [reviews], http: [{ route: [{ destination: { host: reviews, subset: v9 } }] }] }\n');
    const { manifests, findings } = loadFiles([dir]);
    const all = [...findings, ...new Analyzer().analyze(manifests)];
    expect(all.filter(f => f.file.endsWith('a-truncated.yaml')).map(f => f.code)).toEqual(['CI001']);
    expect(all.filter(f => f.file.endsWith('b-hosts.yaml')).map(f => f.code)).toContain('CI101');
    // the cross-reference checks still run on the good file
    expect(all.filter(f => f.file.endsWith('c-good.yaml')).map(f => f.code)).toContain('CI269');
  });

  test('a YAML alias bomb is one finding, not a crash', () => {
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`),
      'kind: VirtualService', 'apiVersion: networking.istio.io/v1'].join('\n');
    const { manifests, findings } = parseManifests('bomb.yaml', bomb);
    expect(manifests).toEqual([]);
    expect(findings.map(f => [f.code, f.message.slice(0, 20)])).toEqual([['CI001', 'not valid YAML: Exce']]);
  });

  test('fields left empty (null) are absent, as the API server drops them before validating', () => {
    const filter = `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: f, namespace: istio-system }
spec:
  configPatches:
  - applyTo: HTTP_FILTER
    match:
    patch: { operation: MERGE, value: { name: envoy.filters.http.router } }`;
    // only the warning istiod gives every EnvoyFilter: no schema error for the null
    expect(analyzeYaml(filter).map(f => f.code)).toEqual(['CI105']);
  });

  test('a conflict group of 4,000 VirtualServices: each reported once (as istioctl does), in bounded text, in linear time', () => {
    const docs = Array.from({ length: 4000 }, (_, i) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: vs-${i}, namespace: shop }
spec: { hosts: [cart], http: [{ route: [{ destination: { host: cart } }] }] }`);
    const start = Date.now();
    const findings = analyzeYaml(...docs).filter(f => f.code === 'CI204');
    expect(Date.now() - start).toBeLessThan(20000);
    expect(findings).toHaveLength(4000);
    expect(findings[0].message).toMatch(/is also routed by VirtualService\/shop\/vs-1 \(input\.yaml:\d+\), .* and 3989 more; Istio keeps one of them unpredictably$/);
    expect(Math.max(...findings.map(f => f.message.length))).toBeLessThan(1000);
  });
});

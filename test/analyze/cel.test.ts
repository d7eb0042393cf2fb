import { celViolations, compileCel } from '../../lib/analyze/cel';
import { CEL_RULE_INSTANCES, KINDS } from '../../lib/analyze/schema-table';

interface RuleSite { kind: string; rule: string; schema: any }

function ruleSites(): RuleSite[] {
  const sites: RuleSite[] = [];
  const walk = (kind: string, schema: any): void => {
    if (!schema || typeof schema !== 'object') {
      return;
    }
    for (const r of schema['x-kubernetes-validations'] ?? []) {
      sites.push({ kind, rule: r.rule, schema });
    }
    Object.values(schema.properties ?? {}).forEach(s => walk(kind, s));
    walk(kind, schema.items);
    if (typeof schema.additionalProperties === 'object') {
      walk(kind, schema.additionalProperties);
    }
  };
  Object.entries(KINDS).forEach(([kind, k]) => walk(kind, k.schema));
  return sites;
}

/** A value of the schema's type, as a user might write it, to run a rule on. */
function sample(schema: any): unknown {
  if (schema['x-kubernetes-int-or-string']) return 8080;
  switch (schema.type) {
    case 'string': return schema.enum?.[0] ?? '5s';
    case 'integer': return 8080;
    case 'number': return 1.5;
    case 'boolean': return true;
    case 'array': return [];
    default: return {};
  }
}

describe('CEL rules of the bundle', () => {
  test('every rule of every kind evaluates (none is reported as not evaluable)', () => {
    const sites = ruleSites();
    // the table stores each kind's schema once; every served version carries the same rules
    const served = sites.reduce((n, s) => n + KINDS[s.kind].versions.length, 0);
    expect(served).toBe(CEL_RULE_INSTANCES);
    expect(CEL_RULE_INSTANCES).toBe(362);
    const failing = sites.map(s => ({ ...s, outcome: compileCel(s.rule)(sample(s.schema)) })).filter(s => 'error' in s.outcome);
    expect(failing.map(f => `${f.kind}: ${f.rule}: ${JSON.stringify(f.outcome)}`)).toEqual([]);
    expect(new Set(sites.map(s => s.rule)).size).toBe(36);
  });

  test('a rule that cannot be evaluated is reported, never passed', () => {
    const schema = { 'x-kubernetes-validations': [{ rule: 'self.noSuchFunction()', message: 'never' }] };
    expect(celViolations(schema, 'x')).toEqual([
      expect.objectContaining({ evaluated: false, message: expect.stringMatching(/^rule `self.noSuchFunction\(\)` could not be evaluated/) }),
    ]);
  });

  test('rules run on nested fields, map values and list items with their path', () => {
    const port = { 'type': 'integer', 'x-kubernetes-validations': [{ rule: '0 < self && self <= 65535', message: 'port must be between 1-65535' }] };
    const schema = { properties: { ports: { items: { properties: { number: port } } }, byName: { additionalProperties: port } } };
    expect(celViolations(schema, { ports: [{ number: 80 }, { number: 70000 }], byName: { a: 0 } }).map(v => [v.path, v.message])).toEqual([
      [['ports', 1, 'number'], 'port must be between 1-65535'],
      [['byName', 'a'], 'port must be between 1-65535'],
    ]);
  });

  test('Kubernetes URL functions work as the WasmPlugin rule uses them', () => {
    const rule = 'isURL(self) ? (url(self).getScheme() in ["", "http", "https", "file", "oci"]) : (isURL("http://" + self) && url("http://" + self).getScheme() in ["", "http", "https", "file", "oci"])';
    expect(compileCel(rule)('oci://ghcr.io/x/filter:1')).toEqual({ result: true });
    expect(compileCel(rule)('ftp://example.com/filter.wasm')).toEqual({ result: false });
    expect(compileCel(rule)('ghcr.io/x/filter:1')).toEqual({ result: true });
  });

  test('an invalid URL fails the rule, as the API server rejects it', () => {
    expect(compileCel('url(self).getScheme() in ["http", "https"]')('not a url')).toEqual({ result: false });
  });
});

import { celViolations, compileCel, withDefaults } from '../../../lib/analyze/schema/cel';
import { KINDS, SOURCES } from '../../../lib/analyze/schema/schema-table';

interface RuleSite { kind: string; rule: string; schema: any; versions: number }

function ruleSites(group: string): RuleSite[] {
  const sites: RuleSite[] = [];
  const walk = (kind: string, versions: number, schema: any): void => {
    if (!schema || typeof schema !== 'object') {
      return;
    }
    for (const r of schema['x-kubernetes-validations'] ?? []) {
      sites.push({ kind, rule: r.rule, schema, versions });
    }
    Object.values(schema.properties ?? {}).forEach(s => walk(kind, versions, s));
    walk(kind, versions, schema.items);
    if (typeof schema.additionalProperties === 'object') {
      walk(kind, versions, schema.additionalProperties);
    }
  };
  Object.entries(KINDS).filter(([key]) => group === '*' || key.startsWith(group)).forEach(([kind, k]) => k.variants.forEach(v => walk(kind, v.versions.length, v.schema)));
  return sites;
}

/** A value of the schema's type, as a user might write it (required fields filled, defaults applied), to run a rule on. */
function sample(schema: any, depth = 0): unknown {
  if (schema['x-kubernetes-int-or-string']) return 8080;
  switch (schema.type) {
    case 'string': return schema.enum?.[0] ?? (schema.format === 'duration' || /duration|timeout|Timeout|interval/i.test(schema.pattern ?? '') ? '5s' : sampleString(schema));
    case 'integer': return Math.max(schema.minimum ?? 1, Math.min(8080, schema.maximum ?? 8080));
    case 'number': return 1.5;
    case 'boolean': return true;
    case 'array': return [];
    default: {
      const value: Record<string, unknown> = {};
      for (const key of depth < 4 ? Object.keys(schema.properties ?? {}) : schema.required ?? []) {
        value[key] = sample(schema.properties?.[key] ?? {}, depth + 1);
      }
      return withDefaults(schema, value);
    }
  }
}

function sampleString(schema: any): string {
  // a value that passes the field's own pattern where the rule needs one (durations, hostnames)
  return schema.pattern && !new RegExp(schema.pattern).test('5s') ? 'example.com' : '5s';
}

describe('CEL rules of the bundle', () => {
  test.each([
    ['Istio 1.30.3', '', 362, 36],
    ['Gateway API v1.5.1', 'gateway.networking', 334, 90],
  ])('every rule of every %s kind evaluates (none is reported as not evaluable)', (source, group, instances, distinct) => {
    const all = ruleSites('*');
    const sites = group === '' ? all.filter(s => !s.kind.startsWith('gateway.networking')) : all.filter(s => s.kind.startsWith(group));
    // the table stores a schema once for the versions that share it; each version carries its rules
    const served = sites.reduce((n, s) => n + s.versions, 0);
    expect(SOURCES.find(x => x.name.startsWith(source))!.ruleInstances).toBe(instances);
    expect(served).toBe(instances);
    const failing = sites
      .filter(s => !/\boldSelf\b/.test(s.rule))
      .map(s => ({ ...s, outcome: compileCel(s.rule)(sample(s.schema)) }))
      .filter(s => 'error' in s.outcome);
    expect(failing.map(f => `${f.kind}: ${f.rule}: ${JSON.stringify(f.outcome)}`)).toEqual([]);
    expect(new Set(sites.map(s => s.rule)).size).toBe(distinct);
  });

  test('RE2\'s (?i) flag and has() on list items evaluate as Kubernetes does', () => {
    const caseless = compileCel('self.matches(r"""^(?i)\\.?[a-z_][a-z_0-9]*$""")');
    expect([caseless('Grpc_Service'), caseless('.svc'), caseless('9lives')]).toEqual([{ result: true }, { result: true }, { result: false }]);
    const indexed = compileCel('self.size() > 0 && has(self[0].matches)');
    expect([indexed([{ matches: [] }]), indexed([{}])]).toEqual([{ result: true }, { result: false }]);
  });

  test('defaults apply before the rules, as the API server stores the object', () => {
    const schema = { properties: { kind: { type: 'string', default: 'Service' }, port: { type: 'integer' } },
      'x-kubernetes-validations': [{ rule: "self.kind == 'Service' ? has(self.port) : true", message: 'port is required for a Service' }] };
    expect(celViolations(schema, { name: 'reviews' }).map(v => v.message)).toEqual(['port is required for a Service']);
    expect(celViolations(schema, { name: 'reviews', port: 9080 })).toEqual([]);
  });

  test('defaults deep below a field without any apply; data under a schema without defaults is not copied', () => {
    const schema = { properties: { spec: { properties: { policy: { properties: { mode: { type: 'string', default: 'STRICT' } } }, host: { type: 'string' } } } } };
    expect(withDefaults(schema, { spec: { policy: {} } })).toEqual({ spec: { policy: { mode: 'STRICT' } } });
    const plain = { properties: { spec: { properties: { host: { type: 'string' } } } } };
    const data = { spec: { host: 'reviews' } };
    expect(withDefaults(plain, data)).toBe(data);
  });

  test('one value under two rules gets each rule\'s outcome, however often it repeats', () => {
    const short = { 'type': 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 3', message: 'too long' }] };
    const noStar = { 'type': 'string', 'x-kubernetes-validations': [{ rule: '!self.contains("*")', message: 'no wildcard' }] };
    const schema = { properties: { a: short, b: noStar, list: { items: short } } };
    const found = celViolations(schema, { a: 'abcd', b: 'abcd', list: ['abcd', 'ab', 'abcd'] });
    expect(found.map(v => [v.path, v.message])).toEqual([
      [['a'], 'too long'],
      [['list', 0], 'too long'],
      [['list', 2], 'too long'],
    ]);
    expect(celViolations(schema, { b: '*.abcd' }).map(v => v.message)).toEqual(['no wildcard']);
  });

  test('a transition rule (oldSelf) is not run offline: there is no stored object', () => {
    const schema = { 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'immutable' }] };
    expect(celViolations(schema, 'x')).toEqual([]);
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

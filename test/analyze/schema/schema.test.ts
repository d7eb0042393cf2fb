import Ajv from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { AJV_OPTIONS, objectSchema } from '../../../lib/analyze/schema/json-schema';
import { KINDS, validatorFingerprint, validatorId } from '../../../lib/analyze/schema/schema-table';
import { ROUTE, SERVICE, TO_SERVICE, WORKLOADS } from '../checks/fixtures';
import { analyzeYaml, codes, GOOD, lineOf, REVIEWS_RULE, reviewsRoute } from '../helpers';
import { ROOT } from '../../fixtures';

const GENERATED = path.join(ROOT, 'lib/analyze/schema/generated');

const BAD = {
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews' },
  spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', weight: 90 } }], match: [{ uri: { exact: '/a', prefix: '/b' } }] }] },
};

describe('CI101 schema', () => {
  test("flags the tutorial's weight indented under destination, at its line", () => {
    const docs = [...WORKLOADS, REVIEWS_RULE, reviewsRoute(`
  - route:
    - destination:
        host: reviews
        subset: v1
        weight: 90`)];
    const findings = analyzeYaml(...docs);
    const schema = findings.filter(f => f.code === 'CI101');
    expect(schema).toHaveLength(1);
    expect(schema[0]).toMatchObject({
      severity: 'error', object: 'VirtualService/default/reviews',
      message: "spec.http[0].route[0].destination.weight: unknown field 'weight' (kubectl rejects it)",
    });
    expect(schema[0].line).toBe(lineOf(docs, 'weight: 90'));
  });

  test('flags two fields of a oneOf set together', () => {
    const findings = analyzeYaml(reviewsRoute(`
  - match: [{ uri: { exact: /a, prefix: /b } }]
    route: [{ destination: { host: reviews } }]`));
    expect(findings.find(f => f.code === 'CI101')?.message).toBe('spec.http[0].match[0].uri: at most one of exact, prefix, regex may be set, got exact and prefix');
  });

  test('flags a wrong type, an unsupported enum value and a missing required field', () => {
    const findings = analyzeYaml(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews }
spec:
  host: reviews
  trafficPolicy: { tls: { mode: SECURE }, connectionPool: { tcp: { maxConnections: many } } }
  subsets: [{ labels: { version: v1 } }]`);
    expect(findings.filter(f => f.code === 'CI101').map(f => f.message).sort()).toEqual([
      'spec.subsets[0]: must have required property \'name\'',
      'spec.trafficPolicy.connectionPool.tcp.maxConnections: must be integer',
      'spec.trafficPolicy.tls.mode: unsupported value "SECURE" (allowed: DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL)',
    ]);
  });
});

describe('CI102 CEL rules', () => {
  test('flags a timeout under 1ms with the rule\'s own message', () => {
    const findings = analyzeYaml(...GOOD.slice(0, 4), reviewsRoute(`
  - route: [{ destination: { host: reviews, subset: v1 } }]
    timeout: 0s`));
    expect(findings.map(f => [f.code, f.message])).toEqual([['CI102', 'spec.http[0].timeout: must be a valid duration greater than 1ms']]);
  });

  test('flags a workload selector together with targetRefs', () => {
    const findings = analyzeYaml(`
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: both }
spec:
  selector: { matchLabels: { app: reviews } }
  targetRefs: [{ kind: Service, group: '', name: reviews }]`);
    expect(codes(findings)).toEqual(['CI102']);
    expect(findings[0].message).toMatch(/only one of targetRefs or selector can be set/);
  });

  test('flags a ServiceEntry with CIDR addresses and DNS resolution', () => {
    const findings = analyzeYaml(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ext }
spec:
  hosts: [api.example.com]
  addresses: [10.0.0.0/24]
  ports: [{ number: 443, name: tls, protocol: TLS }]
  resolution: DNS`);
    expect(codes(findings)).toEqual(['CI102']);
    expect(findings[0].message).toMatch(/CIDR addresses are allowed only for NONE\/STATIC resolution types/);
  });

  test('passes a valid ServiceEntry', () => {
    expect(analyzeYaml(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ext }
spec:
  hosts: [api.example.com]
  ports: [{ number: 443, name: tls, protocol: TLS }]
  resolution: DNS`)).toEqual([]);
  });
});

describe('Gateway API kinds: schemas and CEL rules of the pinned v1.5.1 bundle', () => {
  test('a valid mesh route (Service parent, weighted version Services) has no finding', () => {
    expect(analyzeYaml(SERVICE('cart'), SERVICE('cart-v1'), SERVICE('cart-v2'), ROUTE(TO_SERVICE))).toEqual([]);
  });

  test('CI101: a duration in Istio\'s syntax (0.5s) breaks the Gateway API\'s pattern', () => {
    const route = ROUTE(`  parentRefs: [{ group: "", kind: Service, name: cart, port: 8080 }]
  rules: [{ backendRefs: [{ name: cart, port: 8080 }], timeouts: { request: 0.5s } }]`);
    const findings = analyzeYaml(SERVICE('cart'), route);
    expect(findings.map(f => [f.code, f.message])).toEqual([['CI101', 'spec.rules[0].timeouts.request: must match pattern "^([0-9]{1,5}(h|m|s|ms)){1,4}$"']]);
  });

  test('CI102: a backendRef to a Service without a port breaks the CRD\'s CEL rule', () => {
    const route = ROUTE(`  parentRefs: [{ group: "", kind: Service, name: cart, port: 8080 }]
  rules: [{ backendRefs: [{ name: cart }] }]`);
    expect(analyzeYaml(SERVICE('cart'), route).map(f => [f.code, f.message])).toEqual([['CI102', 'spec.rules[0].backendRefs[0]: Must have port for Service reference']]);
  });

  test('CI102: a per-try timeout longer than the request timeout is rejected', () => {
    const route = ROUTE(`  parentRefs: [{ group: "", kind: Service, name: cart, port: 8080 }]
  rules: [{ backendRefs: [{ name: cart, port: 8080 }], timeouts: { request: 500ms, backendRequest: 1s } }]`);
    expect(codes(analyzeYaml(SERVICE('cart'), route))).toEqual(['CI102']);
  });
});

describe('precompiled validators', () => {
  // npm ci runs `prepare`, which generates them; a skipped install script leaves the runtime compiler
  const generated = fs.existsSync(path.join(GENERATED, 'index.js'));

  (generated ? test : test.skip)('were generated from the committed table', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the generated validators are plain JS
    expect(require(path.join(GENERATED, 'index.js')).fingerprint).toBe(validatorFingerprint());
  });

  (generated ? test : test.skip)('are what the analyzer uses, for CRD kinds and core kinds alike (it compiles nothing)', () => {
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    try {
      const findings = analyzeYaml(SERVICE('cart'), `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: cart, namespace: shop }
spec: { host: cart, trafficPolicy: { loadBalancer: { simple: FASTEST } } }`);
      expect(codes(findings)).toContain('CI101');
      expect(compile).not.toHaveBeenCalled();
    } finally {
      compile.mockRestore();
    }
  });

  (generated ? test : test.skip)('report exactly what the runtime compiler reports', () => {
    for (const key of ['networking.istio.io/VirtualService', 'networking.istio.io/DestinationRule', 'security.istio.io/AuthorizationPolicy', 'gateway.networking.k8s.io/HTTPRoute']) {
      const k = KINDS[key];
      const kind = k.kind;
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the generated validators are plain JS
      const precompiled = require(path.join(GENERATED, `${validatorId(k, 0)}.js`));
      const compiled = new Ajv(AJV_OPTIONS).compile(objectSchema(k.variants[0].schema));
      const object = { ...BAD, kind };
      expect(precompiled(object)).toBe(compiled(object));
      const strip = (errors: any[] | null | undefined) => (errors ?? []).map(({ instancePath, keyword, message }) => ({ instancePath, keyword, message }));
      expect(strip(precompiled.errors)).toEqual(strip(compiled.errors));
    }
  });
});

import * as fs from 'fs';
import * as path from 'path';
import { Finding } from '../../../lib/analyze/finding';
import { SHARED } from '../../fixtures';
import { analyzeYaml } from '../helpers';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of EnvoyFilter patches (envoyfilter.go):
// the checks of lib/analyze/checks/envoy-filter.ts.

/** The codes of the findings, without istiod's warning on every EnvoyFilter (CI105). */

/** The codes of the findings, without istiod's warning on every EnvoyFilter (CI105). */
const codes = (findings: Finding[]) => findings.map(f => f.code).filter(c => c !== 'CI105');

// Bad/good pairs written for this project after istioctl 1.30's EnvoyFilter patch analyzer
// (IST0151 to IST0155).

const FILTER = (name: string, patches: string, priority?: number) => `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: ${name}, namespace: shop }
spec:
  workloadSelector: { labels: { app: web } }${priority === undefined ? '' : `\n  priority: ${priority}`}
  configPatches: [${patches}]`;

const PATCH = (applyTo: string, operation: string, name = 'envoy.lua', proxy = '') =>
  `{ applyTo: ${applyTo}, match: { context: SIDECAR_INBOUND${proxy ? `, proxy: { proxyVersion: '${proxy}' }` : ''} }, patch: { operation: ${operation}, value: { name: ${name} } } }`;

describe('EnvoyFilter patch operations (CI235-CI239)', () => {
  test('a relative operation without priority warns (IST0151); a priority or an absolute operation does not', () => {
    const findings = analyzeYaml(FILTER('lua', PATCH('HTTP_FILTER', 'INSERT_BEFORE')));
    const relative = findings.filter(f => f.code === 'CI235');
    expect(relative.map(f => f.severity)).toEqual(['warning']);
    expect(relative[0].message).toContain('INSERT_BEFORE is relative');
    expect(codes(analyzeYaml(FILTER('lua', PATCH('HTTP_FILTER', 'INSERT_BEFORE'), 10)))).toEqual([]);
    expect(codes(analyzeYaml(FILTER('lua', PATCH('HTTP_FILTER', 'INSERT_FIRST'))))).toEqual([]);
  });

  test('each code once per EnvoyFilter, as istioctl reports it', () => {
    expect(codes(analyzeYaml(FILTER('lua', `${PATCH('HTTP_FILTER', 'INSERT_BEFORE')}, ${PATCH('HTTP_FILTER', 'INSERT_AFTER', 'envoy.other')}`)))).toEqual(['CI235']);
  });

  test('REPLACE outside HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST is an error (IST0152)', () => {
    expect(codes(analyzeYaml(FILTER('c', PATCH('CLUSTER', 'REPLACE'))))).toEqual(['CI236']);
    expect(codes(analyzeYaml(FILTER('c', PATCH('HTTP_FILTER', 'REPLACE'), 1)))).toEqual([]);
  });

  test('ADD and REMOVE are ignored on route configuration and routes (IST0153, IST0154)', () => {
    expect(codes(analyzeYaml(FILTER('r', PATCH('HTTP_ROUTE', 'ADD'))))).toEqual(['CI237']);
    expect(codes(analyzeYaml(FILTER('r', PATCH('ROUTE_CONFIGURATION', 'REMOVE'))))).toEqual(['CI238']);
    expect(codes(analyzeYaml(FILTER('r', PATCH('LISTENER', 'ADD'))))).toEqual([]);
  });

  test('a relative patch of a filter another patch matched by proxy version (IST0155)', () => {
    const patches = `${PATCH('HTTP_FILTER', 'INSERT_FIRST', 'envoy.lua', '^1\\\\.30.*')}, ${PATCH('HTTP_FILTER', 'INSERT_AFTER')}`;
    expect(codes(analyzeYaml(FILTER('lua', patches)))).toEqual(['CI239']);
  });
});

// Local rate limits (CI273, CI274), on Istio's local rate limit sample and on configs written for this project.
describe('local rate limit EnvoyFilters (CI273, CI274)', () => {
  const PRODUCTPAGE = `apiVersion: v1
kind: Service
metadata: { name: productpage, namespace: bookinfo }
spec: { selector: { app: productpage }, ports: [{ port: 9080, name: http }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: productpage-v1, namespace: bookinfo }
spec:
  selector: { matchLabels: { app: productpage } }
  template: { metadata: { labels: { app: productpage } }, spec: { containers: [{ name: app, image: "productpage:1" }] } }`;

  const limit = (vhost: string, bucket: string, descriptor: string, produced: string) => `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: limit, namespace: bookinfo }
spec:
  workloadSelector: { labels: { app: productpage } }
  priority: 1
  configPatches:
  - applyTo: HTTP_ROUTE
    match: { context: SIDECAR_INBOUND, routeConfiguration: { vhost: { ${vhost} route: { action: ANY } } } }
    patch:
      operation: MERGE
      value:
        route: { rate_limits: [{ actions: [{ header_value_match: { descriptor_value: ${produced}, headers: [{ name: ":path", string_match: { prefix: /a } }] } }] }] }
        typed_per_filter_config:
          envoy.filters.http.local_ratelimit:
            "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
            stat_prefix: limit
            token_bucket: ${bucket}
            descriptors: [{ entries: [{ key: header_match, value: ${descriptor} }], token_bucket: { max_tokens: 1, fill_interval: 1s } }]`;

  const codesOf = (doc: string) => codes(analyzeYaml(PRODUCTPAGE, doc)).filter(c => c === 'CI273' || c === 'CI274');

  test('a well-formed limit on every inbound vhost, or on the workload\'s port, is clean', () => {
    expect(codesOf(limit('', '{ max_tokens: 10, tokens_per_fill: 10, fill_interval: 60s }', 'a', 'a'))).toEqual([]);
    expect(codesOf(limit('name: "inbound|http|9080",', '{ max_tokens: 10, fill_interval: 1m }', 'a', 'a'))).toEqual([]);
  });

  test('a bucket Envoy refuses, and a descriptor no action produces', () => {
    const findings = analyzeYaml(PRODUCTPAGE, limit('', '{ max_tokens: 0, fill_interval: 10ms }', 'b', 'a'));
    const finding = findings.find(f => f.code === 'CI273')!;
    expect(finding.message).toBe("local rate limit: token_bucket.max_tokens is 0, not a positive integer; token_bucket.fill_interval is \"10ms\": Envoy takes 50ms at least; "
      + "descriptors[0] counts header_match 'b', which no rate_limits action of the route produces, so it never applies");
  });

  test('Istio\'s sample names vhost inbound|http|8000, which productpage (9080) does not serve: its route patch applies to nothing', () => {
    const sample = fs.readFileSync(path.join(SHARED, 'real-world', 'istio-samples-ratelimit', 'local-rate-limit-service.yaml'), 'utf8')
      .replace('namespace: istio-system', 'namespace: bookinfo');
    const findings = analyzeYaml(PRODUCTPAGE, sample);
    expect(findings.filter(f => f.code === 'CI274').map(f => f.message))
      .toEqual(['patch matches virtual host inbound|http|8000, but the selected workloads (productpage-v1) serve ports 9080: the patch applies to nothing']);
    expect(findings.filter(f => f.code === 'CI273')).toEqual([]);
  });
});

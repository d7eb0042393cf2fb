import { Finding } from '../../../lib/analyze/finding';
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

import * as fs from 'fs';
import * as path from 'path';
import { Analyzer } from '../../../lib/analyze/analyzer';
import { Severity } from '../../../lib/analyze/finding';
import { loadFiles } from '../../../lib/analyze/read/files';
import { analyzeYaml, codes } from '../helpers';
import { ROUTE, SERVICE, TO_SERVICE } from './fixtures';
import { BOOKINFO_SAMPLES } from '../../fixtures';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of Gateway API routes and gateways (gateway-api status and gateway analyzers):
// the checks of lib/analyze/checks/gateway-api.ts.

const SAMPLES = BOOKINFO_SAMPLES;

const GATEWAY = (listener = 'allowedRoutes: { namespaces: { from: Same } }') => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: web, namespace: shop }
spec:
  gatewayClassName: istio
  listeners:
  - { name: http, port: 80, protocol: HTTP, ${listener} }`;

describe('Gateway API references', () => {
  test('CI217: a backendRef to a Service the input does not define (good: it is defined)', () => {
    const bad = analyzeYaml(SERVICE('cart'), SERVICE('cart-v1'), ROUTE(TO_SERVICE));
    expect(bad.map(f => [f.code, f.severity, f.message])).toEqual([
      ['CI217', Severity.ERROR, "backendRef Service 'cart-v2' (shop) is not defined in the input; the route's requests to it get 500"],
    ]);
    expect(analyzeYaml(SERVICE('cart'), SERVICE('cart-v1'), SERVICE('cart-v2'), ROUTE(TO_SERVICE))).toEqual([]);
  });

  test('CI218: a parentRef to a missing Gateway, or a missing Service (good: both defined)', () => {
    const toGateway = ROUTE(`  parentRefs: [{ name: web }]
  rules: [{ backendRefs: [{ name: cart, port: 8080 }] }]`);
    expect(analyzeYaml(SERVICE('cart'), toGateway).map(f => [f.code, f.message])).toEqual([['CI218', "parentRef Gateway 'web' (shop) is not defined in the input"]]);
    expect(analyzeYaml(SERVICE('cart'), GATEWAY(), toGateway)).toEqual([]);
    const toService = ROUTE(`  parentRefs: [{ group: "", kind: Service, name: carts, port: 8080 }]
  rules: [{ backendRefs: [{ name: cart, port: 8080 }] }]`);
    expect(analyzeYaml(SERVICE('cart'), toService).map(f => [f.code, f.message])).toEqual([['CI218', "parentRef Service 'carts' (shop) is not defined in the input"]]);
  });

  test('CI219: a listener that admits only its own namespace, a missing section, and a kind the listener refuses', () => {
    const other = ROUTE(`  parentRefs: [{ name: web, namespace: shop }]
  rules: [{ backendRefs: [{ name: cart, port: 8080 }] }]`, 'blog');
    const findings = analyzeYaml(SERVICE('cart', 'blog'), GATEWAY(), other);
    expect(findings.map(f => [f.code, f.message])).toEqual([
      ['CI219', "no listener of Gateway shop/web admits HTTPRoute blog/cart: listener 'http' admits routes of namespace shop only (allowedRoutes.namespaces.from: Same)"],
    ]);
    expect(analyzeYaml(SERVICE('cart', 'blog'), GATEWAY('allowedRoutes: { namespaces: { from: All } }'), other)).toEqual([]);
    const section = ROUTE(`  parentRefs: [{ name: web, sectionName: https }]
  rules: [{ backendRefs: [{ name: cart, port: 8080 }] }]`);
    expect(analyzeYaml(SERVICE('cart'), GATEWAY(), section).map(f => f.message)).toEqual(["Gateway shop/web has no listener named 'https'"]);
    const grpcOnly = GATEWAY('allowedRoutes: { kinds: [{ kind: GRPCRoute }] }');
    expect(analyzeYaml(SERVICE('cart'), grpcOnly, ROUTE(`  parentRefs: [{ name: web }]
  rules: [{ backendRefs: [{ name: cart, port: 8080 }] }]`)).map(f => f.message))
      .toEqual(["no listener of Gateway shop/web admits HTTPRoute shop/cart: listener 'http' (HTTP) admits GRPCRoute"]);
  });

  test('CI220: one host routed by both a VirtualService and an HTTPRoute (good: only the HTTPRoute)', () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: cart, namespace: shop }
spec: { hosts: [cart], http: [{ route: [{ destination: { host: cart } }] }] }`;
    const route = ROUTE(`  parentRefs: [{ group: "", kind: Service, name: cart, port: 8080 }]
  rules: [{ backendRefs: [{ name: cart, port: 8080 }] }]`);
    expect(analyzeYaml(SERVICE('cart'), vs, route).map(f => [f.code, f.message])).toEqual([
      ['CI220', "host 'cart.shop.svc.cluster.local' is also routed by VirtualService shop/cart; Istio does not support a VirtualService and an HTTPRoute for one workload"],
    ]);
    expect(analyzeYaml(SERVICE('cart'), route)).toEqual([]);
  });
});

describe('Istio\'s own gateway-api samples analyze clean', () => {
  const base = ['platform/kube/bookinfo.yaml', 'platform/kube/bookinfo-versions.yaml', 'gateway-api/bookinfo-gateway.yaml'].map(f => path.join(SAMPLES, f));
  test.each(fs.readdirSync(path.join(SAMPLES, 'gateway-api')).filter(f => f.startsWith('route-')))('%s with Bookinfo, its version Services and gateway', file => {
    const { manifests, findings } = loadFiles([...base, path.join(SAMPLES, 'gateway-api', file)]);
    expect([...findings, ...new Analyzer().analyze(manifests)]).toEqual([]);
  });
});

describe('IST0166 a policy selecting Gateway API gateway pods by label (CI245)', () => {
  const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec: { gatewayClassName: istio, listeners: [{ name: http, port: 80, protocol: HTTP }] }`;
  const POLICY = (target: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: edge, namespace: shop }
spec: { ${target}, action: DENY, rules: [{ to: [{ operation: { ports: ["80"] } }] }] }`;

  test('the pods Istio deploys for an Istio-class Gateway carry its name; a selector on it is ineffective', () => {
    const findings = analyzeYaml(GATEWAY, POLICY('selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: edge } }'));
    expect(findings.map(f => f.code)).toEqual(['CI245']);
    expect(findings[0].message).toContain('matches the pods of Gateway edge');
  });

  test('targetRefs to the Gateway is the way', () => {
    expect(analyzeYaml(GATEWAY, POLICY('targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: edge }]'))).toEqual([]);
  });
});

describe('CI267 HTTPRoute retries that cannot fit timeouts.request', () => {
  const route = (timeouts: string) => ROUTE(`${TO_SERVICE.split('\n')[0]}
  rules: [{ backendRefs: [{ name: cart, port: 8080 }], retry: { attempts: 3, codes: [503] }, timeouts: ${timeouts} }]`);

  test('3 attempts × 400ms against 1s', () => {
    const findings = analyzeYaml(SERVICE('cart'), route('{ request: 1s, backendRequest: 400ms }')).filter(f => f.code === 'CI267');
    expect(findings.map(f => f.message)).toEqual(['3 attempts × 400ms per try need 1.2s, but the rule times out after 1s: '
      + 'the timeout ends the request before the retries can run; raise timeouts.request, or lower retry.attempts or timeouts.backendRequest']);
  });

  test('tries that fit pass', () => {
    expect(codes(analyzeYaml(SERVICE('cart'), route('{ request: 1500ms, backendRequest: 500ms }'))).filter(c => c === 'CI267')).toEqual([]);
  });
});

import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { Analyzer } from '../../../lib/analyze/analyzer';
import { Severity } from '../../../lib/analyze/finding';
import { parseManifests } from '../../../lib/analyze/read/manifest';
import { BookinfoApp, Canary, CircuitBreaker, DataplaneMode, FaultInjection, FaultyTimeout, HttpMatch, IngressGateway, LoadBalancer, LoadBalancing, MeshNamespace, MeshService, RequestTimeout, Retries, RetryOn, ServiceRoute, ServiceSubsets, StringMatch, TrafficApi, TrafficMirror, useTrafficApi, Waypoint, WorkloadIdentity, ZeroTrust } from '../../../lib/index';
import { BOOKINFO_SAMPLES } from '../../fixtures';
import { find, synth } from '../../util';

const SAMPLES = BOOKINFO_SAMPLES;

const IPHONE = HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'));

function gatewayChart(app: App = Testing.app(), id = 'mesh'): Chart {
  const chart = new Chart(app, id);
  useTrafficApi(chart, TrafficApi.GATEWAY_API);
  return chart;
}

/** A Service and its Deployments, as a consumer's app defines them. */
function workloads(chart: Chart, name: string, versions: string[]): void {
  new ApiObject(chart, `${name}-service`, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { selector: { app: name }, ports: [{ port: 8080, name: 'http' }] } } as any);
  for (const version of versions) {
    const labels = { app: name, version };
    new ApiObject(chart, `${name}-${version}`, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${name}-${version}`, namespace: 'shop' },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, image: `${name}:${version}` }] } } },
    } as any);
  }
}

function shop(chart = gatewayChart()) {
  workloads(chart, 'cart', ['v1', 'v2']);
  const cart = new MeshService({ host: 'cart', namespace: 'shop', port: 8080, selector: { app: 'cart' } });
  new ServiceSubsets(chart, 'cart-subsets', { service: cart, subsets: ['v1', 'v2'] });
  return { chart, cart };
}

/** Upstream samples without comments and license headers, as plain objects. */
function sample(file: string): any[] {
  return YAML.parseAllDocuments(fs.readFileSync(path.join(SAMPLES, file), 'utf8')).map(d => d.toJS()).filter(Boolean);
}

function errorsOf(manifests: any[]): string[] {
  const parsed = parseManifests('out.yaml', manifests.map(m => YAML.stringify(m)).join('---\n'));
  return [...parsed.findings, ...new Analyzer().analyze(parsed.manifests)].filter(f => f.severity === Severity.ERROR).map(f => `${f.code} ${f.message}`);
}

describe('the same blocks, written as Gateway API objects', () => {
  test('subsets become per-version Services selecting the service\'s pods with the subset\'s labels', () => {
    const { chart } = shop();
    const manifests = synth(chart);
    expect(manifests.filter(m => m.kind === 'DestinationRule')).toEqual([]);
    expect(errorsOf(manifests)).toEqual([]);
    expect(find(manifests, 'Service', 'cart-v2')).toEqual({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart-v2', namespace: 'shop' },
      spec: { ports: [{ port: 8080, name: 'http' }], selector: { app: 'cart', version: 'v2' } },
    });
  });

  test('a canary with an iPhone route, a timeout, retries and a mirror is one HTTPRoute whose parent is the Service', () => {
    const { chart, cart } = shop();
    new Canary(chart, 'canary', { service: cart, stable: 'v1', canary: 'v2', canaryWeight: 20, canaryMatch: [IPHONE] });
    new RequestTimeout(chart, 'timeout', { service: cart, timeout: Duration.millis(800) });
    new Retries(chart, 'retries', { service: cart, attempts: 3, perTryTimeout: Duration.millis(250), retryOn: [RetryOn.GATEWAY_ERROR], retryOnStatusCodes: [429] });
    new TrafficMirror(chart, 'mirror', { service: cart, subset: 'v2', percentage: 5 });
    const manifests = synth(chart);
    expect(manifests.filter(m => m.kind === 'VirtualService')).toEqual([]);
    const route = find(manifests, 'HTTPRoute', 'cart');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'cart', port: 8080 }]);
    const common = {
      filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'cart-v2', port: 8080 }, percent: 5 } }],
      timeouts: { request: '800ms', backendRequest: '250ms' },
      retry: { attempts: 3, codes: [429, 502, 503, 504] },
    };
    expect(route.spec.rules).toEqual([
      { matches: [{ headers: [{ type: 'RegularExpression', name: 'user-agent', value: '.*iPhone.*' }] }], backendRefs: [{ name: 'cart-v2', port: 8080 }], ...common },
      { backendRefs: [{ name: 'cart-v1', port: 8080, weight: 80 }, { name: 'cart-v2', port: 8080, weight: 20 }], ...common },
    ]);
    expect(errorsOf(manifests)).toEqual([]);
    expect(manifests).toMatchSnapshot();
  });

  test('reviews 90/10 equals Istio\'s gateway-api/route-reviews-90-10.yaml, and the version Services bookinfo-versions.yaml', () => {
    const chart = gatewayChart();
    const bookinfo = new BookinfoApp(chart, 'bookinfo', { ingress: false });
    new Canary(chart, 'reviews', { service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    const manifests = synth(chart);
    expect(find(manifests, 'HTTPRoute', 'reviews')).toEqual(sample('gateway-api/route-reviews-90-10.yaml')[0]);
    const versions = sample('platform/kube/bookinfo-versions.yaml');
    for (const name of ['reviews-v1', 'reviews-v2', 'reviews-v3', 'ratings-v1', 'details-v1', 'productpage-v1']) {
      expect(find(manifests, 'Service', name)).toEqual(versions.find(v => v.metadata.name === name));
    }
  });

  test('the ingress is a Gateway of class istio and an HTTPRoute, as Istio\'s gateway-api/bookinfo-gateway.yaml', () => {
    const chart = gatewayChart();
    new BookinfoApp(chart, 'bookinfo');
    const manifests = synth(chart);
    const [gateway, route] = sample('gateway-api/bookinfo-gateway.yaml');
    expect(find(manifests, 'Gateway', 'bookinfo-gateway')).toEqual(gateway);
    expect(find(manifests, 'HTTPRoute', 'bookinfo')).toEqual(route);
  });

  test('HTTPS ingress: a certificateRef on an https listener, and an HTTP route that redirects to it', () => {
    const chart = gatewayChart();
    workloads(chart, 'web', []);
    const web = new MeshService({ host: 'web', namespace: 'shop', port: 8080 });
    new IngressGateway(chart, 'in', { name: 'shop', namespace: 'shop', service: web, hosts: ['shop.example.com'], matches: [HttpMatch.uriPrefix('/')], tls: { credentialName: 'shop-cert' } });
    const manifests = synth(chart);
    expect(find(manifests, 'Gateway', 'shop').spec.listeners).toEqual([
      { name: 'http', hostname: 'shop.example.com', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } },
      { name: 'https', hostname: 'shop.example.com', port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'Same' } },
        tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'shop-cert' }] } },
    ]);
    expect(find(manifests, 'HTTPRoute', 'web').spec.parentRefs).toEqual([{ name: 'shop', sectionName: 'https' }]);
    expect(find(manifests, 'HTTPRoute', 'web-https-redirect').spec).toEqual({
      parentRefs: [{ name: 'shop', sectionName: 'http' }],
      hostnames: ['shop.example.com'],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
    expect(errorsOf(manifests)).toEqual([]);
  });
});

describe('DestinationRule policy, which Istio applies in both modes (the sidecar, or the waypoint in ambient mode)', () => {
  test('a host policy in a DestinationRule of the host and of each version Service; a subset\'s own policy in its version\'s', () => {
    // GIVEN
    const { chart, cart } = shop();
    // WHEN
    new CircuitBreaker(chart, 'breaker', { service: cart, outlierDetection: { consecutive5xxErrors: 5 } });
    const lb = new LoadBalancing(chart, 'lb', { service: cart, subset: 'v2', loadBalancer: LoadBalancer.RANDOM });
    new Retries(chart, 'retries', { service: cart, attempts: 2, budgetPercent: 20 });
    // THEN
    const manifests = synth(chart);
    const rules = manifests.filter(m => m.kind === 'DestinationRule');
    expect(rules.map(r => [r.metadata.name, r.spec.host])).toEqual([['cart', 'cart'], ['cart-v1', 'cart-v1'], ['cart-v2', 'cart-v2']]);
    const policy = (name: string) => find(manifests, 'DestinationRule', name).spec.trafficPolicy;
    expect(policy('cart')).toEqual({ outlierDetection: { consecutive5xxErrors: 5 }, retryBudget: { percent: 20 } });
    expect(policy('cart-v1')).toEqual(policy('cart'));
    expect(policy('cart-v2')).toEqual({ ...policy('cart'), loadBalancer: { simple: 'RANDOM' } });
    // no VirtualService, and no subsets: HTTPRoutes route to the version Services
    expect(manifests.filter(m => m.kind === 'VirtualService')).toEqual([]);
    expect(rules.every(r => r.spec.subsets === undefined)).toBe(true);
    expect(lb.destinationRule.name).toBe('cart');
  });

  test('a subset\'s policy alone writes no DestinationRule for the other versions', () => {
    const { chart, cart } = shop();
    new LoadBalancing(chart, 'lb', { service: cart, subset: 'v2', loadBalancer: LoadBalancer.RANDOM });
    const rules = synth(chart).filter(m => m.kind === 'DestinationRule');
    expect(rules.map(r => [r.metadata.name, r.spec.trafficPolicy])).toEqual([['cart', undefined], ['cart-v2', { loadBalancer: { simple: 'RANDOM' } }]]);
  });
});

describe('what HTTPRoute cannot express fails, naming the feature, the construct and the way out', () => {
  test.each([
    ['fault injection', (c: Chart, s: MeshService) => new FaultInjection(c, 'block', { service: s, delay: Duration.seconds(2) }),
      "fault injection (delay, abort) has no Gateway API (HTTPRoute) form: mesh/block asks for it on host 'cart'; keep the Istio API for this host"],
    ['FaultyTimeout', (c: Chart, s: MeshService) => new FaultyTimeout(c, 'block', { service: s, subset: 'v1', delay: Duration.seconds(2), caller: new MeshService({ host: 'web', port: 80 }), callerSubset: 'v1', timeout: Duration.millis(500) }),
      "fault injection (delay, abort) has no Gateway API (HTTPRoute) form: mesh/block/Fault asks for it on host 'cart'"],
    ['retries on connect failures', (c: Chart, s: MeshService) => new Retries(c, 'block', { service: s, attempts: 2, retryOn: [RetryOn.CONNECT_FAILURE] }),
      "retrying on 'connect-failure' has no Gateway API (HTTPRoute) form: mesh/block asks for it on host 'cart'; HTTPRoute retries on HTTP status codes only"],
    ['a prefix header match', (c: Chart, s: MeshService) => new ServiceRoute(c, 'block', { service: s, routes: [{ matches: [HttpMatch.header('x-team', StringMatch.prefix('web'))], destinations: [{ subset: 'v1' }] }] }),
      "a prefix match on header 'x-team' has no Gateway API (HTTPRoute) form"],
  ])('%s', (_, make, message) => {
    const { chart, cart } = shop();
    expect(() => make(chart, cart)).toThrow(message);
  });

  test('a subset of a service without selector or port cannot become a Service', () => {
    const chart = gatewayChart();
    expect(() => new ServiceSubsets(chart, 'subsets', { service: MeshService.fromHost('cart', { namespace: 'shop', port: 80 }), subsets: ['v1'] }))
      .toThrow("[mesh/subsets] with the Gateway API each subset of host 'cart' becomes a Service selecting its pods: set 'selector' on the MeshService");
    expect(() => new ServiceSubsets(chart, 'other', { service: new MeshService({ host: 'web', selector: { app: 'web' } }), subsets: ['v1'] }))
      .toThrow("[mesh/other] Gateway API routes name a Service port: set 'port' on the MeshService of host 'web'");
  });

  test('retries that cannot fit the request timeout throw naming both constructs, as with Istio\'s APIs', () => {
    const { chart, cart } = shop();
    new Retries(chart, 'retries', { service: cart, attempts: 2, perTryTimeout: Duration.seconds(1), retryOn: [RetryOn.GATEWAY_ERROR] });
    expect(() => new RequestTimeout(chart, 'timeout', { service: cart, timeout: Duration.millis(500) })).toThrow(
      "host 'cart' gets retries from mesh/retries (2 attempts × 1s per try = 2s) and a timeout of 0.5s from mesh/timeout: the timeout ends the request before the retries can run");
  });

  test('the choice is per chart: an Istio chart beside it still writes VirtualServices', () => {
    const app = Testing.app();
    const { chart, cart } = shop(gatewayChart(app, 'ambient'));
    new Canary(chart, 'c', { service: cart, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    const istio = new Chart(app, 'sidecars');
    const reviews = MeshService.fromHost('reviews', { namespace: 'bookinfo', subsets: ['v1', 'v2'] });
    new Canary(istio, 'c', { service: reviews, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    expect(synth(chart).map(m => m.kind)).toContain('HTTPRoute');
    expect(synth(istio).map(m => m.kind)).toEqual(['VirtualService']);
  });

  test('useTrafficApi throws on an unknown family', () => {
    expect(() => useTrafficApi(new Chart(Testing.app(), 'c'), 'linkerd' as TrafficApi)).toThrow("'api' must be one of istio, gateway-api, got 'linkerd'");
  });

  test('useTrafficApi after blocks were added says so and what to do, instead of constructs\' context error', () => {
    const chart = new Chart(Testing.app(), 'shop');
    new ServiceSubsets(chart, 'checkout-subsets', { service: new MeshService({ host: 'checkout', namespace: 'shop' }), subsets: ['v1'] });
    expect(() => useTrafficApi(chart, TrafficApi.GATEWAY_API)).toThrow(
      'useTrafficApi(shop, gateway-api) must come before any construct is added to it (it has checkout-subsets): call it right after creating the app or chart');
  });
});

describe('ambient mode', () => {
  test('a namespace enrolled in ambient, using a waypoint for its services and its ingress traffic', () => {
    const chart = new Chart(Testing.app(), 'ns');
    new MeshNamespace(chart, 'ns', { name: 'shop', dataplaneMode: DataplaneMode.AMBIENT, waypoint: 'waypoint' });
    new Waypoint(chart, 'waypoint', { namespace: 'shop' });
    const manifests = synth(chart);
    expect(find(manifests, 'Namespace', 'shop').metadata.labels).toEqual({
      'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint', 'istio.io/ingress-use-waypoint': 'true',
    });
    expect(find(manifests, 'Gateway', 'waypoint')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway',
      metadata: { name: 'waypoint', namespace: 'shop', labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
    expect(errorsOf(manifests)).toEqual([]);
  });

  test.each([
    [{ waypoint: 'waypoint' }, "'waypoint' is set but 'dataplaneMode' is sidecar: waypoints serve ambient namespaces"],
    [{ dataplaneMode: DataplaneMode.AMBIENT, revision: 'canary' }, "'revision' chooses the sidecar injector; it does not apply with 'dataplaneMode' ambient"],
    [{ dataplaneMode: DataplaneMode.AMBIENT, labels: { 'istio.io/use-waypoint': 'w' } }, "'labels' must not set 'istio.io/use-waypoint'"],
  ])('MeshNamespace throws on %p', (props, message) => {
    expect(() => new MeshNamespace(new Chart(Testing.app(), 'ns'), 'ns', { name: 'shop', ...props })).toThrow(message);
  });

  test('ZeroTrust without a waypoint: L4 policies on the pods that ztunnel enforces; L7 rules need a waypoint', () => {
    const chart = new Chart(Testing.app(), 'zt');
    const web = new MeshService({ host: 'web', namespace: 'shop', selector: { app: 'web' }, serviceAccount: 'web' });
    const cart = new MeshService({ host: 'cart', namespace: 'shop', selector: { app: 'cart' }, serviceAccount: 'cart' });
    const zt = new ZeroTrust(chart, 'zt', { namespace: 'shop', dataplaneMode: DataplaneMode.AMBIENT, edges: [{ from: web, to: cart }] });
    expect(find(synth(chart), 'AuthorizationPolicy', 'allow-cart').spec).toEqual({
      selector: { matchLabels: { app: 'cart' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }],
    });
    expect(() => zt.allow(WorkloadIdentity.fromServiceAccount('shop', 'admin'), cart, { methods: ['DELETE'] }))
      .toThrow("edge shop/admin -> cart names methods or paths, which are L7 rules: in ambient mode a waypoint enforces them; set 'waypoint'");
  });

  test('ZeroTrust with a waypoint: ztunnel admits the waypoint alone, allow-nothing at the waypoint, each callee\'s policy on its Service', () => {
    const chart = new Chart(Testing.app(), 'zt');
    const web = new MeshService({ host: 'web', namespace: 'shop', selector: { app: 'web' }, serviceAccount: 'web' });
    const cart = new MeshService({ host: 'cart', namespace: 'shop', selector: { app: 'cart' }, serviceAccount: 'cart' });
    new ZeroTrust(chart, 'zt', { namespace: 'shop', dataplaneMode: DataplaneMode.AMBIENT, waypoint: 'waypoint', edges: [{ from: web, to: cart, methods: ['GET'] }] });
    const manifests = synth(chart);
    // the waypoint forwards every request under its own identity, which ztunnel checks the namespace's policies against
    expect(manifests.some(m => m.metadata.name === 'allow-nothing')).toBe(false);
    expect(find(manifests, 'AuthorizationPolicy', 'allow-only-waypoint').spec).toEqual({
      action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/waypoint'] } }] }],
    });
    expect(find(manifests, 'AuthorizationPolicy', 'allow-nothing-waypoint').spec).toEqual({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }] });
    expect(find(manifests, 'AuthorizationPolicy', 'allow-cart').spec).toEqual({
      targetRefs: [{ group: '', kind: 'Service', name: 'cart' }], action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { methods: ['GET'] } }] }],
    });
    expect(errorsOf(manifests)).toEqual([]);
  });

  test('an ingress Gateway of the namespace runs as <name>-istio and, admitted by ZeroTrust, takes requests from outside the mesh', () => {
    const chart = gatewayChart();
    const web = new MeshService({ host: 'web', namespace: 'shop', selector: { app: 'web' }, serviceAccount: 'web', port: 80 });
    const ingress = new IngressGateway(chart, 'in', { name: 'edge', namespace: 'shop', service: web, matches: [HttpMatch.uriPrefix('/')] });
    expect(ingress.identity!.principal).toBe('cluster.local/ns/shop/sa/edge-istio');
    const zt = new ZeroTrust(chart, 'zt', { namespace: 'shop', dataplaneMode: DataplaneMode.AMBIENT, waypoint: 'waypoint', edges: [{ from: ingress.identity!, to: web }], ingressGateways: [ingress] });
    const manifests = synth(chart);
    // the namespace's default deny applies to the gateway's proxy, and clients outside the mesh carry no identity
    expect(find(manifests, 'AuthorizationPolicy', 'allow-ingress-edge').spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }], action: 'ALLOW', rules: [{}],
    });
    // the policy passes the CRD, CEL and webhook rules; the one error is the fixture's missing Service
    expect(errorsOf(manifests)).toEqual(["CI217 backendRef Service 'web' (shop) is not defined in the input; the route's requests to it get 500"]);
    expect(() => zt.allowIngress(ingress)).toThrow("ingress gateway 'edge' is admitted twice");
  });

  test('synth fails when a Gateway API ingress of the graph\'s namespace is not admitted, naming it and the way out', () => {
    const chart = gatewayChart();
    const web = new MeshService({ host: 'web', namespace: 'shop', selector: { app: 'web' }, serviceAccount: 'web', port: 80 });
    const ingress = new IngressGateway(chart, 'in', { name: 'edge', namespace: 'shop', service: web, matches: [HttpMatch.uriPrefix('/')] });
    const zt = new ZeroTrust(chart, 'zt', { namespace: 'shop', edges: [{ from: ingress.identity!, to: web }] });
    expect(() => synth(chart)).toThrow("[mesh/zt] ingress Gateway 'edge' (mesh/in/Resource) runs its proxy in namespace 'shop', whose default deny refuses its clients "
      + 'from outside the mesh (they carry no mesh identity); admit them with ingressGateways or allowIngress()');
    zt.allowIngress(ingress);
    expect(() => synth(chart)).not.toThrow();
  });

  test('allowIngress refuses an Istio-API gateway and a gateway of another namespace', () => {
    const istio = new Chart(Testing.app(), 'istio');
    const web = new MeshService({ host: 'web', namespace: 'shop', selector: { app: 'web' }, serviceAccount: 'web', port: 80 });
    const istioIngress = new IngressGateway(istio, 'in', { name: 'edge', namespace: 'shop', service: web, matches: [HttpMatch.uriPrefix('/')] });
    expect(istioIngress.identity).toBeUndefined();
    expect(() => new ZeroTrust(istio, 'zt', { namespace: 'shop', ingressGateways: [istioIngress] }))
      .toThrow("'gateway' is 'edge', an Istio-API Gateway: its proxies run in their own namespace (istio-system by default)");
    const other = new IngressGateway(gatewayChart(), 'in', { name: 'edge', namespace: 'front', service: web, matches: [HttpMatch.uriPrefix('/')] });
    expect(() => new ZeroTrust(gatewayChart(), 'zt', { namespace: 'shop', ingressGateways: [other] }))
      .toThrow("'gateway' is 'edge' in namespace 'front', outside this graph's namespace 'shop'");
  });
});

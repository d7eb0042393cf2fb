import { Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Canary, CircuitBreaker, FaultInjection, HostTraffic, HttpMatch, MeshService, RequestTimeout, Retries, RetryOn, ServiceRoute, ServiceSubsets,
  StringMatch, TrafficApi, TrafficMirror, useTrafficApi,
} from '../../lib';
import { find, synth } from '../util';
import { IPHONE, shop } from './fixtures';

describe('composition on one host', () => {
  test('a 20% canary with an iPhone route and a 0.8 s timeout synthesize one VirtualService carrying both', () => {
    // GIVEN
    const { chart, checkout } = shop();
    // WHEN
    new Canary(chart, 'checkout-canary', { service: checkout, stable: 'v1', canary: 'v2', canaryWeight: 20, canaryMatch: [IPHONE] });
    new RequestTimeout(chart, 'checkout-timeout', { service: checkout, timeout: Duration.millis(800) });
    // THEN
    const manifests = synth(chart);
    expect(manifests.filter(m => m.kind === 'VirtualService')).toHaveLength(1);
    const vs = find(manifests, 'VirtualService', 'checkout');
    expect(vs.spec.http).toEqual([
      { match: [{ headers: { 'user-agent': { regex: '.*iPhone.*' } } }], route: [{ destination: { host: 'checkout', subset: 'v2' } }], timeout: '0.8s' },
      { route: [{ destination: { host: 'checkout', subset: 'v1' }, weight: 80 }, { destination: { host: 'checkout', subset: 'v2' }, weight: 20 }], timeout: '0.8s' },
    ]);
    expect(manifests).toMatchSnapshot();
  });

  test('a canary, a timeout, retries and a mirror compose, header routes before the weighted default', () => {
    const { chart, checkout } = shop();
    new Retries(chart, 'retries', { service: checkout, attempts: 3, perTryTimeout: Duration.millis(250), retryOn: [RetryOn.GATEWAY_ERROR] });
    new Canary(chart, 'canary', { service: checkout, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    new ServiceRoute(chart, 'beta', { service: checkout, routes: [{ matches: [HttpMatch.header('x-beta', StringMatch.exact('1'))], destinations: [{ subset: 'v2' }] }] });
    new TrafficMirror(chart, 'mirror', { service: checkout, subset: 'v2', percentage: 5 });
    new RequestTimeout(chart, 'timeout', { service: checkout, timeout: Duration.seconds(2) });
    const http = find(synth(chart), 'VirtualService', 'checkout').spec.http;
    expect(http.map((r: any) => r.match?.[0]?.headers ?? 'default')).toEqual([{ 'x-beta': { exact: '1' } }, 'default']);
    for (const route of http) {
      expect(route.retries).toEqual({ attempts: 3, perTryTimeout: '0.25s', retryOn: 'gateway-error' });
      expect(route.timeout).toBe('2s');
      expect(route.mirror).toEqual({ host: 'checkout', subset: 'v2' });
      expect(route.mirrorPercentage).toEqual({ value: 5 });
    }
  });

  test('a timeout alone routes every request to the host, as without a VirtualService', () => {
    const { chart, checkout } = shop();
    new RequestTimeout(chart, 'timeout', { service: checkout, timeout: Duration.millis(500) });
    expect(find(synth(chart), 'VirtualService', 'checkout').spec.http).toEqual([{ route: [{ destination: { host: 'checkout' } }], timeout: '0.5s' }]);
  });

  test('the same host in two charts gets a model each (charts are alternatives)', () => {
    const app = Testing.app();
    const checkout = MeshService.fromHost('checkout', { subsets: ['v1', 'v2'] });
    new Canary(new Chart(app, 'a'), 'c', { service: checkout, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    new Canary(new Chart(app, 'b'), 'c', { service: checkout, stable: 'v1', canary: 'v2', canaryWeight: 50 });
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('throws if two blocks give a host two weight splits, naming both', () => {
    const { chart, checkout } = shop();
    new Canary(chart, 'first', { service: checkout, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    expect(() => new Canary(chart, 'second', { service: checkout, stable: 'v1', canary: 'v2', canaryWeight: 50 }))
      .toThrow("host 'checkout' gets two default routes (two weight splits or subsets for every request) from shop/first and shop/second");
  });

  test('throws if two blocks route the same match, naming both', () => {
    const { chart, checkout } = shop();
    new Canary(chart, 'first', { service: checkout, stable: 'v1', canary: 'v2', canaryMatch: [IPHONE] });
    expect(() => new ServiceRoute(chart, 'second', { service: checkout, routes: [{ matches: [IPHONE], destinations: [{ subset: 'v1' }] }] }))
      .toThrow("host 'checkout' gets two routes for the same match");
  });

  test('throws if a host gets two timeouts, naming both', () => {
    const { chart, checkout } = shop();
    new RequestTimeout(chart, 'first', { service: checkout, timeout: Duration.seconds(1) });
    expect(() => new RequestTimeout(chart, 'second', { service: checkout, timeout: Duration.seconds(2) }))
      .toThrow("host 'checkout' gets two timeouts from shop/first and shop/second");
  });

  test('throws if a route\'s own timeout meets a host-wide one', () => {
    const { chart, checkout } = shop();
    new ServiceRoute(chart, 'route', { service: checkout, routes: [{ destinations: [{ subset: 'v1' }], timeout: Duration.seconds(1) }] });
    expect(() => new RequestTimeout(chart, 'timeout', { service: checkout, timeout: Duration.seconds(2) }))
      .toThrow("host 'checkout' gets two timeouts from shop/route and shop/timeout");
  });

  test.each([
    ['a timeout', (c: Chart, s: MeshService) => new RequestTimeout(c, 'other', { service: s, timeout: Duration.seconds(1) })],
    ['retries', (c: Chart, s: MeshService) => new Retries(c, 'other', { service: s, attempts: 2 })],
  ])('throws if a fault and %s meet on one route, saying why', (which, add) => {
    const { chart, checkout } = shop();
    new FaultInjection(chart, 'fault', { service: checkout, delay: Duration.seconds(2) });
    expect(() => add(chart, checkout)).toThrow(`host 'checkout' gets a fault from shop/fault and ${which} from shop/other on the same route; `
      + 'Istio disables timeouts and retries on a route that injects a fault');
  });

  test('a JSON patch on the escape hatch reaches the YAML in Istio\'s spelling', () => {
    const { chart, checkout } = shop();
    const breaker = new CircuitBreaker(chart, 'breaker', { service: checkout, connectionPool: { maxConnections: 10 } });
    breaker.destinationRule.addJsonPatch(JsonPatch.add('/spec/trafficPolicy/outlierDetection', { consecutive5xxErrors: 5 }));
    const dr = find(synth(chart), 'DestinationRule', 'checkout');
    expect(dr.spec.trafficPolicy.outlierDetection).toEqual({ consecutive5xxErrors: 5 });
  });
});

describe('contributing from a block of your own', () => {
  /** A block another library could write: a default route to one subset, with a timeout, through the documented methods. */
  class PinnedRoute extends Construct {
    public readonly model: HostTraffic;

    public constructor(scope: Construct, id: string, service: MeshService, subset: string) {
      super(scope, id);
      this.model = HostTraffic.of(this, service);
      this.model.addRoute(this, {
        matches: [],
        targets: [{ service, subset, prop: 'subset' }],
        behaviour: { timeout: Duration.millis(1500) },
      });
    }
  }

  function reviews(chart: Chart): MeshService {
    const service = new MeshService({ host: 'reviews', namespace: 'shop', port: 9080, selector: { app: 'reviews' } });
    new ServiceSubsets(chart, 'subsets', { service, subsets: ['v1', 'v2'] });
    return service;
  }

  test('the model renders its contribution once, in the chart\'s family', () => {
    // GIVEN the same block in an Istio chart and in a Gateway API chart
    const app = Testing.app();
    const istio = new Chart(app, 'istio');
    const ambient = new Chart(app, 'ambient');
    useTrafficApi(ambient, TrafficApi.GATEWAY_API);
    const sidecars = new PinnedRoute(istio, 'pin', reviews(istio), 'v2');
    const waypoints = new PinnedRoute(ambient, 'pin', reviews(ambient), 'v2');
    // THEN the timeout is a Duration rendered by each family's rules
    expect(sidecars.model.virtualService?.toJson().spec.http).toEqual([{ route: [{ destination: { host: 'reviews', subset: 'v2' } }], timeout: '1.5s' }]);
    expect(waypoints.model.httpRoute?.toJson().spec.rules).toEqual([{ backendRefs: [{ name: 'reviews-v2', port: 9080 }], timeouts: { request: '1s500ms' } }]);
    expect(waypoints.model.versionServices.map(s => s.name)).toEqual(['reviews-v1', 'reviews-v2']);
    expect(sidecars.model.versionServices).toEqual([]);
  });

  test('a conflict names both blocks, the library\'s and the user\'s', () => {
    const chart = Testing.chart();
    const service = reviews(chart);
    new PinnedRoute(chart, 'pin', service, 'v2');
    expect(() => new Canary(chart, 'canary', { service, stable: 'v1', canary: 'v2', canaryWeight: 10 }))
      .toThrow("host 'reviews' gets two default routes (two weight splits or subsets for every request) from test/pin and test/canary");
  });

  test('policy contributions set fields of the DestinationRule, each from one block per host or subset', () => {
    const chart = Testing.chart();
    const service = reviews(chart);
    const model = HostTraffic.of(chart, service);
    const tuner = new Construct(chart, 'tuner');
    model.addPolicy(tuner, { outlierDetection: { consecutive5xxErrors: 3 } }, 'v2');
    expect(model.destinationRule?.toJson().spec.subsets[1]).toEqual({ name: 'v2', labels: { version: 'v2' }, trafficPolicy: { outlierDetection: { consecutive5xxErrors: 3 } } });
    expect(() => model.addPolicy(new Construct(chart, 'other'), { outlierDetection: { interval: '5s' } }, 'v2'))
      .toThrow("host 'reviews' gets two outlier detections for subset 'v2' from test/tuner and test/other");
  });

  test('throws if a second name is given to a route that already has one', () => {
    const chart = Testing.chart();
    const service = reviews(chart);
    new PinnedRoute(chart, 'pin', service, 'v2');
    expect(() => HostTraffic.of(chart, service).nameRoute(new Construct(chart, 'namer'), 'reviews-route'))
      .toThrow("host 'reviews' gets two names for its VirtualService ('reviews' and 'reviews-route') from test/pin and test/namer");
  });
});

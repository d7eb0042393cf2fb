import { VirtualService } from '../../imports/networking.istio.io';
import { Chart, Duration, Testing } from 'cdk8s';
import { Canary, HttpMatch, MeshService, ServiceRoute } from '../../lib';
import { analyzeYaml } from '../analyze/helpers';
import { bookinfoApp, find, synth } from '../util';

describe('ServiceRoute', () => {
  test('routes a service declared with fromHost to the subsets it declares', () => {
    const chart = new Chart(Testing.app(), 'routes');
    const reviews = MeshService.fromHost('reviews', { namespace: 'shop', subsets: ['v1', 'v2'] });
    new ServiceRoute(chart, 'reviews', {
      service: reviews,
      routes: [
        { matches: [HttpMatch.uriPrefix('/beta')], destinations: [{ subset: 'v2' }], timeout: Duration.seconds(3) },
        { destinations: [{ subset: 'v1', weight: 70 }, { subset: 'v2', weight: 30 }] },
      ],
    });
    const manifests = synth(chart);
    const vs = find(manifests, 'VirtualService', 'reviews');
    expect(vs.metadata.namespace).toBe('shop');
    // the subsets come from a DestinationRule outside the app: recorded for the analyzer and reviewers
    expect(vs.metadata.annotations).toEqual({ 'cdk8s-istio.io/external-subsets': 'reviews=v1,v2' });
    expect(vs.spec.http).toEqual([
      { match: [{ uri: { prefix: '/beta' } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }], timeout: '3s' },
      { route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 70 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 30 }] },
    ]);
    expect(manifests).toMatchSnapshot();
  });

  test('subsets declared with fromHost pass the analyzer as not checked (CI216), others are errors where the input describes the namespace (CI202)', () => {
    const chart = new Chart(Testing.app(), 'routes');
    const payments = MeshService.fromHost('payments', { namespace: 'shop', subsets: ['v1', 'v2'] });
    new ServiceRoute(chart, 'payments', { service: payments, routes: [{ destinations: [{ subset: 'v1', weight: 80 }, { subset: 'v2', weight: 20 }] }] });
    const yaml = synth(chart).map(m => JSON.stringify(m));
    expect(analyzeYaml(...yaml).map(f => `${f.code} ${f.severity}`)).toEqual(['CI216 info', 'CI216 info']);
    const handWritten = yaml[0].replace('"payments=v1,v2"', '"payments=v1"');
    expect(analyzeYaml(handWritten).map(f => f.code).sort()).toEqual(['CI216', 'CI269']);
    const shop = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, labels: { istio-injection: enabled } }';
    // with its namespace described, the payments host itself is missing too (CI201)
    expect(analyzeYaml(handWritten, shop).map(f => f.code).sort()).toEqual(['CI201', 'CI201', 'CI202', 'CI216']);
  });

  test('fails if a route names a subset when no DestinationRule defines any (the tutorial applied none)', () => {
    const chart = new Chart(Testing.app(), 'routes');
    new ServiceRoute(chart, 'reviews', {
      service: MeshService.fromHost('reviews'),
      routes: [{ destinations: [{ subset: 'v1', weight: 90 }, { subset: 'v2', weight: 10 }] }],
    });
    expect(() => synth(chart)).toThrow(
      "[routes/reviews] 'routes[0].destinations[0].subset' names subset 'v1', which no DestinationRule defines for host 'reviews' (defined: none)");
  });

  test('throws if weights sum to 110', () => {
    const { bookinfo, scenario } = bookinfoApp();
    expect(() => new ServiceRoute(scenario, 'reviews', {
      service: bookinfo.reviews,
      routes: [{ destinations: [{ subset: 'v1', weight: 90 }, { subset: 'v2', weight: 20 }] }],
    })).toThrow("'routes[0].destinations' weights must sum to 100, got 110 (v1=90, v2=20)");
  });

  test('throws if a weight is not an integer', () => {
    const { bookinfo, scenario } = bookinfoApp();
    expect(() => new ServiceRoute(scenario, 'reviews', {
      service: bookinfo.reviews,
      routes: [{ destinations: [{ subset: 'v1', weight: 99.5 }, { subset: 'v2', weight: 0.5 }] }],
    })).toThrow("'routes[0].destinations[0].weight' must be an integer between 0 and 100, got 99.5");
  });

  test('throws if one of several destinations has no weight', () => {
    const { bookinfo, scenario } = bookinfoApp();
    expect(() => new ServiceRoute(scenario, 'reviews', {
      service: bookinfo.reviews,
      routes: [{ destinations: [{ subset: 'v1', weight: 100 }, { subset: 'v2' }] }],
    })).toThrow("'routes[0].destinations[1].weight' is required when a route has several destinations");
  });

  test('throws if a catch-all route is not last', () => {
    const { bookinfo, scenario } = bookinfoApp();
    expect(() => new ServiceRoute(scenario, 'reviews', {
      service: bookinfo.reviews,
      routes: [{ destinations: [{ subset: 'v1' }] }, { matches: [HttpMatch.uriPrefix('/')], destinations: [{ subset: 'v2' }] }],
    })).toThrow("'routes[0]' has no matches, so the routes after it are unreachable");
  });

  test('throws if there are no routes', () => {
    const { bookinfo, scenario } = bookinfoApp();
    expect(() => new ServiceRoute(scenario, 'reviews', { service: bookinfo.reviews, routes: [] }))
      .toThrow("'routes' must hold at least one route for host 'reviews'");
  });

  test('throws if two blocks give one host two default routes, naming both', () => {
    const { bookinfo, scenario } = bookinfoApp();
    new Canary(scenario, 'canary', { service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    expect(() => new ServiceRoute(scenario, 'pinned', { service: bookinfo.reviews, routes: [{ destinations: [{ subset: 'v1' }] }] })).toThrow(
      "host 'reviews' gets two default routes (two weight splits or subsets for every request) from scenario/canary and scenario/pinned");
  });

  test('throws if two blocks name the host\'s VirtualService differently', () => {
    const { bookinfo, scenario } = bookinfoApp();
    new Canary(scenario, 'canary', { service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    expect(() => new ServiceRoute(scenario, 'pinned', { service: bookinfo.reviews, name: 'reviews-pinned', routes: [{ destinations: [{ subset: 'v1' }] }] }))
      .toThrow("host 'reviews' gets two names for its VirtualService ('reviews' and 'reviews-pinned') from scenario/canary and scenario/pinned");
  });

  test('fails if a hand-written VirtualService routes the same host in one chart, blaming the block and the object', () => {
    const { bookinfo, scenario } = bookinfoApp();
    new Canary(scenario, 'canary', { service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    new VirtualService(scenario, 'by-hand', { metadata: { name: 'reviews-by-hand', namespace: 'bookinfo' }, spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] } });
    expect(() => synth(scenario)).toThrow(
      "[scenario/canary] host 'reviews' is routed by two VirtualServices in chart 'scenario' (scenario/canary and scenario/by-hand)");
  });

  test('the same host in two charts is fine: scenario charts are alternatives', () => {
    const { app, bookinfo, scenario } = bookinfoApp();
    new Canary(scenario, 'canary', { service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    new Canary(new Chart(app, 'other'), 'canary', { service: bookinfo.reviews, stable: 'v1', canary: 'v3', canaryWeight: 50 });
    expect(() => app.synthYaml()).not.toThrow();
  });
});

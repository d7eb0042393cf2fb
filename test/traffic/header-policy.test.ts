import { Chart, Testing } from 'cdk8s';
import { Canary, Delivery, HeaderPolicy, HttpMatch, MeshService, ServiceRoute, ServiceSubsets, TrafficApi, useTrafficApi } from '../../lib';
import { Analyzer } from '../../lib/analyze/analyzer';
import { oneWorkloadBookinfo } from './delivery/fixtures';
import { find, manifestsOf, synth } from '../util';

function frontend(api = TrafficApi.ISTIO) {
  const chart = new Chart(Testing.app(), 'shop');
  useTrafficApi(chart, api);
  const service = MeshService.fromHost('frontend', { namespace: 'shop', port: 80 });
  return { chart, service };
}

const SECURITY_HEADERS = { set: { 'x-frame-options': 'DENY' }, remove: ['server'] };

describe('HeaderPolicy', () => {
  test('sets, adds and removes headers on every route of the host, in Istio\'s spelling', () => {
    // GIVEN
    const { chart, service } = frontend();
    // WHEN
    new HeaderPolicy(chart, 'headers', { service, request: { add: { 'x-team': 'shop' } }, response: SECURITY_HEADERS });
    // THEN
    const manifests = synth(chart);
    const vs = find(manifests, 'VirtualService', 'frontend');
    expect(vs.spec.http).toEqual([{
      route: [{ destination: { host: 'frontend' } }],
      headers: { request: { add: { 'x-team': 'shop' } }, response: { set: { 'x-frame-options': 'DENY' }, remove: ['server'] } },
    }]);
    // the API server's schema and istiod's webhook accept the object (CI1xx)
    expect(new Analyzer().analyze(manifestsOf(chart)).filter(f => f.code.startsWith('CI1'))).toEqual([]);
    expect(vs).toMatchSnapshot();
  });

  test('with the Gateway API, header modifier filters of each rule', () => {
    const { chart, service } = frontend(TrafficApi.GATEWAY_API);
    new HeaderPolicy(chart, 'headers', { service, request: { add: { 'x-team': 'shop' } }, response: SECURITY_HEADERS });
    const rule = find(synth(chart), 'HTTPRoute', 'frontend').spec.rules[0];
    expect(rule.filters).toEqual([
      { type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-team', value: 'shop' }] } },
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-frame-options', value: 'DENY' }], remove: ['server'] } },
    ]);
    // the API server's schema and istiod's webhook accept the object (CI1xx)
    expect(new Analyzer().analyze(manifestsOf(chart)).filter(f => f.code.startsWith('CI1'))).toEqual([]);
  });

  test('a host Flagger delivers gets them in the Canary\'s service.headers', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger() });
    new HeaderPolicy(chart, 'headers', { service: bookinfo.reviews, response: SECURITY_HEADERS });
    expect(find(synth(chart), 'Canary', 'reviews').spec.service.headers).toEqual({ response: { set: { 'x-frame-options': 'DENY' }, remove: ['server'] } });
  });

  test('one route\'s headers through ServiceRoute; a host-wide policy beside them conflicts, naming both', () => {
    const { chart, service } = frontend();
    new ServiceRoute(chart, 'routes', {
      service,
      routes: [
        { matches: [HttpMatch.uriPrefix('/api')], destinations: [{}], headers: { request: { set: { 'x-api': '1' } } } },
        { destinations: [{}] },
      ],
    });
    const http = find(synth(chart), 'VirtualService', 'frontend').spec.http;
    expect(http.map((r: any) => r.headers)).toEqual([{ request: { set: { 'x-api': '1' } } }, undefined]);
    expect(() => new HeaderPolicy(chart, 'headers', { service, response: SECURITY_HEADERS }))
      .toThrow("host 'frontend' gets two header policies from shop/routes and shop/headers");
  });

  test.each([
    [{}, "one of 'request' or 'response' must be set: a header policy without changes does nothing"],
    [{ response: {} }, "'response' must set, add or remove at least one header"],
    [{ response: { set: { 'x-a': '' } } }, "'response.set' gives header 'x-a' an empty value; remove it with 'response.remove' instead"],
    [{ request: { set: { 'bad header': 'v' } } }, "'request' names header 'bad header', which is not a header name"],
    [{ response: { set: { Server: 'x' }, remove: ['server'] } }, "'response' changes header 'server' twice (header names are case-insensitive): set, add or remove it once"],
  ])('throws if %j', (props, message) => {
    const { chart, service } = frontend();
    expect(() => new HeaderPolicy(chart, 'headers', { service, ...props })).toThrow(message);
  });
});

describe('a plain route to a host without subsets', () => {
  test.each([TrafficApi.ISTIO, TrafficApi.GATEWAY_API])('routes to the service itself (%s)', api => {
    const { chart, service } = frontend(api);
    new ServiceRoute(chart, 'route', { service, routes: [{ destinations: [{}] }] });
    const manifests = synth(chart);
    if (api === TrafficApi.ISTIO) {
      expect(find(manifests, 'VirtualService', 'frontend').spec.http).toEqual([{ route: [{ destination: { host: 'frontend' } }] }]);
    } else {
      expect(find(manifests, 'HTTPRoute', 'frontend').spec.rules[0].backendRefs).toEqual([{ name: 'frontend', port: 80 }]);
    }
    expect(manifests.filter(m => m.kind === 'DestinationRule')).toEqual([]);
  });

  test('throws if a weighted split names no subset', () => {
    const { chart, service } = frontend();
    new ServiceSubsets(chart, 'subsets', { service, subsets: ['v1'] });
    expect(() => new ServiceRoute(chart, 'route', { service, routes: [{ destinations: [{ subset: 'v1', weight: 50 }, { weight: 50 }] }] }))
      .toThrow("'routes[0].destinations[1].subset' is required when a route has several destinations: a weighted split is between subsets");
  });
});

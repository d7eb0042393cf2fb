import { Chart, Duration, Testing } from 'cdk8s';
import { Canary, CorsPolicy, Delivery, HttpMatch, MeshService, ServiceRoute, StringMatch, TrafficApi, useTrafficApi } from '../../lib';
import { Analyzer } from '../../lib/analyze/analyzer';
import { oneWorkloadBookinfo } from './delivery/fixtures';
import { find, manifestsOf, synth } from '../util';

function api(family = TrafficApi.ISTIO) {
  const chart = new Chart(Testing.app(), 'shop');
  useTrafficApi(chart, family);
  return { chart, service: MeshService.fromHost('api', { namespace: 'shop', port: 80 }) };
}

const SHOP = StringMatch.exact('https://shop.example.com');

describe('CorsPolicy', () => {
  test('allowed origins, methods, headers and the preflight\'s lifetime on every route, in Istio\'s spelling', () => {
    // GIVEN
    const { chart, service } = api();
    // WHEN
    new CorsPolicy(chart, 'cors', {
      service, allowOrigins: [SHOP, StringMatch.regex('https://.*\\.example\\.com')], allowMethods: ['GET', 'POST'],
      allowHeaders: ['authorization'], exposeHeaders: ['x-request-id'], maxAge: Duration.hours(1), allowCredentials: true,
    });
    // THEN
    const vs = find(synth(chart), 'VirtualService', 'api');
    expect(vs.spec.http[0].corsPolicy).toEqual({
      allowOrigins: [{ exact: 'https://shop.example.com' }, { regex: 'https://.*\\.example\\.com' }],
      allowMethods: ['GET', 'POST'], allowHeaders: ['authorization'], exposeHeaders: ['x-request-id'], maxAge: '3600s', allowCredentials: true,
    });
    // the API server's schema and istiod's webhook accept it
    expect(new Analyzer().analyze(manifestsOf(chart)).filter(f => f.code.startsWith('CI1'))).toEqual([]);
    expect(vs).toMatchSnapshot();
  });

  test('one route\'s CORS through ServiceRoute', () => {
    const { chart, service } = api();
    new ServiceRoute(chart, 'routes', { service, routes: [{ matches: [HttpMatch.uriPrefix('/public')], destinations: [{}], cors: { allowOrigins: [SHOP] } }, { destinations: [{}] }] });
    expect(find(synth(chart), 'VirtualService', 'api').spec.http.map((r: any) => r.corsPolicy)).toEqual([{ allowOrigins: [{ exact: 'https://shop.example.com' }] }, undefined]);
  });

  test('a host Flagger delivers gets it in the Canary\'s service.corsPolicy', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger() });
    new CorsPolicy(chart, 'cors', { service: bookinfo.reviews, allowOrigins: [SHOP] });
    expect(find(synth(chart), 'Canary', 'reviews').spec.service.corsPolicy).toEqual({ allowOrigins: [{ exact: 'https://shop.example.com' }] });
  });

  test('fails with the Gateway API, naming the way out', () => {
    const { chart, service } = api(TrafficApi.GATEWAY_API);
    expect(() => new CorsPolicy(chart, 'cors', { service, allowOrigins: [SHOP] }))
      .toThrow("a CORS policy has no Gateway API (HTTPRoute) form: shop/cors asks for it on host 'api'; keep the Istio API for this host");
  });

  test.each([
    [{ allowOrigins: [] }, "'allowOrigins' must hold at least one origin: a CORS policy that allows none changes nothing"],
    [{ allowOrigins: [SHOP], allowMethods: ['get'] }, "'allowMethods[0]' must be an HTTP method in uppercase, got 'get'"],
    [{ allowOrigins: [SHOP], allowHeaders: ['bad header'] }, "'allowHeaders[0]' must be a header name, got 'bad header'"],
    [{ allowOrigins: [SHOP], exposeHeaders: ['a,b'] }, "'exposeHeaders[0]' must be a header name, got 'a,b'"],
    [{ allowOrigins: [SHOP], maxAge: Duration.millis(0.5) }, "'maxAge' must be a positive whole number of milliseconds"],
    [{ allowOrigins: [StringMatch.exact('*')], allowCredentials: true }, "'allowCredentials' is true with the origin '*': browsers refuse credentials for any origin; name the origins"],
  ])('throws if %j', (props, message) => {
    const { chart, service } = api();
    expect(() => new CorsPolicy(chart, 'cors', { service, ...props })).toThrow(message);
  });
});

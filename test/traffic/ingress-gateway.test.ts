import { Testing } from 'cdk8s';
import { HttpMatch, IngressGateway, MeshService, TrafficApi, useTrafficApi } from '../../lib';
import { find } from '../util';

function web(): MeshService {
  return new MeshService({ host: 'web', namespace: 'shop', port: 8080, selector: { app: 'web' } });
}

describe('IngressGateway with Istio\'s APIs', () => {
  test('a Gateway on the default ingress gateway and a VirtualService bound to it', () => {
    // GIVEN an ingress for a web service
    const chart = Testing.chart();
    const ingress = new IngressGateway(chart, 'in', { name: 'edge', namespace: 'shop', service: web(), hosts: ['shop.example.com'], matches: [HttpMatch.uriPrefix('/')] });
    // THEN
    const manifests = Testing.synth(chart);
    expect(find(manifests, 'Gateway', 'edge')).toMatchObject({
      apiVersion: 'networking.istio.io/v1',
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }] },
    });
    expect(find(manifests, 'VirtualService', 'web').spec).toEqual({
      hosts: ['shop.example.com'], gateways: ['edge'],
      http: [{ match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'web', port: { number: 8080 } } }] }],
    });
    expect(ingress.gateway?.kind).toBe('Gateway');
    expect(ingress.kubernetesGateway).toBeUndefined();
    expect(ingress.virtualService?.name).toBe('web');
    expect(ingress.httpRoute).toBeUndefined();
    expect(ingress.ports).toEqual([8080]);
    expect(ingress.selector).toEqual({ istio: 'ingressgateway' });
  });

  test('tls adds an HTTPS server with the credential and redirects HTTP', () => {
    const chart = Testing.chart();
    new IngressGateway(chart, 'in', { name: 'edge', service: web(), matches: [HttpMatch.uriPrefix('/')], tls: { credentialName: 'shop-cert' } });
    expect(find(Testing.synth(chart), 'Gateway', 'edge').spec.servers).toEqual([
      { port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'], tls: { httpsRedirect: true } },
      { port: { number: 8443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: 'shop-cert' } },
    ]);
  });

  test.each([
    [{ matches: [] }, "'matches' must hold at least one match when set (leave it out to route every request): an ingress that routes nothing serves only 404s"],
    [{ name: 'Edge' }, "'name' must be a DNS label (lowercase letters, digits and '-', at most 63 characters), got 'Edge'"],
    [{ httpPort: 0 }, "'httpPort' must be an integer between 1 and 65535, got 0"],
    [{ tls: { credentialName: 'c', port: 8080 } }, "'tls.port' must differ from 'httpPort', got 8080 for both"],
  ])('throws on %p', (props, message) => {
    expect(() => new IngressGateway(Testing.chart(), 'in', { name: 'edge', service: web(), matches: [HttpMatch.uriPrefix('/')], ...props })).toThrow(message);
  });

  test('a service without a port: the route names none, and Istio picks the Service\'s only port', () => {
    const chart = Testing.chart();
    new IngressGateway(chart, 'in', { name: 'edge', service: MeshService.fromHost('web'), matches: [HttpMatch.uriPrefix('/')] });
    expect(find(Testing.synth(chart), 'VirtualService', 'web').spec.http[0].route).toEqual([{ destination: { host: 'web' } }]);
  });

  test('without matches, every request to the hosts goes to the service (a catch-all route)', () => {
    const chart = Testing.chart();
    const web = MeshService.fromHost('web', { namespace: 'shop', port: 80 });
    new IngressGateway(chart, 'in', { name: 'web', namespace: 'shop', service: web });
    expect(find(Testing.synth(chart), 'VirtualService', 'web').spec.http).toEqual([{ route: [{ destination: { host: 'web', port: { number: 80 } } }] }]);
  });

  test('with the Gateway API a backendRef must name the port', () => {
    const chart = Testing.chart();
    useTrafficApi(chart, TrafficApi.GATEWAY_API);
    expect(() => new IngressGateway(chart, 'in', { name: 'edge', service: MeshService.fromHost('web'), matches: [HttpMatch.uriPrefix('/')] }))
      .toThrow("[test/in] Gateway API routes name a Service port: set 'port' on the MeshService of host 'web'");
  });
});

describe('IngressGateway with the Gateway API', () => {
  test('a Gateway of class istio, an HTTPRoute on its https listener and a redirect on http', () => {
    // GIVEN a chart on the Gateway API
    const chart = Testing.chart();
    useTrafficApi(chart, TrafficApi.GATEWAY_API);
    const ingress = new IngressGateway(chart, 'in', { name: 'edge', namespace: 'shop', service: web(), hosts: ['shop.example.com'], matches: [HttpMatch.uriPrefix('/')], tls: { credentialName: 'shop-cert' } });
    // THEN each object is exposed typed as the Gateway API's
    expect(ingress.gateway).toBeUndefined();
    expect(ingress.virtualService).toBeUndefined();
    expect(ingress.kubernetesGateway?.toJson()).toMatchObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', spec: { gatewayClassName: 'istio' } });
    expect(ingress.httpRoute?.toJson().spec.parentRefs).toEqual([{ name: 'edge', sectionName: 'https' }]);
    expect(ingress.httpsRedirectRoute?.toJson().spec).toEqual({
      parentRefs: [{ name: 'edge', sectionName: 'http' }], hostnames: ['shop.example.com'],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
    expect(ingress.ports).toEqual([80, 443]);
    expect(ingress.identity?.principal).toBe('cluster.local/ns/shop/sa/edge-istio');
  });

  test('throws on a selector, which a Gateway of class istio has no use for', () => {
    const chart = Testing.chart();
    useTrafficApi(chart, TrafficApi.GATEWAY_API);
    expect(() => new IngressGateway(chart, 'in', { name: 'edge', service: web(), matches: [HttpMatch.uriPrefix('/')], selector: { istio: 'edge' } }))
      .toThrow("'selector' has no Gateway API form");
  });
});

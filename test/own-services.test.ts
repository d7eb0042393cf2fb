// A team's own app, as a user writes it: workloads from cdk8s-plus, the mesh from this library. Each
// mistake that would break traffic after `kubectl apply` fails synth, naming what the user wrote.
import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import {
  CircuitBreaker, HttpMatch, IngressGateway, MeshService, MtlsPolicy, RequestTimeout, Retries, RetryOn, ServiceSubsets, TrafficApi, useTrafficApi,
  WorkloadIdentity, ZeroTrust,
} from '../lib';

interface Shop {
  readonly app: App;
  readonly chart: Chart;
  readonly frontend: MeshService;
  readonly checkout: MeshService;
}

/** frontend (v1) and checkout (v1, v2), each a ServiceAccount, Deployments and a Service of cdk8s-plus. */
function shop(api: TrafficApi = TrafficApi.ISTIO): Shop {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  useTrafficApi(chart, api);
  const service = (name: string, versions: string[]) => {
    const account = new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name } });
    for (const version of versions) {
      new kplus.Deployment(chart, `${name}-${version}`, {
        metadata: { name: `${name}-${version}` }, serviceAccount: account, podMetadata: { labels: { app: name, version } },
        containers: [{ image: `registry.example.com/${name}:${version}`, portNumber: 8080 }],
      });
    }
    const svc = new kplus.Service(chart, name, { metadata: { name }, ports: [{ name: 'http', port: 8080 }] });
    svc.selectLabel('app', name);
    return MeshService.fromService(svc);
  };
  return { app, chart, frontend: service('frontend', ['v1']), checkout: service('checkout', ['v1', 'v2']) };
}

describe('your own services', () => {
  test('handles from the app\'s objects need no repeated strings, and the app synthesizes', () => {
    const { app, chart, frontend, checkout } = shop();
    new ServiceSubsets(chart, 'checkout-subsets', { service: checkout });
    new IngressGateway(chart, 'ingress', { name: 'shop', service: frontend, matches: [HttpMatch.uriPrefix('/')] });
    new ZeroTrust(chart, 'zero-trust', { namespace: 'shop', edges: [{ from: WorkloadIdentity.ingressGateway(), to: frontend }, { from: frontend, to: checkout }] });
    expect(() => app.synthYaml()).not.toThrow();
    expect(checkout.subsets).toEqual(['v1', 'v2']);
    expect(frontend.principal).toBe('cluster.local/ns/shop/sa/frontend');
  });

  test('fails if a handle\'s ServiceAccount is not what its pods run as (a typo), naming the handle and the Deployment', () => {
    const { app, chart, checkout } = shop();
    const typo = new MeshService({ host: 'frontend', namespace: 'shop', port: 8080, selector: { app: 'frontend' }, serviceAccount: 'frontnd' });
    new ZeroTrust(chart, 'zero-trust', { namespace: 'shop', edges: [{ from: typo, to: checkout }] });
    expect(() => app.synthYaml()).toThrow("[shop/zero-trust] MeshService 'frontend' says its pods run as ServiceAccount 'frontnd', but Deployment frontend-v1 "
      + "(shop/frontend-v1/Resource) runs as 'frontend': policies that admit it would refuse those pods' requests (403)");
  });

  test('fails if a handle\'s selector matches no pod while the Service selects the host\'s workloads', () => {
    const { app, chart } = shop();
    const typo = new MeshService({ host: 'checkout', namespace: 'shop', port: 8080, selector: { app: 'chekout' } });
    new ServiceSubsets(chart, 'subsets', { service: typo, subsets: ['v1'] });
    expect(() => app.synthYaml()).toThrow("[shop/subsets] MeshService 'checkout' selects app=chekout, which no pod of the app carries, while the host's workloads "
      + '(Deployment checkout-v1 (shop/checkout-v1/Resource), Deployment checkout-v2 (shop/checkout-v2/Resource)) are selected by app=checkout');
  });

  test('fails if a handle routes to a port its Service does not have', () => {
    const { app, chart } = shop();
    const wrong = new MeshService({ host: 'checkout', namespace: 'shop', port: 9090, selector: { app: 'checkout' } });
    new ServiceSubsets(chart, 'subsets', { service: wrong, subsets: ['v1'] });
    expect(() => app.synthYaml()).toThrow("[shop/subsets] MeshService 'checkout' routes to port 9090, which its Service (shop/checkout/Resource) does not have (ports: http 8080)");
  });

  test('fails if the ingress routes to a service the graph does not let the gateway call (the site would answer 403)', () => {
    const { app, chart, frontend, checkout } = shop();
    new IngressGateway(chart, 'ingress', { name: 'shop', service: frontend, matches: [HttpMatch.uriPrefix('/')] });
    new ZeroTrust(chart, 'zero-trust', { namespace: 'shop', edges: [{ from: frontend, to: checkout }] });
    expect(() => app.synthYaml()).toThrow("[shop/zero-trust] shop/ingress routes requests to 'frontend' as cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account, "
      + 'which this graph does not allow to call it');
  });

  test('fails if two blocks write one object (two MtlsPolicy for a namespace), saying which kubectl apply keeps', () => {
    const { app, chart } = shop();
    new MtlsPolicy(chart, 'mtls', { namespace: 'shop' });
    new MtlsPolicy(chart, 'mtls-again', { namespace: 'shop' });
    expect(() => app.synthYaml()).toThrow("[shop] PeerAuthentication shop/default is defined 2 times in chart 'shop' (shop/mtls/Resource, shop/mtls-again/Resource): "
      + 'kubectl apply keeps the last, shop/mtls-again/Resource');
  });

  test.each([TrafficApi.ISTIO, TrafficApi.GATEWAY_API])('throws, with %s, if retries cannot fit the timeout', api => {
    const { chart, checkout } = shop(api);
    new ServiceSubsets(chart, 'subsets', { service: checkout });
    new RequestTimeout(chart, 'timeout', { service: checkout, timeout: Duration.seconds(1) });
    expect(() => new Retries(chart, 'retries', { service: checkout, attempts: 3, perTryTimeout: Duration.millis(500), retryOn: [RetryOn.GATEWAY_ERROR] }))
      .toThrow("host 'checkout' gets retries from shop/retries (3 attempts × 0.5s per try = 1.5s) and a timeout of 1s from shop/timeout");
  });

  test('throws on outlier detection that ejects nothing and on retry settings beside attempts 0', () => {
    const { chart, checkout } = shop();
    expect(() => new CircuitBreaker(chart, 'breaker', { service: checkout, outlierDetection: { consecutive5xxErrors: 0 } }))
      .toThrow("'outlierDetection.consecutive5xxErrors' is 0 and 'consecutiveGatewayErrors' is not set");
    expect(() => new Retries(chart, 'retries', { service: checkout, attempts: 0, perTryTimeout: Duration.millis(100) }))
      .toThrow("'attempts' is 0, which disables retries, but 'perTryTimeout' is set");
  });
});

import { Testing } from 'cdk8s';
import { VirtualServiceSpecHttpRoute } from '../imports/networking.istio.io';
import {
  BlueGreenChart, BookinfoChart, CanaryByHeaderChart, CanaryChart, FaultyTimeoutChart,
  JwtEdgeChart, MtlsStrictChart, TelemetryChart, ZeroTrustChart,
} from '../lib';
import { find, synth } from './util';

// The tutorial's app, built as main.ts builds it but without writing dist/.
function tutorial() {
  const app = Testing.app();
  const { bookinfo } = new BookinfoChart(app, 'bookinfo');
  return {
    app,
    bookinfo: app.charts[0],
    blueGreen: new BlueGreenChart(app, 'blue-green', { bookinfo }),
    canary: new CanaryChart(app, 'canary', { bookinfo }),
    canaryByHeader: new CanaryByHeaderChart(app, 'canary-by-header', { bookinfo }),
    faultyTimeout: new FaultyTimeoutChart(app, 'faulty-timeout', { bookinfo }),
    mtlsStrict: new MtlsStrictChart(app, 'mtls-strict', { bookinfo }),
    zeroTrust: new ZeroTrustChart(app, 'zero-trust', { bookinfo }),
    jwtEdge: new JwtEdgeChart(app, 'jwt-edge'),
    telemetry: new TelemetryChart(app, 'telemetry'),
  };
}

function routesOf(vs: any): Array<[string, number | undefined]> {
  return vs.spec.http.flatMap((h: any) => h.route.map((r: any) => [r.destination.subset, r.weight]));
}

describe('tutorial scenarios', () => {
  test('bookinfo: namespace, 4 services, 6 deployments, 4 DestinationRules and the ingress', () => {
    const manifests = synth(tutorial().bookinfo);
    const count = (kind: string) => manifests.filter(m => m.kind === kind).length;
    expect([count('Namespace'), count('Service'), count('ServiceAccount'), count('Deployment'), count('DestinationRule'), count('Gateway'), count('VirtualService')])
      .toEqual([1, 4, 4, 6, 4, 1, 1]);
    expect(manifests.filter(m => m.kind !== 'Namespace').every(m => m.metadata.namespace === 'bookinfo')).toBe(true);
    expect(manifests).toMatchSnapshot();
  });

  test('blue-green: reviews 100% v1', () => {
    const manifests = synth(tutorial().blueGreen);
    expect(manifests).toHaveLength(1);
    expect(routesOf(find(manifests, 'VirtualService', 'reviews'))).toEqual([['v1', undefined]]);
    expect(manifests).toMatchSnapshot();
  });

  test('canary: reviews 90% v1 / 10% v2', () => {
    const manifests = synth(tutorial().canary);
    expect(routesOf(find(manifests, 'VirtualService', 'reviews'))).toEqual([['v1', 90], ['v2', 10]]);
    expect(manifests).toMatchSnapshot();
  });

  test('canary-by-header: iPhone user agents to v2, everyone else to v1', () => {
    const manifests = synth(tutorial().canaryByHeader);
    const http = find(manifests, 'VirtualService', 'reviews').spec.http;
    expect(http[0].match).toEqual([{ headers: { 'user-agent': { regex: '.*iPhone.*' } } }]);
    expect(http[0].route.map((r: any) => r.destination.subset)).toEqual(['v2']);
    expect(http[1].route.filter((r: any) => r.weight > 0).map((r: any) => r.destination.subset)).toEqual(['v1']);
    expect(manifests).toMatchSnapshot();
  });

  test('faulty-timeout: ratings v1 delayed 2s for 100% of requests, reviews v2 with a 0.5s timeout', () => {
    const manifests = synth(tutorial().faultyTimeout);
    const ratings = find(manifests, 'VirtualService', 'ratings').spec.http[0];
    expect(ratings.fault.delay).toEqual({ fixedDelay: '2s', percentage: { value: 100 } });
    expect(ratings.route[0].destination).toEqual({ host: 'ratings', subset: 'v1' });
    const reviews = find(manifests, 'VirtualService', 'reviews').spec.http[0];
    expect(reviews.timeout).toBe('0.5s');
    expect(reviews.route[0].destination).toEqual({ host: 'reviews', subset: 'v2' });
    expect(manifests).toMatchSnapshot();
  });

  test('mtls-strict: PeerAuthentication default in bookinfo, STRICT', () => {
    const manifests = synth(tutorial().mtlsStrict);
    expect(manifests.map(m => [m.kind, m.metadata.namespace, m.metadata.name, m.spec.mtls.mode])).toEqual([['PeerAuthentication', 'bookinfo', 'default', 'STRICT']]);
    expect(manifests).toMatchSnapshot();
  });

  test('zero-trust: allow-nothing plus one ALLOW policy per callee of the Bookinfo graph', () => {
    const manifests = synth(tutorial().zeroTrust);
    expect(manifests.map(m => m.metadata.name)).toEqual(['allow-nothing', 'allow-productpage', 'allow-details', 'allow-reviews', 'allow-ratings']);
    expect(manifests.every(m => m.metadata.namespace === 'bookinfo')).toBe(true);
    expect(manifests).toMatchSnapshot();
  });

  test('jwt-edge: RequestAuthentication and require-JWT policy on the ingress gateway', () => {
    const manifests = synth(tutorial().jwtEdge);
    expect(manifests.map(m => [m.kind, m.metadata.namespace])).toEqual([['RequestAuthentication', 'istio-system'], ['AuthorizationPolicy', 'istio-system']]);
    expect(manifests[0].spec.jwtRules[0].jwksUri).toMatch(/^https:\/\//);
    expect(manifests).toMatchSnapshot();
  });

  test('telemetry: mesh-wide Prometheus, error access logs, 10% tracing', () => {
    const manifests = synth(tutorial().telemetry);
    const spec = find(manifests, 'Telemetry', 'mesh-default').spec;
    expect([spec.metrics[0].providers[0].name, spec.accessLogging[0].filter.expression, spec.tracing[0].randomSamplingPercentage])
      .toEqual(['prometheus', 'response.code >= 400', 10]);
    expect(manifests).toMatchSnapshot();
  });

  test('the whole app synthesizes deterministically', () => {
    expect(tutorial().app.synthYaml()).toEqual(tutorial().app.synthYaml());
  });

  test("the tutorial's weight under destination does not type-check", () => {
    const route: VirtualServiceSpecHttpRoute = {
      // @ts-expect-error weight belongs beside destination, not inside it
      destination: { host: 'reviews', subset: 'v2', weight: 10 },
    };
    expect(route.destination.host).toBe('reviews');
  });
});

import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { BookinfoApp, DataplaneMode, HttpMatch, MeshService, RateLimit, StringMatch, TrafficApi, useTrafficApi } from '../../lib';
import { Analyzer } from '../../lib/analyze/analyzer';
import { parseManifests } from '../../lib/analyze/read/manifest';
import { SHARED } from '../fixtures';
import { find, manifestsOf, synth } from '../util';

function productpage() {
  const chart = new Chart(Testing.app(), 'bookinfo');
  const bookinfo = new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo' });
  return { chart, bookinfo };
}

/** The token buckets of a local rate limit EnvoyFilter: the workload's, then each descriptor's with its header matchers. */
function limits(filter: any) {
  const route = filter.spec.configPatches.find((p: any) => p.applyTo === 'HTTP_ROUTE').patch.value;
  const config = route.typed_per_filter_config['envoy.filters.http.local_ratelimit'];
  const matchers = new Map<string, unknown>((route.route?.rate_limits ?? []).flatMap((l: any) => l.actions)
    .filter((a: any) => a.header_value_match).map((a: any) => [a.header_value_match.descriptor_value, a.header_value_match.headers.map((h: any) => [h.name, h.string_match])]));
  return {
    workload: config.token_bucket,
    routes: (config.descriptors ?? []).map((d: any) => ({ bucket: d.token_bucket, matches: matchers.get(d.entries[0].value) })),
  };
}

describe('RateLimit', () => {
  test('Istio\'s local rate limit sample: 100 requests a minute for productpage, 10 on /productpage', () => {
    // GIVEN
    const { chart, bookinfo } = productpage();
    // WHEN
    new RateLimit(chart, 'limit', { service: bookinfo.productpage, requests: 100, routes: [{ match: HttpMatch.uriPrefix('/productpage'), requests: 10 }] });
    // THEN
    const filter = find(synth(chart), 'EnvoyFilter', 'productpage-local-ratelimit');
    expect(filter.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(filter.metadata.namespace).toBe('bookinfo');
    expect(filter.spec.workloadSelector).toEqual({ labels: { app: 'productpage' } });
    expect(limits(filter)).toEqual({
      workload: { max_tokens: 100, tokens_per_fill: 100, fill_interval: '60s' },
      routes: [{ bucket: { max_tokens: 10, tokens_per_fill: 10, fill_interval: '60s' }, matches: [[':path', { prefix: '/productpage' }]] }],
    });
    expect(filter).toMatchSnapshot();
  });

  test('sets the limits of the upstream sample, on every inbound route of the workload (where the sample names a vhost of port 8000)', () => {
    const upstream = YAML.parse(fs.readFileSync(path.join(SHARED, 'real-world', 'istio-samples-ratelimit', 'local-rate-limit-service.yaml'), 'utf8'));
    const { chart, bookinfo } = productpage();
    new RateLimit(chart, 'limit', { service: bookinfo.productpage, requests: 100, routes: [{ match: HttpMatch.uriPrefix('/productpage'), requests: 10 }] });
    const ours = find(synth(chart), 'EnvoyFilter', 'productpage-local-ratelimit');
    const theirs = limits(upstream);
    // the same buckets; the sample's path match ignores case, an HttpMatch (as Istio's uri matches) does not
    expect(limits(ours).workload).toEqual(theirs.workload);
    expect(limits(ours).routes.map((r: any) => r.bucket)).toEqual(theirs.routes.map((r: any) => r.bucket));
    expect((theirs.routes[0].matches as any)[0]).toEqual([':path', { prefix: '/productpage', ignore_case: true }]);
    expect(ours.spec.workloadSelector).toEqual(upstream.spec.workloadSelector);
    // the sample's route patch matches vhost inbound|http|8000, which productpage (9080) has not: ours matches every inbound vhost
    expect(upstream.spec.configPatches[1].match.routeConfiguration.vhost.name).toBe('inbound|http|8000');
    expect(ours.spec.configPatches[1].match.routeConfiguration.vhost).toEqual({ route: { action: 'ANY' } });
  });

  test('the analyzer accepts it: schema, istiod\'s webhook (which warns on any EnvoyFilter), and no order-dependent patch (INSERT_FIRST, not the sample\'s INSERT_BEFORE)', () => {
    const { chart, bookinfo } = productpage();
    new RateLimit(chart, 'limit', { service: bookinfo.productpage, requests: 100, routes: [{ match: HttpMatch.header('x-tier', StringMatch.regex('free|trial')), requests: 5, interval: Duration.seconds(10) }] });
    // istiod's webhook warns on every EnvoyFilter (CI105): there is no other API for rate limiting
    expect(new Analyzer().analyze(manifestsOf(chart)).filter(f => f.severity !== 'info').map(f => f.code)).toEqual(['CI105']);
    const upstream = fs.readFileSync(path.join(SHARED, 'real-world', 'istio-samples-ratelimit', 'local-rate-limit-service.yaml'), 'utf8');
    expect(new Analyzer().analyze(parseManifests('sample.yaml', upstream).manifests).map(f => f.code)).toContain('CI235');
    expect(limits(find(synth(chart), 'EnvoyFilter', 'productpage-local-ratelimit')).routes[0]).toEqual({
      bucket: { max_tokens: 5, tokens_per_fill: 5, fill_interval: '10s' }, matches: [['x-tier', { safe_regex: { regex: 'free|trial' } }]],
    });
  });

  test.each([
    [{ requests: 0 }, "'requests' must be an integer between 1 and 1000000000, got 0"],
    [{ requests: 10, interval: Duration.millis(20) }, "'interval' must be at least 50 ms (Envoy refuses a shorter fill interval), got 20 millis"],
    [{ requests: 10, routes: [{ match: HttpMatch.uriPrefix('/a'), requests: 2.5 }] }, "'routes[0].requests' must be an integer between 1 and 1000000000, got 2.5"],
    [{ requests: 10, name: 'Limit' }, "'name' must be a DNS label"],
  ])('throws if %j', (props, message) => {
    const { chart, bookinfo } = productpage();
    expect(() => new RateLimit(chart, 'limit', { service: bookinfo.productpage, ...props })).toThrow(message);
  });

  test('throws if the service has no selector to pick its workloads by', () => {
    const { chart } = productpage();
    expect(() => new RateLimit(chart, 'limit', { service: MeshService.fromHost('api', { namespace: 'shop' }), requests: 10 }))
      .toThrow("'service' is 'api', whose handle has no selector: the rate limit applies at its workloads' sidecars, which the selector picks");
  });
});

describe('RateLimit in ambient mode', () => {
  test('fails synth: an EnvoyFilter on sidecars applies to nothing where pods have none', () => {
    const chart = new Chart(Testing.app(), 'ambient');
    const bookinfo = new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo-ambient', dataplaneMode: DataplaneMode.AMBIENT });
    new RateLimit(chart, 'limit', { service: bookinfo.productpage, requests: 100 });
    expect(() => synth(chart)).toThrow("namespace 'bookinfo-ambient' is in ambient mode (its Namespace is labelled istio.io/dataplane-mode=ambient), where pods have no sidecar: the rate limit is an EnvoyFilter on the sidecars of 'productpage' and would apply to nothing");
  });
});

describe('RateLimit at an ingress gateway', () => {
  test('Istio\'s ingress gateway in the root namespace, by its selector, in the GATEWAY context', () => {
    const { chart, bookinfo } = productpage();
    new RateLimit(chart, 'edge-limit', { ingress: bookinfo.ingress!, requests: 1000, routes: [{ match: HttpMatch.uriPrefix('/api'), requests: 100 }] });
    const filter = find(synth(chart), 'EnvoyFilter', 'bookinfo-gateway-local-ratelimit');
    expect([filter.metadata.namespace, filter.spec.workloadSelector]).toEqual(['istio-system', { labels: { istio: 'ingressgateway' } }]);
    expect(filter.spec.configPatches.map((p: any) => p.match.context)).toEqual(['GATEWAY', 'GATEWAY']);
    expect(limits(filter).workload.max_tokens).toBe(1000);
    expect(new Analyzer().analyze(manifestsOf(chart)).filter(f => f.severity !== 'info').map(f => f.code)).toEqual(['CI105']);
  });

  test('a Gateway API gateway\'s own proxy in its namespace, by the gateway-name label', () => {
    const chart = new Chart(Testing.app(), 'ambient');
    useTrafficApi(chart, TrafficApi.GATEWAY_API);
    const bookinfo = new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo' });
    new RateLimit(chart, 'edge-limit', { ingress: bookinfo.ingress!, requests: 1000 });
    const filter = find(synth(chart), 'EnvoyFilter', 'bookinfo-gateway-local-ratelimit');
    expect([filter.metadata.namespace, filter.spec.workloadSelector]).toEqual(['bookinfo', { labels: { 'gateway.networking.k8s.io/gateway-name': 'bookinfo-gateway' } }]);
  });

  test('throws if both or neither of service and ingress are set', () => {
    const { chart, bookinfo } = productpage();
    expect(() => new RateLimit(chart, 'a', { service: bookinfo.productpage, ingress: bookinfo.ingress!, requests: 1 })).toThrow("one of 'service' or 'ingress' must be set, got both");
    expect(() => new RateLimit(chart, 'b', { requests: 1 })).toThrow("one of 'service' or 'ingress' must be set, got neither");
  });
});

import { Chart, JsonPatch, Testing } from 'cdk8s';
import { CircuitBreaker, extensions, gatewayApi, MeshService, networking, security, telemetry, useTrafficApi, TrafficApi, Canary, ServiceSubsets } from '../lib';
import { Analyzer } from '../lib/analyze/analyzer';
import * as TABLE from '../lib/analyze/schema/crd-schemas.json';
import { everyKind, specMismatches } from './consumer/every-kind';
import { find, manifestsOf, synth } from './util';

const NAMESPACES: Record<string, object> = {
  'networking.istio.io': networking,
  'security.istio.io': security,
  'telemetry.istio.io': telemetry,
  'extensions.istio.io': extensions,
  'gateway.networking.k8s.io': gatewayApi,
  'gateway.networking.x-k8s.io': gatewayApi,
};

/** Every kind of the pinned bundles (the analyzer's schema table, drift-checked against them) with its newest served, non-deprecated version. */
const KINDS = Object.values((TABLE as any).kinds as Record<string, { group: string; kind: string; deprecated: string[]; variants: Array<{ versions: string[] }> }>)
  .map(k => ({ group: k.group, kind: k.kind, newest: newestVersion(k.variants.flatMap(v => v.versions).filter(v => !k.deprecated.includes(v))) }));

function newestVersion(versions: string[]): string {
  const rank = (v: string) => {
    const [, major, stage, minor] = /^v(\d+)(alpha|beta)?(\d+)?$/.exec(v)!;
    return Number(major) * 10000 + (stage === undefined ? 2 : stage === 'beta' ? 1 : 0) * 1000 + Number(minor ?? 0);
  };
  return [...versions].sort((a, b) => rank(b) - rank(a))[0];
}

describe('generated constructs', () => {
  test('every kind of the pinned Istio and Gateway API bundles is a class of its namespace, at its newest served version', () => {
    // GIVEN the 15 Istio and 12 Gateway API kinds
    expect(KINDS.filter(k => k.group.endsWith('istio.io'))).toHaveLength(15);
    expect(KINDS.filter(k => k.group.includes('gateway.networking'))).toHaveLength(12);
    for (const { group, kind, newest } of KINDS) {
      // THEN each is exported under its group's namespace with its own name
      const cls = (NAMESPACES[group] as any)[kind];
      expect([group, kind, typeof cls]).toEqual([group, kind, 'function']);
      expect(cls.GVK).toEqual({ apiVersion: `${group}/${newest}`, kind });
    }
  });

  test('one object of every kind synthesizes its spec exactly as written', () => {
    const chart = Testing.chart();
    const cases = everyKind(chart);
    const covered = new Set(cases.map(c => `${c.object.apiVersion.split('/')[0]}/${c.object.kind}`));
    expect([...covered].sort()).toEqual(KINDS.map(k => `${k.group}/${k.kind}`).sort());
    expect(specMismatches(cases)).toEqual([]);
  });

  test('a spec that differs from what synthesizes is reported, so the round trip can fail', () => {
    const chart = Testing.chart();
    const object = new networking.Sidecar(chart, 'web', { spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } });
    expect(specMismatches([{ object, spec: { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } } }])).toHaveLength(1);
  });

  test('keys reach the YAML in upstream spelling, and nothing is added', () => {
    const chart = Testing.chart();
    everyKind(chart);
    const manifests = synth(chart);
    const rule = find(manifests, 'DestinationRule', 'web');
    expect(rule.spec.trafficPolicy.outlierDetection).toEqual({ consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s' });
    expect(rule.spec.trafficPolicy.connectionPool.http).toEqual({ h2UpgradePolicy: 'UPGRADE' });
    expect(rule.spec.trafficPolicy.tls).toEqual({ mode: 'ISTIO_MUTUAL' });
    const filter = find(manifests, 'EnvoyFilter', 'web-ratelimit');
    expect(Object.keys(filter.spec.configPatches[0].patch.value.typed_config).sort()).toEqual(['@type', 'type_url', 'value']);
    expect(find(manifests, 'HTTPRoute', 'shop').spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/api' } }]);
    expect(Object.keys(find(manifests, 'Sidecar', 'web'))).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });

  test('enum members are named after their wire values, which are plain strings', () => {
    expect(networking.DestinationRuleSpecTrafficPolicyTlsMode.ISTIO_MUTUAL).toBe('ISTIO_MUTUAL');
    expect(networking.DestinationRuleSpecTrafficPolicyLoadBalancerSimple.ROUND_ROBIN).toBe('ROUND_ROBIN');
    expect(gatewayApi.HTTPRouteSpecRulesMatchesPathType.PATH_PREFIX).toBe('PathPrefix');
    const members = [networking, security, telemetry, extensions].flatMap(ns => Object.values(ns)
      .filter((v): v is Record<string, string> => typeof v === 'object' && v !== null)
      .flatMap(e => Object.entries(e)));
    expect(members.length).toBeGreaterThan(100);
    // Istio's wire values are UPPER_SNAKE already: each member is its value
    expect(members.filter(([member, value]) => member !== value && /^[A-Z0-9_]+$/.test(value))).toEqual([]);
    expect(members.filter(([member]) => member.includes('UNDERSCORE'))).toEqual([]);
  });

  test('a JSON patch on an escape hatch applies in Istio\'s spelling', () => {
    // GIVEN a circuit breaker's DestinationRule and a canary's VirtualService
    const chart = Testing.chart();
    const service = new MeshService({ host: 'reviews', namespace: 'shop' });
    new ServiceSubsets(chart, 'subsets', { service, subsets: ['v1', 'v2'] });
    const breaker = new CircuitBreaker(chart, 'breaker', { service, outlierDetection: { consecutive5xxErrors: 5 } });
    const canary = new Canary(chart, 'canary', { service, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    // WHEN patched with Istio's field names
    breaker.destinationRule.addJsonPatch(JsonPatch.replace('/spec/trafficPolicy/outlierDetection/consecutive5xxErrors', 7));
    const vs: networking.VirtualService | undefined = canary.virtualService;
    vs!.addJsonPatch(JsonPatch.add('/spec/http/0/mirrorPercentage', { value: 5 }));
    // THEN the YAML carries both
    const manifests = synth(chart);
    expect(find(manifests, 'DestinationRule', 'reviews').spec.trafficPolicy.outlierDetection.consecutive5xxErrors).toBe(7);
    expect(find(manifests, 'VirtualService', 'reviews').spec.http[0].mirrorPercentage).toEqual({ value: 5 });
  });

  test('a block exposes the route of the family it rendered, typed as that family\'s class', () => {
    const istio = Testing.chart();
    const service = new MeshService({ host: 'reviews', namespace: 'shop', port: 9080, selector: { app: 'reviews' } });
    new ServiceSubsets(istio, 'subsets', { service, subsets: ['v1', 'v2'] });
    const sidecars = new Canary(istio, 'canary', { service, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    expect(sidecars.virtualService?.kind).toBe('VirtualService');
    expect(sidecars.httpRoute).toBeUndefined();

    const ambient = Testing.chart();
    useTrafficApi(ambient, TrafficApi.GATEWAY_API);
    const ambientService = new MeshService({ host: 'reviews', namespace: 'shop', port: 9080, selector: { app: 'reviews' } });
    new ServiceSubsets(ambient, 'subsets', { service: ambientService, subsets: ['v1', 'v2'] });
    const waypoint = new Canary(ambient, 'canary', { service: ambientService, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    expect(waypoint.httpRoute?.kind).toBe('HTTPRoute');
    expect(waypoint.virtualService).toBeUndefined();
    expect(waypoint.httpRoute?.toJson().apiVersion).toBe('gateway.networking.k8s.io/v1');
  });
});

describe('generated objects under the analyzer', () => {
  const analyzer = new Analyzer();

  test('the every-kind state passes the analyzer; istiod warns only that an EnvoyFilter is an EnvoyFilter', () => {
    const chart = new Chart(Testing.app(), 'every-kind');
    everyKind(chart);
    const findings = analyzer.analyze(manifestsOf(chart));
    expect(findings.map(f => `${f.code} ${f.object}`)).toEqual(['CI105 EnvoyFilter/shop/web-ratelimit']);
  });

  test('fails a generated object whose spec the API server would reject', () => {
    // GIVEN a Sidecar with a mode its CRD does not allow, written through the typed class
    const chart = new Chart(Testing.app(), 'bad');
    new networking.Sidecar(chart, 'web', { metadata: { name: 'web', namespace: 'shop' }, spec: { outboundTrafficPolicy: { mode: 'BLOCK' } } });
    // THEN the analyzer (as the plugin runs it at synth) names the field and the allowed values
    const findings = analyzer.analyze(manifestsOf(chart));
    expect(findings.filter(f => f.severity === 'error').map(f => f.message).join('\n')).toMatch(/outboundTrafficPolicy\.mode.*BLOCK.*ALLOW_ANY/s);
  });
});

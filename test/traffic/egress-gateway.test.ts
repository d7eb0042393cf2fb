import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { EgressGateway, TrafficApi, useTrafficApi } from '../../lib';
import { Analyzer } from '../../lib/analyze/analyzer';
import { SHARED } from '../fixtures';
import { find, manifestsOf, synth } from '../util';

/** The objects of istio.io's task files (`prefix`_N.yaml), by kind and then in file order. */
function task(folder: string, prefix: string): any[] {
  const dir = path.join(SHARED, 'real-world', folder);
  return fs.readdirSync(dir).filter(f => f.startsWith(prefix)).sort()
    .flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d => d.toJS()).filter(Boolean));
}

function cnn(api: TrafficApi, originateTls = false) {
  const chart = new Chart(Testing.app(), 'egress');
  useTrafficApi(chart, api);
  const egress = new EgressGateway(chart, 'cnn', { host: 'edition.cnn.com', namespace: 'default', name: 'cnn', originateTls });
  return { chart, egress, manifests: synth(chart) };
}

const of = (manifests: any[], kind: string) => manifests.filter(m => m.kind === kind && (m.apiVersion.startsWith('networking.istio.io') || kind === 'HTTPRoute' || m.apiVersion.startsWith('gateway.networking.k8s.io')));

describe('EgressGateway with Istio\'s APIs (istio.io\'s egress gateway tasks)', () => {
  test('HTTP: the task\'s ServiceEntry, Gateway, DestinationRule and two-hop VirtualService', () => {
    const upstream = task('istio.io-egress-gateway', 'egress_gateway_for_http_traffic').filter(m => m.apiVersion.startsWith('networking.istio.io'));
    const { manifests } = cnn(TrafficApi.ISTIO);
    // the same specs; the Gateway is named after the host (the task's istio-egressgateway would clash for a second host)
    const rename = (text: string) => text.replace(/istio-egressgateway(?!\.)/g, 'cnn-egressgateway');
    for (const kind of ['ServiceEntry', 'Gateway', 'DestinationRule', 'VirtualService']) {
      const theirs = JSON.parse(rename(JSON.stringify(of(upstream, kind).map(m => m.spec))));
      expect([kind, of(manifests, kind).map(m => m.spec)]).toEqual([kind, theirs.map((s: any) => kind === 'ServiceEntry' ? { ...s, ports: s.ports.slice(0, 1).map((p: any) => ({ ...p, name: 'http' })) } : kind === 'VirtualService' ? withoutWeights(s) : s)]);
    }
    expect(find(manifests, 'VirtualService', 'direct-cnn-through-egress-gateway').spec.gateways).toEqual(['cnn-egressgateway', 'mesh']);
  });

  test('TLS origination: mutual TLS to the gateway for the host\'s name, TLS from the gateway to port 443', () => {
    const upstream = task('istio.io-egress-tls-origination', 'perform_tls_origination_with_an_egress_gateway').filter(m => m.apiVersion.startsWith('networking.istio.io'));
    const { manifests } = cnn(TrafficApi.ISTIO, true);
    const theirGateway = of(upstream, 'Gateway')[0].spec;
    expect(find(manifests, 'Gateway', 'cnn-egressgateway').spec).toEqual(theirGateway);
    const hop = (m: any[]) => m.find(x => x.kind === 'DestinationRule' && x.spec.host.startsWith('istio-egressgateway')).spec.subsets[0].trafficPolicy.portLevelSettings;
    expect(hop(manifests)).toEqual(hop(upstream));
    const originate = (m: any[]) => m.find(x => x.kind === 'DestinationRule' && x.spec.host === 'edition.cnn.com').spec.trafficPolicy.portLevelSettings;
    expect(originate(manifests)).toEqual(originate(upstream));
    const second = (m: any[]) => of(m, 'VirtualService')[0].spec.http[1].route[0].destination;
    expect(second(manifests)).toEqual(second(upstream));
    // ours leaves the load balancer to Istio's default where the task pins ROUND_ROBIN
    expect(of(upstream, 'DestinationRule')[0].spec.subsets[0].trafficPolicy.loadBalancer).toEqual({ simple: 'ROUND_ROBIN' });
  });

  test.each([[false, []], [true, ['CI229']]])('the analyzer finds nothing wrong (originateTls %p) but, as for the task, a server verified by the system CAs', (originateTls, codes) => {
    const { chart } = cnn(TrafficApi.ISTIO, originateTls as boolean);
    expect(new Analyzer().analyze(manifestsOf(chart)).filter(f => f.severity !== 'info').map(f => f.code)).toEqual(codes);
  });
});

describe('EgressGateway with the Gateway API', () => {
  test('HTTP: a Gateway of class istio with a ClusterIP Service, and the task\'s two HTTPRoutes', () => {
    const upstream = task('istio.io-egress-gateway', 'egress_gateway_for_http_traffic').filter(m => m.apiVersion.startsWith('gateway.networking.k8s.io'));
    const { manifests } = cnn(TrafficApi.GATEWAY_API);
    expect(of(manifests, 'Gateway').map(m => [m.metadata.annotations, m.spec])).toEqual(of(upstream, 'Gateway').map(m => [m.metadata.annotations, m.spec]));
    expect(of(manifests, 'HTTPRoute').map(m => [m.metadata.name, m.spec])).toEqual(of(upstream, 'HTTPRoute').map(m => [m.metadata.name, m.spec]));
    expect(manifests.filter(m => m.kind === 'VirtualService')).toEqual([]);
  });

  test('TLS origination: the listener terminates mutual TLS, the gateway sends to port 443 with TLS', () => {
    const upstream = task('istio.io-egress-tls-origination', 'perform_tls_origination_with_an_egress_gateway').filter(m => m.apiVersion.startsWith('gateway.networking.k8s.io'));
    const { manifests } = cnn(TrafficApi.GATEWAY_API, true);
    expect(of(manifests, 'Gateway')[0].spec).toEqual(of(upstream, 'Gateway')[0].spec);
    expect(of(manifests, 'HTTPRoute').map(m => m.spec)).toEqual(of(upstream, 'HTTPRoute').map(m => m.spec));
    const hop = find(manifests, 'DestinationRule', 'egressgateway-for-cnn');
    // the task writes the FQDN in namespace default; ours is the short name, valid in any namespace
    expect(hop.spec.host).toBe('cnn-egress-gateway-istio');
    expect(hop.spec.trafficPolicy.portLevelSettings).toEqual([{ port: { number: 80 }, tls: { mode: 'ISTIO_MUTUAL', sni: 'edition.cnn.com' } }]);
  });

  test.each([[false, []], [true, ['CI229']]])('the analyzer finds nothing wrong with the Gateway API either (originateTls %p)', (originateTls, codes) => {
    const { chart } = cnn(TrafficApi.GATEWAY_API, originateTls as boolean);
    expect(new Analyzer().analyze(manifestsOf(chart)).filter(f => f.severity !== 'info').map(f => f.code)).toEqual(codes);
  });

  test('throws if the host is not a DNS name', () => {
    const chart = new Chart(Testing.app(), 'egress');
    expect(() => new EgressGateway(chart, 'x', { host: 'CNN' })).toThrow("'host' must be a fully qualified DNS name in lowercase (edition.cnn.com), got 'CNN'");
    expect(() => new EgressGateway(chart, 'y', { host: 'edition.cnn.com', name: 'CNN' })).toThrow("'name' must be a DNS label");
    expect(() => new EgressGateway(chart, 'z', { host: 'edition.cnn.com', namespace: 'Egress' })).toThrow("'namespace' must be a DNS label");
  });
});

/** The task writes `weight: 100` on single destinations; a single destination takes every request anyway. */
function withoutWeights(spec: any): any {
  return { ...spec, http: spec.http.map((r: any) => ({ ...r, route: r.route.map(({ weight: _weight, ...d }: any) => d) })) };
}

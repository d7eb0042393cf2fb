import { Chart, Testing } from 'cdk8s';
import { BookinfoApp, DataplaneMode, EgressScope, MeshService, OutboundPolicy, WorkloadIdentity, ZeroTrust } from '../../lib';
import { Analyzer } from '../../lib/analyze/analyzer';
import { find, manifestsOf, synth } from '../util';

function bookinfo() {
  const chart = new Chart(Testing.app(), 'bookinfo');
  const app = new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo' });
  return { chart, app };
}

const FQDN = (host: string) => `bookinfo/${host}.bookinfo.svc.cluster.local`;

describe('EgressScope', () => {
  test('Bookinfo\'s call graph: each caller reaches exactly what it calls and istio-system; the rest only istio-system; REGISTRY_ONLY', () => {
    // GIVEN
    const { chart, app } = bookinfo();
    // WHEN
    const scope = new EgressScope(chart, 'egress', { namespace: 'bookinfo', edges: app.callGraph() });
    new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo', edges: app.callGraph() });
    // THEN
    const manifests = synth(chart);
    const sidecar = (name: string) => find(manifests, 'Sidecar', name).spec;
    expect(sidecar('productpage')).toEqual({
      workloadSelector: { labels: { app: 'productpage' } },
      egress: [{ hosts: [FQDN('details'), FQDN('reviews'), 'istio-system/*'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect(sidecar('reviews').egress).toEqual([{ hosts: [FQDN('ratings'), 'istio-system/*'] }]);
    expect(sidecar('default')).toEqual({ egress: [{ hosts: ['istio-system/*'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    // the ingress gateway calls productpage but is no workload of the namespace: no Sidecar for it
    expect(manifests.filter(m => m.kind === 'Sidecar').map(m => m.metadata.name).sort()).toEqual(['default', 'productpage', 'reviews']);
    expect(Object.keys(scope.sidecars).sort()).toEqual(['productpage', 'reviews']);
    expect(find(manifests, 'Sidecar', 'default').apiVersion).toBe('networking.istio.io/v1');
    expect(new Analyzer().analyze(manifestsOf(chart)).filter(f => f.severity !== 'info')).toEqual([]);
    expect(manifests.filter(m => m.kind === 'Sidecar')).toMatchSnapshot();
  });

  test('without edges, the namespace\'s (or in istio-system the mesh\'s) default: every registry host, REGISTRY_ONLY or ALLOW_ANY', () => {
    const chart = new Chart(Testing.app(), 'mesh');
    new EgressScope(chart, 'mesh', { namespace: 'istio-system' });
    new EgressScope(chart, 'legacy', { namespace: 'legacy', outboundPolicy: OutboundPolicy.ALLOW_ANY });
    const manifests = synth(chart);
    expect(manifests.map(m => [m.metadata.namespace, m.spec])).toEqual([
      ['istio-system', { egress: [{ hosts: ['*/*'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }],
      ['legacy', { egress: [{ hosts: ['*/*'] }], outboundTrafficPolicy: { mode: 'ALLOW_ANY' } }],
    ]);
  });

  test('throws if a caller has no selector, or the outbound policy is not one Istio knows', () => {
    const { chart, app } = bookinfo();
    const api = MeshService.fromHost('api', { namespace: 'bookinfo', serviceAccount: 'api' });
    expect(() => new EgressScope(chart, 'a', { namespace: 'bookinfo', edges: [{ caller: api, to: app.details }] }))
      .toThrow("'edges[0]' starts at 'api', whose handle has no selector: its Sidecar could not select its pods");
    expect(() => new EgressScope(chart, 'b', { namespace: 'bookinfo', outboundPolicy: 'DENY' as OutboundPolicy }))
      .toThrow("'outboundPolicy' must be one of REGISTRY_ONLY, ALLOW_ANY, got 'DENY'");
    expect(() => new EgressScope(chart, 'c', { namespace: 'bookinfo', edges: [{ caller: WorkloadIdentity.ingressGateway(), to: app.productpage }] })).not.toThrow();
  });

  test('fails synth if two scopes write the default Sidecar of one namespace', () => {
    const { chart } = bookinfo();
    new EgressScope(chart, 'a', { namespace: 'bookinfo' });
    new EgressScope(chart, 'b', { namespace: 'bookinfo' });
    expect(() => synth(chart)).toThrow(/Sidecar bookinfo\/default is defined 2 times in chart 'bookinfo'/);
  });
});

describe('EgressScope in ambient mode', () => {
  test('fails synth: Sidecar resources configure sidecars, which ambient pods do not have', () => {
    const chart = new Chart(Testing.app(), 'ambient');
    new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo-ambient', dataplaneMode: DataplaneMode.AMBIENT });
    new EgressScope(chart, 'egress', { namespace: 'bookinfo-ambient' });
    expect(() => synth(chart)).toThrow(/namespace 'bookinfo-ambient' is in ambient mode .*: Sidecar resources configure sidecars, so the egress scope would apply to nothing/);
  });
});

import { ApiObject, Chart, Testing } from 'cdk8s';
import { BookinfoApp, MeshService, WorkloadIdentity, ZeroTrust } from '../../lib';
import { find, synth } from '../util';

function bookinfoGraph() {
  const app = Testing.app();
  const base = new Chart(app, 'bookinfo');
  const bookinfo = new BookinfoApp(base, 'bookinfo', { namespace: 'bookinfo' });
  const chart = new Chart(app, 'zero-trust');
  return { base, bookinfo, chart };
}

interface Workload { name: string; namespace: string; labels: Record<string, string>; principal: string }

/**
 * Istio's authorization decision for "may a workload with `principal` send some request to `target`":
 * a matching DENY rule denies; otherwise, if ALLOW policies select the target, one of their rules must match.
 */
function mayCall(policies: any[], principal: string, target: Workload): boolean {
  const selecting = policies.filter(p => [target.namespace, 'istio-system'].includes(p.metadata.namespace)
    && Object.entries(p.spec.selector?.matchLabels ?? {}).every(([k, v]) => target.labels[k] === v));
  const matches = (rule: any) => (rule.from ?? [{ source: {} }]).some((f: any) =>
    f.source.principals === undefined || f.source.principals.includes(principal) || f.source.principals.includes('*'));
  const action = (p: any) => p.spec.action ?? 'ALLOW';
  if (selecting.filter(p => action(p) === 'DENY').some(p => (p.spec.rules ?? []).some(matches))) {
    return false;
  }
  const allows = selecting.filter(p => action(p) === 'ALLOW');
  return allows.length === 0 || allows.some(p => (p.spec.rules ?? []).some(matches));
}

function workloadsOf(manifests: any[]): Workload[] {
  return manifests.filter(m => m.kind === 'Deployment').map(d => ({
    name: d.metadata.labels.app,
    namespace: d.metadata.namespace,
    labels: d.spec.template.metadata.labels,
    principal: `cluster.local/ns/${d.metadata.namespace}/sa/${d.spec.template.spec.serviceAccountName}`,
  }));
}

describe('ZeroTrust', () => {
  test("admits exactly Bookinfo's declared call graph, no more, no less", () => {
    // GIVEN
    const { base, bookinfo, chart } = bookinfoGraph();
    const graph = bookinfo.callGraph();
    // WHEN
    new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo', edges: graph });
    // THEN: for every caller (each workload and the ingress gateway) and every workload
    const policies = synth(chart);
    const workloads = workloadsOf(synth(base));
    const ingress = WorkloadIdentity.ingressGateway();
    const callers = [{ name: 'ingress gateway', principal: ingress.principal }, ...workloads];
    const declared = new Set(graph.map(e => `${e.caller instanceof WorkloadIdentity ? e.caller.name : (e.caller as MeshService).host}->${e.to.host}`));
    const allowed = new Set<string>();
    for (const caller of callers) {
      for (const target of workloads) {
        if (mayCall(policies, caller.principal, target)) {
          allowed.add(`${caller.name}->${target.name}`);
        }
      }
    }
    expect([...allowed].sort()).toEqual([...declared].sort());
    expect(allowed.size).toBe(4);
    expect(policies).toMatchSnapshot();
  });

  test('the evaluator admits everything without policies (so the graph test can fail)', () => {
    const { base } = bookinfoGraph();
    const [target] = workloadsOf(synth(base));
    expect(mayCall([], 'cluster.local/ns/x/sa/anyone', target)).toBe(true);
  });

  test('emits allow-nothing and one ALLOW policy per callee with the callers\' principals', () => {
    const { bookinfo, chart } = bookinfoGraph();
    new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo', edges: bookinfo.callGraph() });
    const manifests = synth(chart);
    expect(find(manifests, 'AuthorizationPolicy', 'allow-nothing')).toEqual({
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace: 'bookinfo' }, spec: {},
    });
    const reviews = find(manifests, 'AuthorizationPolicy', 'allow-reviews');
    expect(reviews.spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { app: 'reviews' } },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'] } }] }],
    });
    expect(find(manifests, 'AuthorizationPolicy', 'allow-productpage').spec.rules[0].from[0].source.principals)
      .toEqual(['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account']);
    expect(manifests).toHaveLength(5);
  });

  test('adding an edge is one line of code and one added rule', () => {
    const { bookinfo, chart } = bookinfoGraph();
    const zeroTrust = new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo', edges: bookinfo.callGraph() });
    zeroTrust.allow(bookinfo.productpage, bookinfo.ratings, { methods: ['GET'], paths: ['/ratings/*'] });
    const ratings = find(synth(chart), 'AuthorizationPolicy', 'allow-ratings');
    expect(ratings.spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-reviews'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'] } }], to: [{ operation: { methods: ['GET'], paths: ['/ratings/*'] } }] },
    ]);
  });

  test('a custom ingress gateway identity is used', () => {
    const { bookinfo, chart } = bookinfoGraph();
    const zeroTrust = new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo', edges: bookinfo.callGraph(WorkloadIdentity.ingressGateway({ namespace: 'gateways', serviceAccount: 'edge' })) });
    const policy = zeroTrust.node.findChild('allow-productpage') as ApiObject;
    expect(policy.toJson().spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/gateways/sa/edge']);
  });

  test('fails synth if an ingress route reaches a callee whose policy does not admit the gateway, naming both', () => {
    // GIVEN Bookinfo's ingress on Istio's default gateway, and a graph that admits another gateway
    const { bookinfo, chart } = bookinfoGraph();
    new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo', edges: bookinfo.callGraph(WorkloadIdentity.ingressGateway({ namespace: 'gateways', serviceAccount: 'edge' })) });
    // THEN every request through it would get 403
    expect(() => synth(chart)).toThrow("[zero-trust/zero-trust] bookinfo/bookinfo/Ingress routes requests to 'productpage' as cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account, "
      + "which this graph does not allow to call it: every request through gateway 'bookinfo-gateway' would get 403; add the edge allow(WorkloadIdentity.ingressGateway(), productpage)");
  });

  test('an edge names its caller in caller, or in the deprecated from (a reserved word of Python), once', () => {
    const chart = new Chart(Testing.app(), 'edges');
    const app = new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo', ingress: false });
    const policy = (id: string, edge: any) => {
      new ZeroTrust(chart, id, { namespace: 'bookinfo', edges: [edge] });
      return find(synth(chart), 'AuthorizationPolicy', 'allow-details');
    };
    expect(policy('deprecated', { from: app.productpage, to: app.details }).spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/bookinfo/sa/bookinfo-productpage']);
    expect(() => new ZeroTrust(chart, 'both', { namespace: 'bookinfo', edges: [{ caller: app.productpage, from: app.productpage, to: app.details }] }))
      .toThrow("'edges[0]' must name its caller once, in 'caller' (or the deprecated 'from'), got both");
    expect(() => new ZeroTrust(chart, 'neither', { namespace: 'bookinfo', edges: [{ to: app.details }] }))
      .toThrow("'edges[0]' must name its caller once, in 'caller' (or the deprecated 'from'), got neither");
  });

  test('throws if an edge goes to a service no workload of the app backs', () => {
    const { bookinfo, chart } = bookinfoGraph();
    const zeroTrust = new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo' });
    expect(() => zeroTrust.allow(bookinfo.productpage, MeshService.fromHost('payments', { namespace: 'bookinfo' })))
      .toThrow("'to' is 'payments', which no workload of this app backs (declared with fromHost): there are no pods for a policy to select");
  });

  test('throws if a caller has no service account', () => {
    const { bookinfo, chart } = bookinfoGraph();
    const zeroTrust = new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo' });
    expect(() => zeroTrust.allow(MeshService.fromHost('legacy', { namespace: 'bookinfo' }), bookinfo.details))
      .toThrow("caller 'legacy' has no serviceAccount: its requests carry no identity a policy can allow");
  });

  test('throws if an edge is declared twice', () => {
    const { bookinfo, chart } = bookinfoGraph();
    const zeroTrust = new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo', edges: bookinfo.callGraph() });
    expect(() => zeroTrust.allow(bookinfo.reviews, bookinfo.ratings)).toThrow('edge reviews -> ratings is declared twice');
  });

  test('throws if the callee is in another namespace', () => {
    const { bookinfo, chart } = bookinfoGraph();
    const zeroTrust = new ZeroTrust(chart, 'zero-trust', { namespace: 'shop' });
    expect(() => zeroTrust.allow(bookinfo.productpage, bookinfo.details)).toThrow("'to' is 'details' in namespace 'bookinfo', outside this graph's namespace 'shop'");
  });

  test('throws if a method is not an HTTP method', () => {
    const { bookinfo, chart } = bookinfoGraph();
    const zeroTrust = new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo' });
    expect(() => zeroTrust.allow(bookinfo.productpage, bookinfo.details, { methods: ['get'] })).toThrow("'methods' must be HTTP methods in uppercase");
  });
});

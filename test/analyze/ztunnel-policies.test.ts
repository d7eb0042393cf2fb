import { analyzeYaml, codes } from './helpers';

// Written for this project after ztunnel's inbound authorization: a waypoint forwards requests to the pods
// under its own identity, and ztunnel checks the policies without targetRefs against it.

const NAMESPACE = (labels = 'istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint') => `apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { ${labels} } }`;
const CART = (labels = '') => `apiVersion: v1
kind: Service
metadata: { name: cart, namespace: shop${labels ? `, labels: { ${labels} }` : ''} }
spec: { selector: { app: cart }, ports: [{ port: 80, name: http }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec:
  selector: { matchLabels: { app: cart } }
  template:
    metadata: { labels: { app: cart } }
    spec: { containers: [{ name: cart, image: cart }] }`;
const POLICY = (name: string, spec: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ${name}, namespace: shop }
spec: ${spec}`;
const ALLOW_NOTHING = POLICY('allow-nothing', '{}');
const ATTACHED = POLICY('allow-cart', '{ targetRefs: [{ group: "", kind: Service, name: cart }], rules: [{ from: [{ source: { principals: [cluster.local/ns/shop/sa/web] } }] }] }');
/** The CI262 findings alone: the fixtures trip other checks on purpose (a policy selecting no pod, a namespace not in the input). */
const ci262 = (...docs: string[]) => codes(analyzeYaml(...docs)).filter(c => c === 'CI262');
const FROM = (source: string) => POLICY('allow-waypoint', `{ rules: [{ from: [{ source: ${source} }] }] }`);

describe('CI262: the policies ztunnel enforces must admit the waypoint that forwards the requests', () => {
  test('an allow-nothing for ztunnel beside policies attached to the waypoint refuses every request', () => {
    const findings = analyzeYaml(NAMESPACE(), CART(), ALLOW_NOTHING, ATTACHED);
    expect(codes(findings)).toEqual(['CI262']);
    expect(findings[0].message).toBe('pods in namespace shop receive their requests from waypoint shop/waypoint (namespace label istio.io/use-waypoint), '
      + 'as cluster.local/ns/shop/sa/waypoint; the ALLOW policies ztunnel enforces for them (shop/allow-nothing) admit no such identity, '
      + 'so ztunnel refuses every request the waypoint forwards: allow the waypoint\'s principal in a policy without targetRefs, '
      + 'and attach the callers\' policies to the waypoint or the Service');
  });

  test('a policy for ztunnel that admits the waypoint, by principal (any trust domain), pattern or namespace, is fine', () => {
    for (const source of ['{ principals: [cluster.local/ns/shop/sa/waypoint] }', '{ principals: [example.org/ns/shop/sa/waypoint] }', '{ principals: ["*/sa/waypoint"] }', '{ namespaces: [shop] }', '{ ipBlocks: [10.0.0.0/8] }']) {
      expect(ci262(NAMESPACE(), CART(), ALLOW_NOTHING, FROM(source), ATTACHED)).toEqual([]);
    }
  });

  test('a policy for ztunnel that admits the callers but not the waypoint still refuses everything', () => {
    expect(ci262(NAMESPACE(), CART(), FROM('{ principals: [cluster.local/ns/shop/sa/web] }'))).toEqual(['CI262']);
    expect(ci262(NAMESPACE(), CART(), FROM('{ namespaces: [web] }'))).toEqual(['CI262']);
  });

  test('the waypoint a Service names, or none; a namespace outside ambient; no ALLOW policy at all', () => {
    expect(ci262(NAMESPACE('istio.io/dataplane-mode: ambient'), CART('istio.io/use-waypoint: cart-waypoint'), ALLOW_NOTHING)).toEqual(['CI262']);
    expect(ci262(NAMESPACE(), CART('istio.io/use-waypoint: none'), ALLOW_NOTHING)).toEqual([]);
    expect(ci262(NAMESPACE('istio.io/use-waypoint: waypoint'), CART(), ALLOW_NOTHING)).toEqual([]);
    expect(ci262(NAMESPACE(), CART(), ATTACHED)).toEqual([]);
  });

  test('policies that select other pods, or attach to a waypoint, are not the ones ztunnel enforces here', () => {
    const elsewhere = POLICY('allow-nothing-web', '{ selector: { matchLabels: { app: web } } }');
    const onWaypoint = POLICY('allow-nothing-waypoint', '{ targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: waypoint }] }');
    expect(ci262(NAMESPACE(), CART(), elsewhere, onWaypoint)).toEqual([]);
  });

  describe('an ingress gateway reaches the pods under its own identity unless the Service sends ingress through the waypoint', () => {
    const GATEWAY = (annotations = '') => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop${annotations ? `, annotations: { ${annotations} }` : ''} }
spec: { gatewayClassName: istio, listeners: [{ name: http, port: 80, protocol: HTTP }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: edge, namespace: shop }
spec: { parentRefs: [{ name: edge }], rules: [{ backendRefs: [{ name: cart, port: 80 }] }] }`;
    const ONLY_WAYPOINT = FROM('{ principals: [cluster.local/ns/shop/sa/waypoint] }');

    test('a gateway that bypasses the waypoint is refused by a policy that admits the waypoint alone', () => {
      const findings = analyzeYaml(NAMESPACE(), CART(), GATEWAY(), ONLY_WAYPOINT, ATTACHED).filter(f => f.code === 'CI262');
      expect(findings.map(f => f.message)).toEqual(['pods in namespace shop receive their requests from ingress gateway shop/edge (HTTPRoute shop/edge, bypassing waypoint waypoint), '
        + 'as cluster.local/ns/shop/sa/edge-istio; the ALLOW policies ztunnel enforces for them (shop/allow-waypoint) admit no such identity, so ztunnel refuses every request the gateway sends: '
        + 'label the Service or its Namespace istio.io/ingress-use-waypoint=true so ingress traffic goes through the waypoint, or allow the gateway\'s principal in a policy without targetRefs']);
    });

    test('ingress through the waypoint, or the gateway\'s principal admitted (its own name, or the one its annotation sets), is fine', () => {
      expect(ci262(NAMESPACE('istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint, istio.io/ingress-use-waypoint: "true"'), CART(), GATEWAY(), ONLY_WAYPOINT, ATTACHED)).toEqual([]);
      expect(ci262(NAMESPACE(), CART('istio.io/ingress-use-waypoint: "true"'), GATEWAY(), ONLY_WAYPOINT, ATTACHED)).toEqual([]);
      const both = (sa: string) => POLICY('allow-waypoint', `{ rules: [{ from: [{ source: { principals: [cluster.local/ns/shop/sa/waypoint, cluster.local/ns/shop/sa/${sa}] } }] }] }`);
      expect(ci262(NAMESPACE(), CART(), GATEWAY(), both('edge-istio'), ATTACHED)).toEqual([]);
      expect(ci262(NAMESPACE(), CART(), GATEWAY('gateway.istio.io/service-account: edge-sa'), both('edge-sa'), ATTACHED)).toEqual([]);
      expect(ci262(NAMESPACE(), CART(), GATEWAY('gateway.istio.io/service-account: edge-sa'), both('edge-istio'), ATTACHED)).toEqual(['CI262']);
    });

    test('without a waypoint, L4 policies that admit only the callers refuse the gateway too', () => {
      const callersOnly = POLICY('allow-cart', '{ selector: { matchLabels: { app: cart } }, rules: [{ from: [{ source: { principals: [cluster.local/ns/shop/sa/web] } }] }] }');
      const findings = analyzeYaml(NAMESPACE('istio.io/dataplane-mode: ambient'), CART(), GATEWAY(), callersOnly).filter(f => f.code === 'CI262');
      expect(findings.map(f => f.message)).toEqual(['pods in namespace shop receive their requests from ingress gateway shop/edge (HTTPRoute shop/edge), as cluster.local/ns/shop/sa/edge-istio; '
        + 'the ALLOW policies ztunnel enforces for them (shop/allow-cart) admit no such identity, so ztunnel refuses every request the gateway sends: allow the gateway\'s principal in a policy without targetRefs']);
    });
  });
});

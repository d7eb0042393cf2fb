import { analyzeYaml, codes } from '../helpers';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of AuthorizationPolicies (authz.go) and the policy attachment of ztunnel, waypoints and ingress gateways:
// the checks of lib/analyze/checks/authorization-policy.ts.

// Written for this project after istiod's policy attachment to gateways: clients outside the mesh carry
// no peer identity, so policies that admit only mesh identities refuse all of them at an ingress gateway.

// Written for this project after ztunnel's inbound authorization: a waypoint forwards requests to the pods
// under its own identity, and ztunnel checks the policies without targetRefs against it.

// Bad/good pairs written for this project after istioctl 1.30's AuthorizationPolicy analyzer
// (IST0127 no matching workloads, IST0101 source namespace not found).

const WEB_POLICY = (namespace: string, spec: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: web, namespace: ${namespace} }
spec: { ${spec} }`;

const NAMESPACE = (name: string, labels: string) => `apiVersion: v1
kind: Namespace
metadata: { name: ${name}, labels: { ${labels} } }`;

const DEPLOYMENT = (namespace: string, labels: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${namespace} }
spec:
  selector: { matchLabels: { ${labels} } }
  template:
    metadata: { labels: { ${labels} } }
    spec: { containers: [{ name: web, image: web }] }`;

const ALLOW_FROM = (ns: string) => `action: ALLOW, rules: [{ from: [{ source: { namespaces: [${ns}] } }] }]`;

// Written for this project after istiod's policy attachment to gateways: clients outside the mesh carry
// no peer identity, so policies that admit only mesh identities refuse all of them at an ingress gateway.

const GATEWAY = (className = 'istio') => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec: { gatewayClassName: ${className}, listeners: [{ name: http, port: 80, protocol: HTTP }] }`;

const ROUTE = (backend = '{ name: web, port: 80 }') => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: edge, namespace: shop }
spec: { parentRefs: [{ name: edge }], rules: [{ backendRefs: [${backend}] }] }`;

const POLICY = (name: string, spec: string, namespace = 'shop') => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ${name}, namespace: ${namespace} }
spec: ${spec}`;

const ALLOW_NOTHING = POLICY('allow-nothing', '{}');

const CALLERS_ONLY = POLICY('allow-web', '{ rules: [{ from: [{ source: { principals: [cluster.local/ns/shop/sa/app] } }] }] }');

/** The CI263 findings alone: the fixtures leave Services out on purpose. */
const ci263 = (...docs: string[]) => codes(analyzeYaml(...docs)).filter(c => c === 'CI263');

// Written for this project after ztunnel's inbound authorization: a waypoint forwards requests to the pods
// under its own identity, and ztunnel checks the policies without targetRefs against it.

const AMBIENT_NAMESPACE = (labels = 'istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint') => `apiVersion: v1
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

const ATTACHED = POLICY('allow-cart', '{ targetRefs: [{ group: "", kind: Service, name: cart }], rules: [{ from: [{ source: { principals: [cluster.local/ns/shop/sa/web] } }] }] }');

/** The CI262 findings alone: the fixtures trip other checks on purpose (a policy selecting no pod, a namespace not in the input). */
const ci262 = (...docs: string[]) => codes(analyzeYaml(...docs)).filter(c => c === 'CI262');

const FROM = (source: string) => POLICY('allow-waypoint', `{ rules: [{ from: [{ source: ${source} }] }] }`);

describe('IST0127 an AuthorizationPolicy that matches no workload in the mesh (CI240)', () => {
  test('a selector matching a workload of an injected namespace is fine; outside the mesh it matches nothing', () => {
    const policy = WEB_POLICY('shop', 'selector: { matchLabels: { app: web } }, action: DENY, rules: [{ to: [{ operation: { ports: ["81"] } }] }]');
    expect(codes(analyzeYaml(policy, NAMESPACE('shop', 'istio-injection: enabled'), DEPLOYMENT('shop', 'app: web')))).toEqual([]);
    expect(codes(analyzeYaml(policy, NAMESPACE('shop', 'istio-injection: disabled'), DEPLOYMENT('shop', 'app: web')))).toEqual(['CI240']);
    expect(codes(analyzeYaml(policy, NAMESPACE('shop', 'istio-injection: enabled'), DEPLOYMENT('shop', 'app: api')))).toEqual(['CI240']);
  });

  test('ambient and revision-labelled namespaces put their workloads in the mesh', () => {
    const policy = WEB_POLICY('shop', 'selector: { matchLabels: { app: web } }');
    expect(codes(analyzeYaml(policy, NAMESPACE('shop', 'istio.io/dataplane-mode: ambient'), DEPLOYMENT('shop', 'app: web')))).toEqual([]);
    expect(codes(analyzeYaml(policy, NAMESPACE('shop', 'istio.io/rev: stable'), DEPLOYMENT('shop', 'app: web')))).toEqual([]);
  });

  test('a namespace-wide policy needs a mesh workload in its namespace; a mesh-wide one without selector needs none', () => {
    expect(codes(analyzeYaml(WEB_POLICY('shop', ''), NAMESPACE('shop', 'istio-injection: enabled')))).toEqual(['CI240']);
    expect(codes(analyzeYaml(WEB_POLICY('istio-system', '')))).toEqual([]);
    expect(codes(analyzeYaml(WEB_POLICY('istio-system', 'selector: { matchLabels: { istio: ingressgateway } }')))).toEqual([]);
  });
});

describe('IST0101 an AuthorizationPolicy source namespace the input does not have (CI241)', () => {
  const mesh = [NAMESPACE('shop', 'istio-injection: enabled'), DEPLOYMENT('shop', 'app: web')];
  test('a namespace with no object in the input; wildcards match by prefix or suffix', () => {
    expect(codes(analyzeYaml(WEB_POLICY('shop', ALLOW_FROM('shop')), ...mesh))).toEqual([]);
    expect(codes(analyzeYaml(WEB_POLICY('shop', ALLOW_FROM('"sh*"')), ...mesh))).toEqual([]);
    const findings = analyzeYaml(WEB_POLICY('shop', ALLOW_FROM('payments')), ...mesh);
    expect(codes(findings)).toEqual(['CI241']);
    expect(findings[0].message).toBe("source namespace 'payments' is not a namespace of the input");
  });
});

describe('policies attached by targetRefs', () => {
  test('are not checked for selected workloads: they apply to the Gateway, Service or waypoint they name', () => {
    const policy = WEB_POLICY('shop', 'targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: waypoint }], action: ALLOW, rules: [{}]');
    expect(codes(analyzeYaml(policy))).toEqual([]);
  });

  test('a namespace whose only mesh workload is a Gateway API gateway\'s pod (which Istio deploys) has one', () => {
    const gateway = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec: { gatewayClassName: istio, listeners: [{ name: http, port: 80, protocol: HTTP }] }`;
    expect(codes(analyzeYaml(WEB_POLICY('shop', ''), gateway))).toEqual([]);
    const injected = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, labels: { istio-injection: enabled } }';
    expect(codes(analyzeYaml(WEB_POLICY('shop', ''), injected))).toEqual(['CI240']);
    // a namespace the input does not describe: its workloads are not there to select
    expect(codes(analyzeYaml(WEB_POLICY('shop', '')))).toEqual([]);
  });
});

describe('CI263: an ingress gateway whose policies admit no client from outside the mesh', () => {
  test('a namespace default deny reaches the proxy of a Gateway API gateway in the namespace', () => {
    const findings = analyzeYaml(GATEWAY(), ROUTE(), ALLOW_NOTHING, CALLERS_ONLY).filter(f => f.code === 'CI263');
    expect(findings.map(f => f.message)).toEqual(['Gateway shop/edge takes requests from clients outside the mesh, which carry no peer identity; '
      + 'the ALLOW policies that apply to its proxy (shop/allow-nothing, shop/allow-web) admit only mesh identities or nothing, so it refuses every such client: '
      + 'attach an ALLOW policy for its clients to the Gateway (targetRefs; ZeroTrust.allowIngress does)']);
  });

  test('a policy attached to the gateway that admits any request, or JWT holders, or source IPs, is fine', () => {
    const attached = (rules: string) => POLICY('allow-ingress-edge', `{ targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: edge }], rules: ${rules} }`);
    expect(ci263(GATEWAY(), ROUTE(), ALLOW_NOTHING, attached('[{}]'))).toEqual([]);
    expect(ci263(GATEWAY(), ROUTE(), ALLOW_NOTHING, attached('[{ from: [{ source: { requestPrincipals: ["*"] } }] }]'))).toEqual([]);
    expect(ci263(GATEWAY(), ROUTE(), ALLOW_NOTHING, attached('[{ from: [{ source: { ipBlocks: [203.0.113.0/24] } }] }]'))).toEqual([]);
    expect(ci263(GATEWAY(), ROUTE(), ALLOW_NOTHING, attached('[{ from: [{ source: { namespaces: [shop] } }] }]'))).toEqual(['CI263']);
  });

  test('no ALLOW policy, a policy for other pods or of another namespace, a waypoint, an egress gateway: nothing to report', () => {
    expect(ci263(GATEWAY(), ROUTE())).toEqual([]);
    expect(ci263(GATEWAY(), ROUTE(), POLICY('allow-nothing-web', '{ selector: { matchLabels: { app: web } } }'))).toEqual([]);
    expect(ci263(GATEWAY(), ROUTE(), POLICY('allow-nothing', '{}', 'front'))).toEqual([]);
    expect(ci263(GATEWAY('istio-waypoint'), ROUTE(), ALLOW_NOTHING)).toEqual([]);
    expect(ci263(GATEWAY(), ROUTE('{ kind: Hostname, group: networking.istio.io, name: api.example.com, port: 443 }'), ALLOW_NOTHING)).toEqual([]);
  });

  test('Istio\'s ingress gateway: the root namespace\'s policies reach its pods wherever they run', () => {
    const istioGateway = (selector: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec: { selector: { istio: ${selector} }, servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }] }`;
    const meshWide = POLICY('allow-nothing', '{}', 'istio-system');
    expect(ci263(istioGateway('ingressgateway'), meshWide)).toEqual(['CI263']);
    expect(ci263(istioGateway('ingressgateway'), meshWide, POLICY('allow-ingress', '{ selector: { matchLabels: { istio: ingressgateway } }, rules: [{}] }', 'istio-system'))).toEqual([]);
    expect(ci263(istioGateway('egressgateway'), meshWide)).toEqual([]);
    // a namespace default deny of the Gateway object's namespace does not reach pods of istio-system
    expect(ci263(istioGateway('ingressgateway'), ALLOW_NOTHING)).toEqual([]);
  });
});

describe('CI262: the policies ztunnel enforces must admit the waypoint that forwards the requests', () => {
  test('an allow-nothing for ztunnel beside policies attached to the waypoint refuses every request', () => {
    const findings = analyzeYaml(AMBIENT_NAMESPACE(), CART(), ALLOW_NOTHING, ATTACHED);
    expect(codes(findings)).toEqual(['CI262']);
    expect(findings[0].message).toBe('pods in namespace shop receive their requests from waypoint shop/waypoint (namespace label istio.io/use-waypoint), '
      + 'as cluster.local/ns/shop/sa/waypoint; the ALLOW policies ztunnel enforces for them (shop/allow-nothing) admit no such identity, '
      + 'so ztunnel refuses every request the waypoint forwards: allow the waypoint\'s principal in a policy without targetRefs, '
      + 'and attach the callers\' policies to the waypoint or the Service');
  });

  test('a policy for ztunnel that admits the waypoint, by principal (any trust domain), pattern or namespace, is fine', () => {
    for (const source of ['{ principals: [cluster.local/ns/shop/sa/waypoint] }', '{ principals: [example.org/ns/shop/sa/waypoint] }', '{ principals: ["*/sa/waypoint"] }', '{ namespaces: [shop] }', '{ ipBlocks: [10.0.0.0/8] }']) {
      expect(ci262(AMBIENT_NAMESPACE(), CART(), ALLOW_NOTHING, FROM(source), ATTACHED)).toEqual([]);
    }
  });

  test('a policy for ztunnel that admits the callers but not the waypoint still refuses everything', () => {
    expect(ci262(AMBIENT_NAMESPACE(), CART(), FROM('{ principals: [cluster.local/ns/shop/sa/web] }'))).toEqual(['CI262']);
    expect(ci262(AMBIENT_NAMESPACE(), CART(), FROM('{ namespaces: [web] }'))).toEqual(['CI262']);
  });

  test('the waypoint a Service names, or none; a namespace outside ambient; no ALLOW policy at all', () => {
    expect(ci262(AMBIENT_NAMESPACE('istio.io/dataplane-mode: ambient'), CART('istio.io/use-waypoint: cart-waypoint'), ALLOW_NOTHING)).toEqual(['CI262']);
    expect(ci262(AMBIENT_NAMESPACE(), CART('istio.io/use-waypoint: none'), ALLOW_NOTHING)).toEqual([]);
    expect(ci262(AMBIENT_NAMESPACE('istio.io/use-waypoint: waypoint'), CART(), ALLOW_NOTHING)).toEqual([]);
    expect(ci262(AMBIENT_NAMESPACE(), CART(), ATTACHED)).toEqual([]);
  });

  test('policies that select other pods, or attach to a waypoint, are not the ones ztunnel enforces here', () => {
    const elsewhere = POLICY('allow-nothing-web', '{ selector: { matchLabels: { app: web } } }');
    const onWaypoint = POLICY('allow-nothing-waypoint', '{ targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: waypoint }] }');
    expect(ci262(AMBIENT_NAMESPACE(), CART(), elsewhere, onWaypoint)).toEqual([]);
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
      const findings = analyzeYaml(AMBIENT_NAMESPACE(), CART(), GATEWAY(), ONLY_WAYPOINT, ATTACHED).filter(f => f.code === 'CI262');
      expect(findings.map(f => f.message)).toEqual(['pods in namespace shop receive their requests from ingress gateway shop/edge (HTTPRoute shop/edge, bypassing waypoint waypoint), '
        + 'as cluster.local/ns/shop/sa/edge-istio; the ALLOW policies ztunnel enforces for them (shop/allow-waypoint) admit no such identity, so ztunnel refuses every request the gateway sends: '
        + 'label the Service or its Namespace istio.io/ingress-use-waypoint=true so ingress traffic goes through the waypoint, or allow the gateway\'s principal in a policy without targetRefs']);
    });

    test('ingress through the waypoint, or the gateway\'s principal admitted (its own name, or the one its annotation sets), is fine', () => {
      expect(ci262(AMBIENT_NAMESPACE('istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint, istio.io/ingress-use-waypoint: "true"'), CART(), GATEWAY(), ONLY_WAYPOINT, ATTACHED)).toEqual([]);
      expect(ci262(AMBIENT_NAMESPACE(), CART('istio.io/ingress-use-waypoint: "true"'), GATEWAY(), ONLY_WAYPOINT, ATTACHED)).toEqual([]);
      const both = (sa: string) => POLICY('allow-waypoint', `{ rules: [{ from: [{ source: { principals: [cluster.local/ns/shop/sa/waypoint, cluster.local/ns/shop/sa/${sa}] } }] }] }`);
      expect(ci262(AMBIENT_NAMESPACE(), CART(), GATEWAY(), both('edge-istio'), ATTACHED)).toEqual([]);
      expect(ci262(AMBIENT_NAMESPACE(), CART(), GATEWAY('gateway.istio.io/service-account: edge-sa'), both('edge-sa'), ATTACHED)).toEqual([]);
      expect(ci262(AMBIENT_NAMESPACE(), CART(), GATEWAY('gateway.istio.io/service-account: edge-sa'), both('edge-istio'), ATTACHED)).toEqual(['CI262']);
    });

    test('without a waypoint, L4 policies that admit only the callers refuse the gateway too', () => {
      const callersOnly = POLICY('allow-cart', '{ selector: { matchLabels: { app: cart } }, rules: [{ from: [{ source: { principals: [cluster.local/ns/shop/sa/web] } }] }] }');
      const findings = analyzeYaml(AMBIENT_NAMESPACE('istio.io/dataplane-mode: ambient'), CART(), GATEWAY(), callersOnly).filter(f => f.code === 'CI262');
      expect(findings.map(f => f.message)).toEqual(['pods in namespace shop receive their requests from ingress gateway shop/edge (HTTPRoute shop/edge), as cluster.local/ns/shop/sa/edge-istio; '
        + 'the ALLOW policies ztunnel enforces for them (shop/allow-cart) admit no such identity, so ztunnel refuses every request the gateway sends: allow the gateway\'s principal in a policy without targetRefs']);
    });
  });
});

describe('CI264: a route bound to a gateway sends to a host whose policies refuse the gateway', () => {
  const WEB = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ name: http, port: 8080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template: { metadata: { labels: { app: web } }, spec: { serviceAccountName: web, containers: [{ name: web, image: web }] } }`;
  const ISTIO_INGRESS = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec: { selector: { istio: ingressgateway }, servers: [{ port: { number: 8080, name: http, protocol: HTTP }, hosts: ["*"] }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec: { hosts: ["*"], gateways: [edge], http: [{ route: [{ destination: { host: web, port: { number: 8080 } } }] }] }`;
  const allowWeb = (principals: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-web, namespace: shop }
spec: { selector: { matchLabels: { app: web } }, action: ALLOW, rules: [{ from: [{ source: { principals: [${principals}] } }] }] }`;
  const ci264 = (...docs: string[]) => analyzeYaml(...docs).filter(f => f.code === 'CI264');

  test('Istio\'s ingress gateway, refused by the only ALLOW policy of the destination', () => {
    const findings = ci264(WEB, ISTIO_INGRESS, allowWeb('cluster.local/ns/shop/sa/frontend'));
    expect(findings.map(f => [f.object, f.message])).toEqual([['VirtualService/shop/web',
      'the route sends requests from gateway shop/edge (Istio\'s ingress gateway) to shop/web, whose ALLOW policies (shop/allow-web) admit no request from '
      + 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account: every request through the gateway gets 403; '
      + 'allow the gateway\'s principal in the destination\'s policy (ZeroTrust: an edge from the gateway\'s identity)']]);
  });

  test('admitted by principal, by namespace, or without ALLOW policies: no finding', () => {
    expect(ci264(WEB, ISTIO_INGRESS, allowWeb('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'))).toEqual([]);
    expect(ci264(WEB, ISTIO_INGRESS, allowWeb('"*"'))).toEqual([]);
    expect(ci264(WEB, ISTIO_INGRESS)).toEqual([]);
  });

  test('a Gateway API gateway sends as <name>-istio', () => {
    const route = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec: { gatewayClassName: istio, listeners: [{ name: http, port: 80, protocol: HTTP }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: shop }
spec: { parentRefs: [{ name: edge }], rules: [{ backendRefs: [{ name: web, port: 8080 }] }] }`;
    expect(ci264(WEB, route, allowWeb('cluster.local/ns/shop/sa/frontend')).map(f => f.object)).toEqual(['HTTPRoute/shop/web']);
    expect(ci264(WEB, route, allowWeb('cluster.local/ns/shop/sa/edge-istio'))).toEqual([]);
  });
});

describe('undescribed namespaces: what the input cannot show is not reported missing', () => {
  const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]
  gateways: [shop-gateway, mesh]
  http:
  - route: [{ destination: { host: reviews, subset: v1 }, weight: 50 }, { destination: { host: reviews, subset: v2 }, weight: 50 }]`;

  test('a lone VirtualService: its gateway and subsets are not errors, its subsets are noted as not checked', () => {
    expect(codes(analyzeYaml(VS))).toEqual(['CI269', 'CI269']);
  });

  test('a policy\'s own namespace is a namespace of the input', () => {
    expect(codes(analyzeYaml(WEB_POLICY('shop', 'rules: [{ from: [{ source: { namespaces: [shop] } }] }]'))).filter(c => c === 'CI241')).toEqual([]);
    expect(codes(analyzeYaml(WEB_POLICY('shop', 'rules: [{ from: [{ source: { namespaces: [shop] } }] }]'), NAMESPACE('front', ''))).filter(c => c === 'CI241')).toEqual([]);
    expect(codes(analyzeYaml(WEB_POLICY('shop', 'rules: [{ from: [{ source: { namespaces: [other] } }] }]'), NAMESPACE('front', '')))).toContain('CI241');
  });
});


import { analyzeYaml, codes } from './helpers';

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

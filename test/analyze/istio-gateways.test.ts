import { analyzeYaml, codes } from './helpers';

// Cases written for this project after istioctl 1.30's gateway analyzers (conflictinggateway.go,
// gateway.go, secret.go, certificate.go).

const GATEWAY = (name: string, selector: string, servers: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: shop }
spec: { selector: { ${selector} }, servers: ${servers} }`;
const HTTP = (port: number, hosts: string) => `{ port: { number: ${port}, name: http-${port}, protocol: HTTP }, hosts: ${hosts} }`;
const HTTPS = (credential: string) => `{ port: { number: 443, name: https, protocol: HTTPS }, hosts: [shop.example.com], tls: { mode: SIMPLE, credentialName: ${credential} } }`;
const POD = (labels: string, ns = 'edge') => `apiVersion: v1
kind: Pod
metadata: { name: edge-1, namespace: ${ns}, labels: { ${labels} } }
spec: { containers: [{ name: istio-proxy, image: proxy }] }`;
const EDGE_SERVICE = (ports: string) => `apiVersion: v1
kind: Service
metadata: { name: edge, namespace: edge }
spec: { selector: { app: edge }, ports: ${ports} }`;

describe('IST0101 a gateway selector that matches no pod (CI224)', () => {
  test('Istio\'s default ingress gateway is assumed to exist, as istioctl does for files', () => {
    expect(codes(analyzeYaml(GATEWAY('web', 'istio: ingressgateway', `[${HTTP(8080, '["*"]')}]`)))).toEqual([]);
  });

  test('a selector no pod carries is an error; a matching pod in the input fixes it', () => {
    const gateway = GATEWAY('web', 'app: edge', `[${HTTP(80, '["*"]')}]`);
    expect(codes(analyzeYaml(gateway))).toEqual(['CI224']);
    expect(codes(analyzeYaml(gateway, POD('app: edge'), EDGE_SERVICE('[{ port: 80, name: http }]')))).toEqual([]);
  });
});

describe('IST0162 a gateway port that no Service of its pods defines (CI223)', () => {
  test('a port neither a Service port nor a target port of the pods\' Services', () => {
    const services = EDGE_SERVICE('[{ port: 80, targetPort: 8080, name: http }]');
    expect(codes(analyzeYaml(GATEWAY('web', 'app: edge', `[${HTTP(8080, '["*"]')}]`), POD('app: edge'), services))).toEqual([]);
    expect(codes(analyzeYaml(GATEWAY('web', 'app: edge', `[${HTTP(8004, '["*"]')}]`), POD('app: edge'), services))).toEqual(['CI223']);
  });
});

describe('IST0145 two gateways on the same workloads, port and host (CI222)', () => {
  test('each gateway reports the other; another host or port is no conflict', () => {
    const a = GATEWAY('a', 'istio: ingressgateway', `[${HTTP(80, '[shop.example.com]')}]`);
    const b = GATEWAY('b', 'istio: ingressgateway', `[${HTTP(80, '[shop.example.com, blog.example.com]')}]`);
    expect(analyzeYaml(a, b).map(f => [f.code, f.object])).toEqual([['CI222', 'Gateway/shop/a'], ['CI222', 'Gateway/shop/b']]);
    expect(codes(analyzeYaml(a, GATEWAY('b', 'istio: ingressgateway', `[${HTTP(80, '[blog.example.com]')}]`)))).toEqual([]);
    expect(codes(analyzeYaml(a, GATEWAY('b', 'istio: ingressgateway', `[${HTTP(8080, '[shop.example.com]')}]`)))).toEqual([]);
  });
});

describe('IST0101 / IST0161 a credentialName\'s Secret (CI225, CI226)', () => {
  const SECRET = (name: string, data: string) => `apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: edge }
type: kubernetes.io/tls
data: { ${data} }`;
  const gateway = GATEWAY('web', 'app: edge', `[${HTTPS('shop-cert')}]`);
  const base = [POD('app: edge'), EDGE_SERVICE('[{ port: 443, name: https }]')];

  test('a Secret missing from the gateway pods\' namespace', () => {
    expect(codes(analyzeYaml(gateway, ...base))).toEqual(['CI225']);
  });

  test('a Secret without a parseable certificate', () => {
    const notPem = Buffer.from('not a certificate').toString('base64');
    expect(codes(analyzeYaml(gateway, ...base, SECRET('shop-cert', `tls.crt: ${notPem}, tls.key: ${notPem}`)))).toEqual(['CI226']);
  });

  test('nothing is said of Secrets in a namespace the input does not describe (the assumed ingress gateway\'s)', () => {
    expect(codes(analyzeYaml(GATEWAY('web', 'istio: ingressgateway', `[${HTTPS('shop-cert')}]`)))).toEqual([]);
  });
});

describe('IST0138 gateways on the same workloads serving one certificate (CI227)', () => {
  test('two gateways with the same credentialName warn; different credentials do not', () => {
    const a = GATEWAY('a', 'istio: ingressgateway', `[${HTTPS('shop-cert')}]`.replace('shop.example.com', 'a.example.com'));
    const b = GATEWAY('b', 'istio: ingressgateway', `[${HTTPS('shop-cert')}]`.replace('shop.example.com', 'b.example.com'));
    expect(codes(analyzeYaml(a, b))).toEqual(['CI227', 'CI227']);
    expect(codes(analyzeYaml(a, GATEWAY('b', 'istio: ingressgateway', `[${HTTPS('blog-cert')}]`.replace('shop.example.com', 'b.example.com'))))).toEqual([]);
  });
});

describe('IST0149 routing on JWT claims through a gateway without RequestAuthentication (CI246)', () => {
  const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api, namespace: shop }
spec:
  hosts: [api.example.com]
  gateways: [istio-system/edge]
  http:
  - match: [{ headers: { "@request.auth.claims.group": { exact: admin } } }]
    route: [{ destination: { host: api.shop.svc.cluster.local } }]`;
  const EDGE = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: edge, namespace: istio-system }
spec: { selector: { istio: ingressgateway }, servers: [{ port: { number: 8080, name: http, protocol: HTTP }, hosts: [shop/api.example.com] }] }`;
  const AUTHN = `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: edge, namespace: istio-system }
spec: { selector: { matchLabels: { istio: ingressgateway } }, jwtRules: [{ issuer: https://auth.example.com }] }`;

  test('the gateway pod needs a RequestAuthentication of its namespace or the root namespace', () => {
    const findings = analyzeYaml(VS, EDGE).filter(f => f.code === 'CI246');
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain("routes on the JWT claim '@request.auth.claims.group' through gateway istio-system/edge");
    expect(analyzeYaml(VS, EDGE, AUTHN).filter(f => f.code === 'CI246')).toEqual([]);
  });
});

describe('IST0165 a VirtualService bound to an internal, generated Gateway (CI249)', () => {
  test('the reference is reported and not looked up; a Gateway of the input is fine', () => {
    const vs = (gateway: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec: { hosts: [web.example.com], gateways: [${gateway}], http: [{ route: [{ destination: { host: web.shop.svc.cluster.local } }] }] }`;
    const findings = analyzeYaml(vs('shop/edge~istio-autogenerated-k8s-gateway~http'));
    // istiod's webhook also refuses the name from a user: only the VirtualServices it generates may use it
    expect(findings.map(f => f.code)).toEqual(['CI104', 'CI249']);
    expect(findings[0].message).toContain('invalid value for gateway name: "edge~istio-autogenerated-k8s-gateway~http"');
    expect(findings[1].message).toContain('attach an HTTPRoute to the Gateway instead');
  });
});

describe('IST0140 a gateway route bypassing the subsets of another VirtualService (CI254)', () => {
  const mesh = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec: { hosts: [reviews], http: [{ route: [{ destination: { host: reviews, subset: v1 }, weight: 90 }, { destination: { host: reviews, subset: v2 }, weight: 10 }] }] }`;
  const edge = (subset: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: edge, namespace: shop }
spec: { hosts: [reviews.example.com], gateways: [istio-system/edge], http: [{ route: [{ destination: { host: reviews${subset} } }] }] }`;

  test('the canary split does not apply to the gateway\'s requests; naming a subset there is explicit', () => {
    const findings = analyzeYaml(mesh, edge('')).filter(f => f.code === 'CI254');
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('VirtualService/shop/reviews');
    expect(analyzeYaml(mesh, edge(', subset: v1')).filter(f => f.code === 'CI254')).toEqual([]);
  });
});

import { analyzeYaml, codes } from '../helpers';
import { DEPLOYMENT } from './fixtures';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of Istio Gateways (conflictinggateway.go, gateway.go, secret.go, certificate.go):
// the checks of lib/analyze/checks/gateway.ts.

// Bad/good pairs written for this project after istioctl 1.30's CA-certificate (IST0128, IST0129),
// ServiceEntry address (IST0134) and Sidecar selector (IST0101, IST0110, IST0111, IST0167) analyzers.

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

describe('Gateway selectors count pod templates as pods', () => {
  test('a Deployment\'s template satisfies a Gateway selector (CI224)', () => {
    const gateway = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, servers: [{ port: { number: 8080, name: http, protocol: HTTP }, hosts: ["*"] }] }`;
    const service = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ port: 8080, name: http }] }`;
    expect(codes(analyzeYaml(gateway))).toEqual(['CI224']);
    expect(codes(analyzeYaml(gateway, DEPLOYMENT('app: web'), service))).toEqual([]);
  });
});

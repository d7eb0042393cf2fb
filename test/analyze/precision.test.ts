// Findings that were false on configurations written by others, and misses: each with a small config of
// our own, in the shape those configurations take.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/analyze/cli';
import { analyzeYaml, codes } from './helpers';

const HTTP_GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec: { gatewayClassName: istio, listeners: [{ name: http, port: 80, protocol: HTTP }] }`;

describe('what Istio deploys is assumed, not reported missing', () => {
  test('the Service Istio creates for a Gateway API Gateway (<name>-istio) is a valid backend and DestinationRule host', () => {
    const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: to-edge, namespace: shop }
spec: { parentRefs: [{ group: "", kind: Service, name: edge-istio, port: 80 }], rules: [{ backendRefs: [{ name: edge-istio, port: 80 }] }] }`;
    const rule = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: edge, namespace: shop }
spec: { host: edge-istio }`;
    const found = codes(analyzeYaml(HTTP_GATEWAY, route, rule));
    expect(found.filter(c => ['CI217', 'CI218', 'CI248'].includes(c))).toEqual([]);
    // without the Gateway, the Service is missing as before
    expect(codes(analyzeYaml(route))).toContain('CI217');
  });

  test.each(['egressgateway', 'eastwestgateway'])('a Gateway on Istio\'s %s, when the input describes no gateway pods', name => {
    const gateway = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: out, namespace: istio-system }
spec: { selector: { istio: ${name} }, servers: [{ port: { number: 443, name: tls, protocol: TLS }, hosts: ["*"], tls: { mode: PASSTHROUGH } }] }`;
    expect(codes(analyzeYaml(gateway)).filter(c => c === 'CI224')).toEqual([]);
    // when the input does describe gateway pods, a selector that matches none of them is reported
    const other = `apiVersion: v1
kind: Pod
metadata: { name: gw, namespace: istio-system, labels: { istio: othergateway } }
spec: { containers: [{ name: istio-proxy, image: proxy }] }`;
    expect(codes(analyzeYaml(gateway, other))).toContain('CI224');
  });
});

describe('other workload kinds and the cluster\'s own namespaces', () => {
  test('an Argo Rollout\'s pods are workloads a DestinationRule subset selects', () => {
    const rollout = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: cart }
spec:
  selector: { matchLabels: { app: cart } }
  template: { metadata: { labels: { app: cart, version: v1 } }, spec: { containers: [{ name: cart, image: cart }] } }`;
    const service = 'apiVersion: v1\nkind: Service\nmetadata: { name: cart }\nspec: { selector: { app: cart }, ports: [{ port: 80, name: http }] }';
    const rule = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: cart }\nspec: { host: cart, subsets: [{ name: v1, labels: { version: v1 } }] }';
    expect(codes(analyzeYaml(rollout, service, rule)).filter(c => c === 'CI206')).toEqual([]);
  });

  test('objects of kube-system, kube-public, kube-node-lease and local-path-storage are left out, as istioctl does', () => {
    const inSystem = (ns: string) => `apiVersion: v1
kind: Service
metadata: { name: dns, namespace: ${ns} }
spec: { selector: { k8s-app: kube-dns }, ports: [{ port: 53, name: dns }] }`;
    for (const ns of ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']) {
      expect(analyzeYaml(inSystem(ns)).filter(f => f.code !== 'CI004')).toEqual([]);
    }
    expect(codes(analyzeYaml(inSystem('shop')))).toContain('CI211');
  });
});

describe('objects of removed APIs are errors naming the replacement (CI008)', () => {
  test.each([
    ['rbac.istio.io/v1alpha1', 'ServiceRole', 'security.istio.io/v1 AuthorizationPolicy'],
    ['authentication.istio.io/v1alpha1', 'Policy', 'security.istio.io/v1 PeerAuthentication'],
    ['config.istio.io/v1alpha2', 'rule', 'the Telemetry API (telemetry.istio.io/v1)'],
    ['extensions/v1beta1', 'Deployment', 'apps/v1 Deployment'],
    ['apps/v1beta2', 'StatefulSet', 'apps/v1 StatefulSet'],
    ['extensions/v1beta1', 'Ingress', 'networking.k8s.io/v1 Ingress'],
  ])('%s %s', (apiVersion, kind, replacement) => {
    const findings = analyzeYaml(`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: { name: old, namespace: shop }\nspec: {}`);
    const removed = findings.filter(f => f.code === 'CI008');
    expect(removed.map(f => f.severity)).toEqual(['error']);
    expect(removed[0].message).toBe(`${apiVersion} ${kind} is no longer served, so kubectl apply fails on it: use ${removed[0].message.split(': use ')[1]}`);
    expect(removed[0].message).toContain(replacement);
  });
});

describe('two documents pasted without --- (CI007)', () => {
  test('is an error naming both lines, and the other documents are still read', () => {
    const pasted = 'apiVersion: v1\nkind: Service\nmetadata: { name: a }\nspec: { ports: [{ port: 80 }] }\napiVersion: v1\nkind: Service\nmetadata: { name: b }';
    const findings = analyzeYaml(pasted, 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }');
    const duplicate = findings.filter(f => f.code === 'CI007');
    expect(duplicate.map(f => [f.line, f.message])).toEqual([[5, "key 'apiVersion' appears twice in one mapping (lines 1 and 5): two documents pasted without '---' merge into one, "
      + 'and the API server keeps the last value; separate the documents or remove one key']]);
    // the Namespace document after it was read: it is reported as not in the mesh
    expect(findings.filter(f => f.code === 'CI250').map(f => f.object)).toEqual(['Namespace/default/shop']);
  });
});

describe('-n/--namespace places objects that name none, as kubectl apply -n does', () => {
  test('a route and its rule without namespaces resolve in the namespace given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-ns-'));
    const file = path.join(dir, 'route.yaml');
    fs.writeFileSync(file, [
      'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }',
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: cart }\nspec: { hosts: [cart], http: [{ route: [{ destination: { host: cart } }] }] }',
    ].join('\n---\n'));
    let stdout = '';
    const code = main(['analyze', '--json', '-n', 'shop', file], s => { stdout += s; }, () => undefined);
    const findings = JSON.parse(stdout).findings;
    expect(code).toBe(1);
    expect(findings.map((f: any) => f.object)).toContain('VirtualService/shop/cart');
    expect(findings.find((f: any) => f.code === 'CI201').message).toContain('visible in namespace shop');
  });
});

describe('wildcard DestinationRule hosts and TLS matches', () => {
  const CART = `apiVersion: v1
kind: Service
metadata: { name: cart, namespace: shop }
spec: { selector: { app: cart }, ports: [{ port: 80, name: http }] }`;

  test('a DestinationRule for *.shop.svc.cluster.local applies to the Services it covers (no CI248)', () => {
    const rule = (host: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: all, namespace: shop }
spec: { host: "${host}", trafficPolicy: { tls: { mode: ISTIO_MUTUAL } } }`;
    expect(codes(analyzeYaml(CART, rule('*.shop.svc.cluster.local'))).filter(c => c === 'CI248')).toEqual([]);
    // with no Service in the namespace it covers (which the input describes), it applies to nothing
    const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec: { selector: { matchLabels: { app: web } }, template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: w, image: w }] } } }';
    expect(codes(analyzeYaml(deployment, rule('*.shop.svc.cluster.local'))).filter(c => c === 'CI248')).toEqual(['CI248']);
  });

  test('a TLS match repeating an earlier one never applies (CI209, as IST0131)', () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: cart, namespace: shop }
spec:
  hosts: [cart.example.com]
  tls:
  - match: [{ sniHosts: [cart.example.com] }]
    route: [{ destination: { host: cart } }]
  - match: [{ sniHosts: [cart.example.com] }]
    route: [{ destination: { host: cart } }]`;
    const findings = analyzeYaml(CART, vs).filter(f => f.code === 'CI209');
    expect(findings.map(f => f.message)).toEqual(['tls[1].match[0] repeats tls[0].match[0] and never applies']);
  });
});

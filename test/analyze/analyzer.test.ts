import { analyzeYaml, codes, GOOD, reviewsRoute } from './helpers';
import { Analyzer } from '../../lib/analyze/analyzer';
import { parseManifests } from '../../lib/analyze/read/manifest';

test('the good baseline has no findings', () => {
  expect(analyzeYaml(...GOOD)).toEqual([]);
});

describe('CI265 several objects of one identity in one state', () => {
  test('is reported once, at the object kubectl apply keeps, which alone is analyzed', () => {
    const v1 = reviewsRoute('  - route: [{ destination: { host: reviews, subset: v9 } }]');
    const v2 = reviewsRoute('  - route: [{ destination: { host: reviews, subset: v1 } }]');
    const findings = analyzeYaml(...GOOD.filter(d => !d.includes('kind: VirtualService')), v1, v2);
    const duplicate = findings.filter(f => f.code === 'CI265');
    expect(duplicate).toHaveLength(1);
    expect(duplicate[0].message).toMatch(/^VirtualService default\/reviews is defined 2 times \(input\.yaml:\d+, input\.yaml:\d+\); kubectl apply keeps the last, input\.yaml:\d+, which the analysis reads/);
    // the first version's undefined subset v9 is gone with it
    expect(codes(findings).filter(c => c === 'CI202')).toEqual([]);
  });
});

describe('a complete input (--complete): the whole cluster, as istioctl analyze sees one', () => {
  const ROUTE = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec:
  hosts: [web.example.com]
  gateways: [istio-system/web]
  http: [{ route: [{ destination: { host: ratings.catalog.svc.cluster.local, port: { number: 9080 } } }] }]`;
  const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: web, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 443, name: https, protocol: HTTPS }, hosts: [web.example.com], tls: { mode: SIMPLE, credentialName: web-cert } }]`;
  const run = (complete: boolean) => {
    const { manifests } = parseManifests('input.yaml', [ROUTE, GATEWAY].join('\n---\n'));
    return new Analyzer([], { complete }).analyze(manifests).filter(f => f.severity !== 'info').map(f => f.code);
  };

  test('by default a reference into a namespace the input does not describe is not checked', () => {
    expect(run(false)).toEqual([]);
  });

  test('complete: the missing Service of another namespace and the missing Secret are findings; the default ingress gateway is still assumed', () => {
    expect(run(true).sort()).toEqual(['CI201', 'CI225']);
  });
});

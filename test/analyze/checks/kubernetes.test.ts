import { analyzeYaml, codes, REVIEWS_SERVICE, REVIEWS_V1 } from '../helpers';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of Kubernetes Services, namespaces and workloads (service, injection and deployment analyzers):
// the checks of lib/analyze/checks/kubernetes.ts.

// Bad/good pairs written for this project after istioctl 1.30's workload analyzers
// (IST0116, IST0137 deployment/services.go; IST0144 deployment/pod.go).

const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, labels: { istio-injection: enabled } }';

const DEPLOYMENT = (podSpec = '{ containers: [{ name: web, image: web }] }', labels = '') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop${labels ? `, labels: { ${labels} }` : ''} }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: ${podSpec}`;

const SERVICE = (name: string, ports: string) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: shop }
spec: { selector: { app: web }, ports: ${ports} }`;

describe('CI211 port names (IST0118)', () => {
  test('flags a port named outside the <protocol>[-suffix] convention', () => {
    const findings = analyzeYaml(REVIEWS_SERVICE.replace('name: http', 'name: web'), REVIEWS_V1);
    expect(findings.map(f => [f.code, f.severity])).toEqual([['CI211', 'info']]);
  });

  test('passes http-suffixed names and appProtocol', () => {
    expect(analyzeYaml(REVIEWS_SERVICE.replace('name: http', 'name: http-api'), REVIEWS_V1)).toEqual([]);
    expect(analyzeYaml(REVIEWS_SERVICE.replace('name: http', 'name: web, appProtocol: http'), REVIEWS_V1)).toEqual([]);
  });
});

describe('CI212 both injection labels (IST0123)', () => {
  test('flags the namespace', () => {
    const findings = analyzeYaml(`
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled, istio.io/rev: canary } }`);
    expect(findings.map(f => [f.code, f.severity])).toEqual([['CI212', 'warning']]);
  });

  test('passes one label', () => {
    expect(analyzeYaml('apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, labels: { istio-injection: enabled } }')).toEqual([]);
  });
});

describe('IST0116, IST0137: Services that disagree about a mesh workload\'s ports (CI242, CI243)', () => {
  test('one port over TCP and UDP', () => {
    const findings = analyzeYaml(NAMESPACE, DEPLOYMENT(), SERVICE('web', '[{ port: 53, name: tcp-dns }]'), SERVICE('web-udp', '[{ port: 53, name: udp-dns, protocol: UDP }]'));
    expect(codes(findings)).toEqual(['CI242']);
    expect(findings[0].message).toBe('Deployment web is selected by Services using port 53 with different protocols: Service/shop/web, Service/shop/web-udp');
  });

  test('one target port behind two ports; the same port twice is fine', () => {
    expect(codes(analyzeYaml(NAMESPACE, DEPLOYMENT(), SERVICE('web', '[{ port: 80, targetPort: 8080, name: http }]'), SERVICE('web-alt', '[{ port: 8000, targetPort: 8080, name: http }]')))).toEqual(['CI243']);
    expect(codes(analyzeYaml(NAMESPACE, DEPLOYMENT(), SERVICE('web', '[{ port: 80, targetPort: 8080, name: http }]'), SERVICE('web-alt', '[{ port: 80, targetPort: 8080, name: http }]')))).toEqual([]);
  });

  test('only workloads in the mesh are checked', () => {
    const services = [SERVICE('web', '[{ port: 53, name: tcp-dns }]'), SERVICE('web-udp', '[{ port: 53, name: udp-dns, protocol: UDP }]')];
    expect(codes(analyzeYaml(DEPLOYMENT(), ...services))).toEqual([]);
  });
});

describe('IST0144: an application running as the proxy\'s UID 1337 (CI244)', () => {
  test('pod or container level, once per workload; the proxy itself and Istio\'s components are exempt', () => {
    expect(codes(analyzeYaml(DEPLOYMENT('{ securityContext: { runAsUser: 1337 }, containers: [{ name: web, image: web, securityContext: { runAsUser: 1337 } }] }')))).toEqual(['CI244']);
    expect(codes(analyzeYaml(DEPLOYMENT('{ containers: [{ name: web, image: web, securityContext: { runAsUser: 1000 } }] }')))).toEqual([]);
    expect(codes(analyzeYaml(DEPLOYMENT('{ containers: [{ name: istio-proxy, image: proxy, securityContext: { runAsUser: 1337 } }] }')))).toEqual([]);
    expect(codes(analyzeYaml(DEPLOYMENT('{ securityContext: { runAsUser: 1337 }, containers: [{ name: web, image: web }] }', 'istio: ingressgateway')))).toEqual([]);
  });
});

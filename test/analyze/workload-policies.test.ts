import { analyzeYaml, codes } from './helpers';

// Bad/good pairs written for this project after istioctl 1.30's CA-certificate (IST0128, IST0129),
// ServiceEntry address (IST0134) and Sidecar selector (IST0101, IST0110, IST0111, IST0167) analyzers.

const DR = (tls: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: db, namespace: shop }
spec: { host: db.example.com${extra}, trafficPolicy: { ${tls} } }`;
/** The ServiceEntry that defines the rules' host, so that only TLS findings remain. */
const DB_ENTRY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: db-entry, namespace: shop }
spec: { hosts: [db.example.com], location: MESH_EXTERNAL, resolution: DNS, ports: [{ number: 5432, name: tls-db, protocol: TLS }] }`;
const SE = (spec: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: db, namespace: shop }
spec: { hosts: [db.example.com], resolution: DNS, ${spec} }`;
const SIDECAR = (name: string, selector?: string, ns = 'shop') => `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: ${name}, namespace: ${ns} }
spec: { ${selector ? `workloadSelector: { labels: { ${selector} } }, ` : ''}egress: [{ hosts: ["./*"] }] }`;
const DEPLOYMENT = (labels: string, annotations = '') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { ${labels} } }
  template:
    metadata: { labels: { ${labels} }${annotations ? `, annotations: { ${annotations} }` : ''} }
    spec: { containers: [{ name: web, image: web }] }`;
const NAMESPACE = (labels: string) => `apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { ${labels} } }`;

describe('IST0128/IST0129 client TLS without caCertificates (CI228, CI229)', () => {
  test('SIMPLE or MUTUAL to a host without a CA is reported, with a CA it is not', () => {
    const [finding] = analyzeYaml(DR('tls: { mode: SIMPLE }'), DB_ENTRY);
    expect([finding.code, finding.severity]).toEqual(['CI228', 'warning']);
    expect(finding.message).toContain('TLS mode SIMPLE to host db.example.com sets no caCertificates');
    expect(codes(analyzeYaml(DR('tls: { mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem }'), DB_ENTRY))).toEqual(['CI228']);
    expect(codes(analyzeYaml(DR('tls: { mode: SIMPLE, caCertificates: /etc/ca.pem }'), DB_ENTRY))).toEqual([]);
    expect(codes(analyzeYaml(DR('tls: { mode: ISTIO_MUTUAL }'), DB_ENTRY))).toEqual([]);
  });

  test('a credentialName exempts only a DestinationRule with a workloadSelector (a gateway\'s)', () => {
    expect(codes(analyzeYaml(DR('tls: { mode: SIMPLE, credentialName: db-ca }'), DB_ENTRY))).toEqual(['CI228']);
    expect(codes(analyzeYaml(DR('tls: { mode: SIMPLE, credentialName: db-ca }', ', workloadSelector: { matchLabels: { istio: egressgateway } }'), DB_ENTRY))).toEqual([]);
  });

  test('each port-level setting is reported on its own', () => {
    const findings = analyzeYaml(DR('portLevelSettings: [{ port: { number: 5432 }, tls: { mode: SIMPLE } }, { port: { number: 5433 }, tls: { mode: SIMPLE, caCertificates: /ca.pem } }]'), DB_ENTRY);
    expect(codes(findings)).toEqual(['CI229']);
    expect(findings[0].message).toContain('port 5432');
  });
});

describe('IST0174 a DestinationRule for a host nothing defines (CI248)', () => {
  test('reported without the ServiceEntry or Service; a host of a namespace the input does not describe is not checked', () => {
    expect(codes(analyzeYaml(DR('tls: { mode: SIMPLE, caCertificates: /ca.pem }')))).toEqual(['CI248']);
    expect(codes(analyzeYaml(DR('tls: { mode: SIMPLE, caCertificates: /ca.pem }'), DB_ENTRY))).toEqual([]);
    const elsewhere = DR('tls: { mode: ISTIO_MUTUAL }').replace('host: db.example.com', 'host: db.payments.svc.cluster.local');
    expect(codes(analyzeYaml(elsewhere))).toEqual([]);
  });
});

describe('IST0134 a ServiceEntry TCP port without addresses (CI230)', () => {
  test('one finding per TCP or unset-protocol port; other protocols and given addresses are fine', () => {
    expect(codes(analyzeYaml(SE('ports: [{ number: 5432, name: tcp, protocol: tcp }, { number: 5433, name: db }, { number: 443, name: https, protocol: HTTPS }]')))).toEqual(['CI230', 'CI230']);
    expect(codes(analyzeYaml(SE('addresses: [10.1.2.3], ports: [{ number: 5432, name: tcp, protocol: TCP }]')))).toEqual([]);
    expect(codes(analyzeYaml(SE('ports: [{ number: 443, name: https, protocol: HTTPS }]')))).toEqual([]);
  });
});

describe('Sidecar selectors (CI231 IST0101, CI232 IST0110, CI233 IST0111, CI234 IST0167)', () => {
  test('a selector that matches no pod or pod template; the Deployment\'s template satisfies it', () => {
    expect(codes(analyzeYaml(SIDECAR('web', 'app: web')))).toEqual(['CI231']);
    expect(codes(analyzeYaml(SIDECAR('web', 'app: web'), DEPLOYMENT('app: web')))).toEqual([]);
  });

  test('two Sidecars selecting one workload are both reported, naming each other', () => {
    const findings = analyzeYaml(SIDECAR('web-a', 'app: web'), SIDECAR('web-b', 'app: web'), DEPLOYMENT('app: web'));
    expect(codes(findings)).toEqual(['CI232', 'CI232']);
    expect(findings[0].message).toContain('the Sidecars web-a, web-b in namespace shop select the same workload Deployment/web');
  });

  test('two selector-less Sidecars in one namespace; one per namespace is fine', () => {
    expect(codes(analyzeYaml(SIDECAR('a'), SIDECAR('b')))).toEqual(['CI233', 'CI233']);
    expect(codes(analyzeYaml(SIDECAR('a'), SIDECAR('b', undefined, 'other')))).toEqual([]);
  });

  test('a Sidecar has no impact in ambient mode, for the namespace or a redirected workload', () => {
    expect(codes(analyzeYaml(SIDECAR('a'), NAMESPACE('istio.io/dataplane-mode: ambient')))).toEqual(['CI234']);
    expect(codes(analyzeYaml(SIDECAR('a'), NAMESPACE('istio.io/dataplane-mode: ambient, istio-injection: enabled')))).toEqual(['CI212']);
    expect(codes(analyzeYaml(SIDECAR('web', 'app: web'), DEPLOYMENT('app: web', 'ambient.istio.io/redirection: enabled')))).toEqual(['CI234']);
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

import { analyzeYaml, codes, GOOD, REVIEWS_RULE, REVIEWS_SERVICE, REVIEWS_V1, REVIEWS_V2 } from '../helpers';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of DestinationRules (destinationrule, deployment and CA-certificate analyzers):
// the checks of lib/analyze/checks/destination-rule.ts.

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

describe('CI205 subset defined twice (KIA0201)', () => {
  test('flags both DestinationRules', () => {
    const findings = analyzeYaml(...GOOD, REVIEWS_RULE.replace('name: reviews }', 'name: reviews-copy }'));
    expect(codes(findings)).toEqual(['CI205', 'CI205', 'CI205', 'CI205']);
  });
});

describe('CI206 subset selects no workload (IST0173, KIA0203)', () => {
  test('flags a subset whose version has no Deployment', () => {
    const findings = analyzeYaml(REVIEWS_SERVICE, REVIEWS_V1, REVIEWS_RULE);
    expect(findings.map(f => [f.code, f.severity, f.message])).toEqual([
      ['CI206', 'warning', "subset 'v2' selects no workload of host 'reviews.default.svc.cluster.local' in the input (pods need app=reviews, version=v2)"],
    ]);
  });
});

describe('CI213 mTLS conflicts (IST0113)', () => {
  const strict = `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: istio-system }
spec: { mtls: { mode: STRICT } }`;

  test('flags a DestinationRule that disables TLS towards STRICT workloads', () => {
    const plaintext = REVIEWS_RULE.replace('host: reviews', 'host: reviews\n  trafficPolicy: { tls: { mode: DISABLE } }');
    const findings = analyzeYaml(REVIEWS_SERVICE, REVIEWS_V1, REVIEWS_V2, plaintext, strict);
    expect(findings.map(f => [f.code, f.message])).toEqual([
      ['CI213', 'tls.mode DISABLE sends plaintext to workloads that require mTLS (PeerAuthentication/istio-system/default sets mtls.mode STRICT); requests fail'],
    ]);
  });

  test('passes ISTIO_MUTUAL towards STRICT workloads', () => {
    const mutual = REVIEWS_RULE.replace('host: reviews', 'host: reviews\n  trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }');
    expect(analyzeYaml(REVIEWS_SERVICE, REVIEWS_V1, REVIEWS_V2, mutual, strict)).toEqual([]);
  });
});

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

describe('CI268 outlier detection that ejects nothing', () => {
  const rule = (outlier: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews }
spec: { host: reviews, trafficPolicy: { outlierDetection: ${outlier} }, subsets: [{ name: v1, labels: { version: v1 }, trafficPolicy: { outlierDetection: ${outlier} } }] }`;

  test('consecutive5xxErrors 0 and no other count, at the rule and at a subset', () => {
    const findings = analyzeYaml(rule('{ consecutive5xxErrors: 0, interval: 10s }')).filter(f => f.code === 'CI268');
    expect(findings.map(f => f.severity)).toEqual(['warning', 'warning']);
    expect(findings[0].message).toContain('outlier detection sets consecutive5xxErrors to 0 and no other error count, so it ejects no endpoint');
  });

  test('another count, or Istio\'s default of 5, ejects', () => {
    expect(codes(analyzeYaml(rule('{ consecutive5xxErrors: 0, consecutiveGatewayErrors: 3 }'))).filter(c => c === 'CI268')).toEqual([]);
    expect(codes(analyzeYaml(rule('{ interval: 10s }'))).filter(c => c === 'CI268')).toEqual([]);
  });
});

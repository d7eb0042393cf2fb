import { analyzeYaml, codes } from './helpers';

// Bad/good pairs written for this project after istioctl 1.30's AuthorizationPolicy analyzer
// (IST0127 no matching workloads, IST0101 source namespace not found).

const POLICY = (namespace: string, spec: string) => `apiVersion: security.istio.io/v1
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

describe('IST0127 an AuthorizationPolicy that matches no workload in the mesh (CI240)', () => {
  test('a selector matching a workload of an injected namespace is fine; outside the mesh it matches nothing', () => {
    const policy = POLICY('shop', 'selector: { matchLabels: { app: web } }, action: DENY, rules: [{ to: [{ operation: { ports: ["81"] } }] }]');
    expect(codes(analyzeYaml(policy, NAMESPACE('shop', 'istio-injection: enabled'), DEPLOYMENT('shop', 'app: web')))).toEqual([]);
    expect(codes(analyzeYaml(policy, NAMESPACE('shop', 'istio-injection: disabled'), DEPLOYMENT('shop', 'app: web')))).toEqual(['CI240']);
    expect(codes(analyzeYaml(policy, NAMESPACE('shop', 'istio-injection: enabled'), DEPLOYMENT('shop', 'app: api')))).toEqual(['CI240']);
  });

  test('ambient and revision-labelled namespaces put their workloads in the mesh', () => {
    const policy = POLICY('shop', 'selector: { matchLabels: { app: web } }');
    expect(codes(analyzeYaml(policy, NAMESPACE('shop', 'istio.io/dataplane-mode: ambient'), DEPLOYMENT('shop', 'app: web')))).toEqual([]);
    expect(codes(analyzeYaml(policy, NAMESPACE('shop', 'istio.io/rev: stable'), DEPLOYMENT('shop', 'app: web')))).toEqual([]);
  });

  test('a namespace-wide policy needs a mesh workload in its namespace; a mesh-wide one without selector needs none', () => {
    expect(codes(analyzeYaml(POLICY('shop', ''), NAMESPACE('shop', 'istio-injection: enabled')))).toEqual(['CI240']);
    expect(codes(analyzeYaml(POLICY('istio-system', '')))).toEqual([]);
    expect(codes(analyzeYaml(POLICY('istio-system', 'selector: { matchLabels: { istio: ingressgateway } }')))).toEqual([]);
  });
});

describe('IST0101 an AuthorizationPolicy source namespace the input does not have (CI241)', () => {
  const mesh = [NAMESPACE('shop', 'istio-injection: enabled'), DEPLOYMENT('shop', 'app: web')];
  test('a namespace with no object in the input; wildcards match by prefix or suffix', () => {
    expect(codes(analyzeYaml(POLICY('shop', ALLOW_FROM('shop')), ...mesh))).toEqual([]);
    expect(codes(analyzeYaml(POLICY('shop', ALLOW_FROM('"sh*"')), ...mesh))).toEqual([]);
    const findings = analyzeYaml(POLICY('shop', ALLOW_FROM('payments')), ...mesh);
    expect(codes(findings)).toEqual(['CI241']);
    expect(findings[0].message).toBe("source namespace 'payments' is not a namespace of the input");
  });
});

describe('policies attached by targetRefs', () => {
  test('are not checked for selected workloads: they apply to the Gateway, Service or waypoint they name', () => {
    const policy = POLICY('shop', 'targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: waypoint }], action: ALLOW, rules: [{}]');
    expect(codes(analyzeYaml(policy))).toEqual([]);
  });

  test('a namespace whose only mesh workload is a Gateway API gateway\'s pod (which Istio deploys) has one', () => {
    const gateway = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec: { gatewayClassName: istio, listeners: [{ name: http, port: 80, protocol: HTTP }] }`;
    expect(codes(analyzeYaml(POLICY('shop', ''), gateway))).toEqual([]);
    expect(codes(analyzeYaml(POLICY('shop', '')))).toEqual(['CI240']);
  });
});

describe('IST0175 JWKS fetches istiod does not restrict (CI255)', () => {
  const istiod = (env: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: istiod, namespace: istio-system, labels: { app: istiod, istio: pilot } }
spec:
  selector: { matchLabels: { app: istiod } }
  template:
    metadata: { labels: { app: istiod } }
    spec: { containers: [{ name: discovery, image: pilot, env: [${env}] }] }`;
  const authn = `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: edge, namespace: istio-system }
spec: { selector: { matchLabels: { istio: ingressgateway } }, jwtRules: [{ issuer: https://auth.example.com }] }`;

  test('reported on istiod only when RequestAuthentications exist and the variable is unset', () => {
    const findings = analyzeYaml(istiod(''), authn).filter(f => f.code === 'CI255');
    expect(findings.map(f => f.object)).toEqual(['Deployment/istio-system/istiod']);
    expect(findings[0].message).toContain('1 RequestAuthentication(s) exist (istio-system/edge)');
    expect(analyzeYaml(istiod('{ name: BLOCKED_CIDRS_IN_JWKS_URIS, value: "10.0.0.0/8" }'), authn).filter(f => f.code === 'CI255')).toEqual([]);
    expect(analyzeYaml(istiod('')).filter(f => f.code === 'CI255')).toEqual([]);
  });
});

import { analyzeYaml, codes } from '../helpers';
import { DEPLOYMENT } from './fixtures';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of Sidecars (sidecar selector analyzers):
// the checks of lib/analyze/checks/sidecar.ts.

const SIDECAR = (name: string, selector?: string, ns = 'shop') => `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: ${name}, namespace: ${ns} }
spec: { ${selector ? `workloadSelector: { labels: { ${selector} } }, ` : ''}egress: [{ hosts: ["./*"] }] }`;

const NAMESPACE = (labels: string) => `apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { ${labels} } }`;

describe('Sidecar selectors (CI231 IST0101, CI232 IST0110, CI233 IST0111, CI234 IST0167)', () => {
  test('a selector that matches no pod or pod template; the Deployment\'s template satisfies it', () => {
    expect(codes(analyzeYaml(SIDECAR('web', 'app: web'), DEPLOYMENT('app: other')))).toEqual(['CI231']);
    // in a namespace the input does not describe, the pods are elsewhere: not checked
    expect(codes(analyzeYaml(SIDECAR('web', 'app: web')))).toEqual([]);
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

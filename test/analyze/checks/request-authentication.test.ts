import { analyzeYaml } from '../helpers';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of RequestAuthentication (JWKS fetch restriction):
// the checks of lib/analyze/checks/request-authentication.ts.

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

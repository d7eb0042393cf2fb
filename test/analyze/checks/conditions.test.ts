import { analyzeYaml } from '../helpers';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of status conditions (conditions.go):
// the checks of lib/analyze/checks/conditions.ts.

describe('IST0171 negative status conditions of exported YAML (CI256)', () => {
  const route = (status: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: shop }
spec: { parentRefs: [{ name: web, kind: Service, group: "" }], rules: [{ backendRefs: [{ name: web, port: 80 }] }] }
status: { parents: [{ parentRef: { name: web, kind: Service, group: "" }, controllerName: istio.io/gateway-controller, conditions: [{ type: ResolvedRefs, status: "${status}", reason: BackendNotFound, message: backend not found, lastTransitionTime: "2026-01-01T00:00:00Z" }] }] }`;
  const service = 'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec: { selector: { app: web }, ports: [{ port: 80, name: http }] }';

  test('a route whose controller did not resolve its references; a true condition is fine', () => {
    const findings = analyzeYaml(route('False'), service).filter(f => f.code === 'CI256');
    expect(findings.map(f => f.message)).toEqual(['status condition ResolvedRefs is False (BackendNotFound): backend not found']);
    expect(analyzeYaml(route('True'), service).filter(f => f.code === 'CI256')).toEqual([]);
  });
});

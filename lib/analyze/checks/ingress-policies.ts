import { gatewayPolicies } from '../attachment';
import { CHECKS, Finding } from '../finding';
import { Manifest } from '../manifest';
import { Mesh } from '../mesh';
import { objects } from './util';

// Our own check, on the policies istiod gives a gateway's proxy (attachment.ts): clients outside the mesh
// carry no peer identity, so a rule that requires one (principals, namespaces) never admits them.

/** Whether a source requires a mesh peer identity: it names principals or namespaces. */
function requiresPeer(source: any): boolean {
  return Array.isArray(source?.principals) || Array.isArray(source?.namespaces);
}

/** Whether an ALLOW policy admits nothing from outside the mesh: no rules, or each rule requires a peer identity. */
function refusesOutside(policy: Manifest): boolean {
  return objects(policy.object.spec?.rules).every(rule => rule.when === undefined
    && objects(rule.from).length > 0 && objects(rule.from).every(f => requiresPeer(f.source)));
}

/** Whether an HTTPRoute of the input sends the gateway's requests to a Service: it is an ingress, not an egress gateway. */
function routesIntoCluster(mesh: Mesh, gateway: Manifest): boolean {
  return mesh.routes.some(route => objects(route.object.spec?.parentRefs)
    .some(p => (p.kind ?? 'Gateway') === 'Gateway' && p.name === gateway.name && (p.namespace ?? route.namespace) === gateway.namespace)
    && objects(route.object.spec?.rules).some(rule => objects(rule.backendRefs).some(b => (b.kind ?? 'Service') === 'Service')));
}

/** The ALLOW policies that apply to an ingress gateway's proxy, with the advice for its kind; undefined for other gateways. */
function ingressPolicies(mesh: Mesh, gateway: Manifest): { policies: Manifest[]; remedy: string } | undefined {
  const ingress = gateway.group === 'gateway.networking.k8s.io'
    ? gateway.object.spec?.gatewayClassName === 'istio' && routesIntoCluster(mesh, gateway)
    // Istio's ingress gateway by its default label; egress and east-west gateways serve mesh clients
    : gateway.object.spec?.selector?.istio === 'ingressgateway';
  if (!ingress) return undefined;
  const allows = mesh.ofKind('security.istio.io', 'AuthorizationPolicy').filter(p => (p.object.spec?.action ?? 'ALLOW') === 'ALLOW');
  return {
    policies: gatewayPolicies(allows, gateway),
    remedy: gateway.group === 'gateway.networking.k8s.io'
      ? 'attach an ALLOW policy for its clients to the Gateway (targetRefs; ZeroTrust.allowIngress does)'
      : 'add an ALLOW policy for its clients that selects the gateway\'s pods',
  };
}

/** CI263: the ALLOW policies that apply to an ingress gateway's proxy admit no request from outside the mesh. */
export function checkIngressAdmitsOutside(mesh: Mesh): Finding[] {
  const gateways = [...mesh.kubernetesGateways.values(), ...mesh.gateways.values()];
  return gateways.flatMap(gateway => {
    const applied = ingressPolicies(mesh, gateway);
    if (!applied || applied.policies.length === 0 || !applied.policies.every(refusesOutside)) return [];
    return [gateway.finding(CHECKS.ingressRefusesOutside,
      `${gateway.kind} ${gateway.namespace}/${gateway.name} takes requests from clients outside the mesh, which carry no peer identity; the ALLOW policies `
      + `that apply to its proxy (${applied.policies.map(p => `${p.namespace}/${p.name}`).join(', ')}) admit only mesh identities or nothing, `
      + `so it refuses every such client: ${applied.remedy}`)];
  });
}

import { ROOT_NAMESPACE } from '../../private/mesh-defaults';
import { CHECKS, Finding } from '../finding';
import { Manifest } from '../manifest';
import { Mesh } from '../mesh';
import { labelsMatch, objects } from './util';

// Our own check, after istiod's policy attachment (pilot/pkg/model/policyattachment.go, istio 1.30.3): a
// Gateway API gateway's proxy gets the policies of its namespace and the root namespace that have no
// targetRefs and select it (a policy without selector selects every workload), and those attached to it;
// an Istio Gateway's proxies get the root namespace's policies that select them. Clients outside the mesh
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

function hasTargets(policy: Manifest): boolean {
  return policy.object.spec?.targetRef !== undefined || policy.object.spec?.targetRefs !== undefined;
}

function selects(policy: Manifest, podLabels: Record<string, string>): boolean {
  const selector = policy.object.spec?.selector?.matchLabels;
  return policy.object.spec?.selector === undefined || (selector !== undefined && typeof selector === 'object' && labelsMatch(selector, podLabels));
}

function attachedTo(policy: Manifest, gateway: Manifest): boolean {
  return policy.namespace === gateway.namespace && objects([policy.object.spec?.targetRef, ...objects(policy.object.spec?.targetRefs)])
    .some(ref => ref.kind === 'Gateway' && (ref.group ?? '') === 'gateway.networking.k8s.io' && ref.name === gateway.name);
}

/** Whether an HTTPRoute of the input sends the gateway's requests to a Service: it is an ingress, not an egress gateway. */
function routesIntoCluster(mesh: Mesh, gateway: Manifest): boolean {
  return mesh.routes.some(route => objects(route.object.spec?.parentRefs)
    .some(p => (p.kind ?? 'Gateway') === 'Gateway' && p.name === gateway.name && (p.namespace ?? route.namespace) === gateway.namespace)
    && objects(route.object.spec?.rules).some(rule => objects(rule.backendRefs).some(b => (b.kind ?? 'Service') === 'Service')));
}

/** The ALLOW policies that apply to an ingress gateway's proxy, with the advice for its kind. */
function gatewayPolicies(mesh: Mesh, gateway: Manifest): { policies: Manifest[]; remedy: string } | undefined {
  const all = mesh.ofKind('security.istio.io', 'AuthorizationPolicy').filter(p => (p.object.spec?.action ?? 'ALLOW') === 'ALLOW');
  if (gateway.group === 'gateway.networking.k8s.io') {
    if (gateway.object.spec?.gatewayClassName !== 'istio' || !routesIntoCluster(mesh, gateway)) return undefined;
    const pod = { 'gateway.networking.k8s.io/gateway-name': gateway.name };
    return {
      policies: all.filter(p => attachedTo(p, gateway) || ((p.namespace === gateway.namespace || p.namespace === ROOT_NAMESPACE) && !hasTargets(p) && selects(p, pod))),
      remedy: 'attach an ALLOW policy for its clients to the Gateway (targetRefs; ZeroTrust.allowIngress does)',
    };
  }
  const selector = gateway.object.spec?.selector;
  // Istio's ingress gateway by its default label; egress and east-west gateways serve mesh clients
  if (!selector || typeof selector !== 'object' || selector.istio !== 'ingressgateway') return undefined;
  // the proxies an Istio Gateway selects run in a namespace of their own: only the root namespace's policies surely reach them
  return {
    policies: all.filter(p => p.namespace === ROOT_NAMESPACE && !hasTargets(p) && selects(p, selector)),
    remedy: 'add an ALLOW policy for its clients that selects the gateway\'s pods',
  };
}

/** CI263: the ALLOW policies that apply to an ingress gateway's proxy admit no request from outside the mesh. */
export function checkIngressAdmitsOutside(mesh: Mesh): Finding[] {
  const gateways = [...mesh.kubernetesGateways.values(), ...mesh.gateways.values()];
  return gateways.flatMap(gateway => {
    const applied = gatewayPolicies(mesh, gateway);
    if (!applied || applied.policies.length === 0 || !applied.policies.every(refusesOutside)) return [];
    return [gateway.finding(CHECKS.ingressRefusesOutside,
      `${gateway.kind} ${gateway.namespace}/${gateway.name} takes requests from clients outside the mesh, which carry no peer identity; the ALLOW policies `
      + `that apply to its proxy (${applied.policies.map(p => `${p.namespace}/${p.name}`).join(', ')}) admit only mesh identities or nothing, `
      + `so it refuses every such client: ${applied.remedy}`)];
  });
}

import { ROOT_NAMESPACE } from '../../private/mesh-defaults';
import { workloadPolicies } from '../attachment';
import { CHECKS, Finding } from '../finding';
import { Manifest } from '../manifest';
import { Mesh } from '../mesh';
import { objects, strings } from './util';

// Our own check, after ztunnel's inbound authorization (istio/ztunnel src/state.rs `assert_rbac`) and
// istiod's conversion of AuthorizationPolicies for ztunnel (pilot/pkg/serviceregistry/ambient/
// authorization.go): a waypoint forwards each request to the pods under its own identity, and the
// destination's ztunnel checks it against every policy without targetRefs that applies to the pod.

/** Source fields ztunnel can check that this check does not model; a source using one might admit the waypoint. */
const UNMODELLED_SOURCE = ['notPrincipals', 'notNamespaces', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts', 'requestPrincipals', 'notRequestPrincipals'];

function matchesPattern(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

/** Whether `source` may match requests from `sender`: false only when its principals or namespaces exclude it. */
function sourceMayAdmit(source: any, sender: Sender): boolean {
  if (UNMODELLED_SOURCE.some(field => source[field] !== undefined)) {
    return true;
  }
  const principal = `cluster.local/ns/${sender.namespace}/sa/${sender.serviceAccount}`;
  // principals match with any trust domain the mesh accepts: compare from `/ns/` on when the pattern names one
  const principalOk = source.principals === undefined
    || strings(source.principals).some(p => matchesPattern(p, principal) || (p.includes('/ns/') && matchesPattern(p.slice(p.indexOf('/ns/')), principal.slice(principal.indexOf('/ns/')))));
  const namespaceOk = source.namespaces === undefined || strings(source.namespaces).some(n => matchesPattern(n, sender.namespace));
  return principalOk && namespaceOk;
}

/** Whether an ALLOW policy has a rule that may admit `sender`; conditions (`when`) count as may. */
function mayAdmit(policy: Manifest, sender: Sender): boolean {
  return objects(policy.object.spec?.rules).some(rule => {
    const from = objects(rule.from);
    return rule.when !== undefined || from.length === 0 || from.some(f => sourceMayAdmit(f.source ?? {}, sender));
  });
}

/** The policies ztunnel enforces for pods labelled `labels` in `namespace`. */
function ztunnelPolicies(byNamespace: Map<string, Manifest[]>, namespace: string, labels: Record<string, string>): Manifest[] {
  return workloadPolicies([...byNamespace.get(namespace) ?? [], ...(namespace === ROOT_NAMESPACE ? [] : byNamespace.get(ROOT_NAMESPACE) ?? [])], labels);
}

/** A proxy whose identity reaches an ambient service's pods through ztunnel, and what the message says of it. */
interface Sender {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** `waypoint shop/waypoint (namespace label istio.io/use-waypoint)` */
  readonly describe: string;
  /** `the waypoint forwards` */
  readonly forwards: string;
  readonly remedy: string;
}

const WAYPOINT_REMEDY = 'allow the waypoint\'s principal in a policy without targetRefs, and attach the callers\' policies to the waypoint or the Service';

/** Services of the input in ambient namespaces, each with the proxies whose identity its pods see. */
function senders(mesh: Mesh): Array<{ service: Manifest; sender: Sender }> {
  const found: Array<{ service: Manifest; sender: Sender }> = [];
  for (const service of mesh.ofKind('', 'Service')) {
    const waypoint = mesh.waypointOf(service);
    if (waypoint) {
      found.push({ service, sender: { namespace: waypoint.namespace, serviceAccount: waypoint.name, describe: `waypoint ${waypoint.namespace}/${waypoint.name} (${waypoint.via})`, forwards: 'the waypoint forwards', remedy: WAYPOINT_REMEDY } });
    }
  }
  for (const route of mesh.routes.filter(r => r.kind === 'HTTPRoute')) {
    found.push(...ingressSenders(mesh, route));
  }
  return found;
}

/**
 * An Istio ingress Gateway that an HTTPRoute sends to Services of ambient namespaces: it reaches their pods
 * under its own identity, unless the Service sends ingress traffic through its waypoint.
 */
function ingressSenders(mesh: Mesh, route: Manifest): Array<{ service: Manifest; sender: Sender }> {
  const gateways = objects(route.object.spec?.parentRefs)
    .filter(p => (p.kind ?? 'Gateway') === 'Gateway' && (p.group ?? 'gateway.networking.k8s.io') === 'gateway.networking.k8s.io')
    .map(p => mesh.kubernetesGateways.get(`${p.namespace ?? route.namespace}/${p.name}`))
    .filter((g): g is Manifest => g !== undefined && g.object.spec?.gatewayClassName === 'istio');
  const backends = objects(route.object.spec?.rules).flatMap(rule => objects(rule.backendRefs))
    .filter(b => (b.kind ?? 'Service') === 'Service' && (b.group ?? '') === '' && typeof b.name === 'string')
    .map(b => mesh.services.get(mesh.fqdn(b.name, b.namespace ?? route.namespace)))
    .filter((s): s is Manifest => s !== undefined && mesh.isAmbient(s.namespace) && !mesh.ingressUsesWaypoint(s));
  return gateways.flatMap(gateway => [...new Set(backends)].map(service => {
    const waypoint = mesh.waypointOf(service);
    return {
      service,
      sender: {
        namespace: gateway.namespace,
        // Istio's managed gateways run as <name>-<class> unless annotated
        serviceAccount: gateway.object.metadata?.annotations?.['gateway.istio.io/service-account'] ?? `${gateway.name}-istio`,
        describe: `ingress gateway ${gateway.namespace}/${gateway.name} (HTTPRoute ${route.namespace}/${route.name}${waypoint ? `, bypassing waypoint ${waypoint.name}` : ''})`,
        forwards: 'the gateway sends',
        remedy: waypoint
          ? 'label the Service or its Namespace istio.io/ingress-use-waypoint=true so ingress traffic goes through the waypoint, or allow the gateway\'s principal in a policy without targetRefs'
          : 'allow the gateway\'s principal in a policy without targetRefs',
      },
    };
  }));
}

/**
 * CI262: the AuthorizationPolicies ztunnel enforces for an ambient service's pods admit no identity of the
 * proxy that forwards its requests: its waypoint, or an ingress gateway that does not go through it.
 */
export function checkZtunnelAdmitsForwarders(mesh: Mesh): Finding[] {
  const byNamespace = new Map<string, Manifest[]>();
  for (const p of mesh.ofKind('security.istio.io', 'AuthorizationPolicy')) {
    byNamespace.set(p.namespace, [...byNamespace.get(p.namespace) ?? [], p]);
  }
  const reported = new Set<string>();
  const findings: Finding[] = [];
  for (const { service, sender } of senders(mesh)) {
    const selector = service.object.spec?.selector;
    const pods = selector && typeof selector === 'object' ? mesh.workloadsSelectedBy(service.namespace, selector) : [];
    for (const { labels } of pods) {
      const allows = ztunnelPolicies(byNamespace, service.namespace, labels).filter(p => (p.object.spec?.action ?? 'ALLOW') === 'ALLOW');
      const principal = `cluster.local/ns/${sender.namespace}/sa/${sender.serviceAccount}`;
      const key = `${service.namespace}/${principal}/${allows.map(p => `${p.namespace}/${p.name}`).join(',')}`;
      if (allows.length === 0 || allows.some(p => mayAdmit(p, sender)) || reported.has(key)) continue;
      reported.add(key);
      findings.push(allows[0].finding(CHECKS.ztunnelRefusesForwarder,
        `pods in namespace ${service.namespace} receive their requests from ${sender.describe}, as ${principal}; the ALLOW policies ztunnel enforces for them `
        + `(${allows.map(p => `${p.namespace}/${p.name}`).join(', ')}) admit no such identity, so ztunnel refuses every request ${sender.forwards}: ${sender.remedy}`));
    }
  }
  return findings;
}

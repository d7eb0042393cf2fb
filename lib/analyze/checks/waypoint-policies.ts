import { ROOT_NAMESPACE } from '../../private/mesh-defaults';
import { CHECKS, Finding } from '../finding';
import { Manifest } from '../manifest';
import { Mesh, WaypointRef } from '../mesh';
import { labelsMatch, objects, strings } from './util';

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

/** Whether `source` may match requests from `waypoint`: false only when its principals or namespaces exclude it. */
function sourceMayAdmit(source: any, waypoint: WaypointRef): boolean {
  if (UNMODELLED_SOURCE.some(field => source[field] !== undefined)) {
    return true;
  }
  const principal = `cluster.local/ns/${waypoint.namespace}/sa/${waypoint.name}`;
  // principals match with any trust domain the mesh accepts: compare from `/ns/` on when the pattern names one
  const principalOk = source.principals === undefined
    || strings(source.principals).some(p => matchesPattern(p, principal) || (p.includes('/ns/') && matchesPattern(p.slice(p.indexOf('/ns/')), principal.slice(principal.indexOf('/ns/')))));
  const namespaceOk = source.namespaces === undefined || strings(source.namespaces).some(n => matchesPattern(n, waypoint.namespace));
  return principalOk && namespaceOk;
}

/** Whether an ALLOW policy has a rule that may admit the waypoint; conditions (`when`) count as may. */
function mayAdmit(policy: Manifest, waypoint: WaypointRef): boolean {
  return objects(policy.object.spec?.rules).some(rule => {
    const from = objects(rule.from);
    return rule.when !== undefined || from.length === 0 || from.some(f => sourceMayAdmit(f.source ?? {}, waypoint));
  });
}

/** The policies ztunnel enforces for pods labelled `labels` in `namespace`: no targetRefs, selector absent or matching. */
function ztunnelPolicies(byNamespace: Map<string, Manifest[]>, namespace: string, labels: Record<string, string>): Manifest[] {
  return [...byNamespace.get(namespace) ?? [], ...(namespace === ROOT_NAMESPACE ? [] : byNamespace.get(ROOT_NAMESPACE) ?? [])].filter(p => {
    const spec = p.object.spec ?? {};
    if (spec.targetRef !== undefined || spec.targetRefs !== undefined) return false;
    const selector = spec.selector?.matchLabels;
    return !selector || (typeof selector === 'object' && labelsMatch(selector, labels));
  });
}

/** The ambient services of the input that use a waypoint, with the labels of their pods. */
function waypointUsers(mesh: Mesh): Array<{ namespace: string; waypoint: WaypointRef; podLabels: Array<Record<string, string>> }> {
  const users = [];
  for (const service of mesh.ofKind('', 'Service')) {
    const waypoint = mesh.waypointOf(service);
    const selector = service.object.spec?.selector;
    if (waypoint && selector && typeof selector === 'object') {
      users.push({ namespace: service.namespace, waypoint, podLabels: mesh.workloadsSelectedBy(service.namespace, selector).map(w => w.labels) });
    }
  }
  return users;
}

/** CI262: the AuthorizationPolicies ztunnel enforces for a waypoint's services admit no identity of the waypoint. */
export function checkWaypointIdentityAllowed(mesh: Mesh): Finding[] {
  const byNamespace = new Map<string, Manifest[]>();
  for (const p of mesh.ofKind('security.istio.io', 'AuthorizationPolicy')) {
    byNamespace.set(p.namespace, [...byNamespace.get(p.namespace) ?? [], p]);
  }
  const reported = new Set<string>();
  const findings: Finding[] = [];
  for (const { namespace, waypoint, podLabels } of waypointUsers(mesh)) {
    for (const labels of podLabels) {
      const allows = ztunnelPolicies(byNamespace, namespace, labels).filter(p => (p.object.spec?.action ?? 'ALLOW') === 'ALLOW');
      const key = `${namespace}/${waypoint.namespace}/${waypoint.name}/${allows.map(p => `${p.namespace}/${p.name}`).join(',')}`;
      if (allows.length === 0 || allows.some(p => mayAdmit(p, waypoint)) || reported.has(key)) continue;
      reported.add(key);
      findings.push(allows[0].finding(CHECKS.waypointIdentityDenied,
        `pods in namespace ${namespace} receive their requests from waypoint ${waypoint.namespace}/${waypoint.name} (${waypoint.via}), `
        + `as cluster.local/ns/${waypoint.namespace}/sa/${waypoint.name}; the ALLOW policies ztunnel enforces for them `
        + `(${allows.map(p => `${p.namespace}/${p.name}`).join(', ')}) admit no such identity, so ztunnel refuses every request the waypoint forwards: `
        + 'allow the waypoint\'s principal in a policy without targetRefs, and attach the callers\' policies to the waypoint or the Service'));
    }
  }
  return findings;
}

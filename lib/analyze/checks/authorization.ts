import { ROOT_NAMESPACE } from '../../private/mesh-defaults';
import { CHECKS, Finding } from '../finding';
import { Manifest } from '../manifest';
import { groupBy, Mesh, Workload } from '../mesh';
import { inMesh } from './pods';
import { labelsMatch, objects, selectorString, strings } from './util';

// istioctl 1.30's AuthorizationPolicy analyzer (authz/authorizationpolicies.go): policies whose selector
// matches no workload in the mesh, and source namespaces that do not exist.


function noMatchingWorkloads(meshPods: Map<string, Workload[]>, policy: Manifest): Finding | undefined {
  const labels = policy.object.spec?.selector?.matchLabels;
  const selector: Record<string, string> | undefined = labels && typeof labels === 'object' ? labels : (policy.object.spec?.selector ? {} : undefined);
  const selects = (pods: Workload[]) => pods.some(w => labelsMatch(selector ?? {}, w.labels));
  const describe = selector ? selectorString(selector) : '';
  if (policy.namespace === ROOT_NAMESPACE) {
    // a mesh-wide policy: without a selector it applies everywhere; with one, to matching pods of any namespace
    return selector && ![...meshPods.values()].some(selects) ? policy.finding(CHECKS.authorizationSelectsNothing, `no workload in the mesh matches selector ${describe}`, ['spec', 'selector']) : undefined;
  }
  const local = meshPods.get(policy.namespace) ?? [];
  if (!selector) {
    return local.length === 0 ? policy.finding(CHECKS.authorizationSelectsNothing, `no workload in the mesh runs in namespace ${policy.namespace}`) : undefined;
  }
  return selects(local) ? undefined : policy.finding(CHECKS.authorizationSelectsNothing, `no workload in the mesh in namespace ${policy.namespace} matches selector ${describe}`, ['spec', 'selector']);
}

function namespaceMatches(namespace: string, pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return namespace.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return namespace.startsWith(pattern.slice(0, -1));
  return namespace.toLowerCase() === pattern.toLowerCase();
}

function unknownNamespaces(mesh: Mesh, policy: Manifest): Finding[] {
  const known = [...mesh.knownNamespaces];
  const findings: Finding[] = [];
  objects(policy.object.spec?.rules).forEach((rule, i) => objects(rule.from).forEach((from, j) => {
    for (const field of ['namespaces', 'notNamespaces']) {
      strings(from.source?.[field]).forEach((ns, k) => {
        if (!known.some(n => namespaceMatches(n, ns))) {
          findings.push(policy.finding(CHECKS.authorizationNamespaceNotFound, `source namespace '${ns}' is not a namespace of the input`, ['spec', 'rules', i, 'from', j, 'source', field, k]));
        }
      });
    }
  }));
  return findings;
}

/** IST0127, IST0101: AuthorizationPolicies that select no workload of the mesh, or name namespaces that do not exist. */
export function checkAuthorizationPolicies(mesh: Mesh): Finding[] {
  const meshPods = groupBy(mesh.workloads.filter(w => inMesh(mesh, w)), w => w.namespace);
  const findings: Finding[] = [];
  for (const policy of mesh.ofKind('security.istio.io', 'AuthorizationPolicy')) {
    // a policy attached by targetRefs applies to a Gateway, Service or waypoint, not to pods it selects
    const attached = policy.object.spec?.targetRef || policy.object.spec?.targetRefs;
    const none = attached ? undefined : noMatchingWorkloads(meshPods, policy);
    if (none) findings.push(none);
    findings.push(...unknownNamespaces(mesh, policy));
  }
  return findings;
}

import { ROOT_NAMESPACE } from '../../private/mesh-defaults';
import { labelsMatch, objects } from '../read/values';
import { Manifest } from '../read/manifest';

// Which AuthorizationPolicies istiod gives a gateway's proxy (pilot/pkg/model/policyattachment.go,
// istio 1.30.3): a Gateway API gateway gets the policies attached to it by targetRefs and, since
// ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY is on by default, those of its namespace and the root namespace
// without targetRefs that select its pods (no selector selects every pod). An Istio Gateway's proxies are
// deployed on their own, in a namespace the input does not say; only the root namespace's policies that
// select them surely apply.

function hasTargets(policy: Manifest): boolean {
  return policy.object.spec?.targetRef !== undefined || policy.object.spec?.targetRefs !== undefined;
}

// as istiod's isSelected: no selector, or empty matchLabels, selects every pod
function selects(policy: Manifest, podLabels: Record<string, string>): boolean {
  const labels = policy.object.spec?.selector?.matchLabels;
  return labels === undefined || labels === null || (typeof labels === 'object' && labelsMatch(labels, podLabels));
}

/**
 * The AuthorizationPolicies a workload's proxy (its sidecar, or ztunnel for an ambient pod) applies: those
 * of its namespace and the root namespace without targetRefs that select its pods (no selector selects all).
 * `policies` are those of those two namespaces.
 */
export function workloadPolicies(policies: readonly Manifest[], podLabels: Record<string, string>): Manifest[] {
  return policies.filter(p => appliesToPod(p, podLabels));
}

/** Whether a workload's proxy applies `policy` (of its namespace or the root one) to a pod labelled `podLabels`. */
export function appliesToPod(policy: Manifest, podLabels: Record<string, string>): boolean {
  return !hasTargets(policy) && selects(policy, podLabels);
}

/** Whether a policy's targetRef(s) name the object of `group` (`''` for core), `kind` and `name`. */
function targets(policy: Manifest, group: string, kind: string, name: string): boolean {
  return objects([policy.object.spec?.targetRef, ...objects(policy.object.spec?.targetRefs)])
    .some(ref => (ref.group ?? '') === group && ref.kind === kind && ref.name === name);
}

/** Whether a policy is attached by targetRefs to the Gateway API Gateway `gateway` (of its own namespace). */
function attachedToGateway(policy: Manifest, gateway: { namespace: string; name: string }): boolean {
  return policy.namespace === gateway.namespace && targets(policy, 'gateway.networking.k8s.io', 'Gateway', gateway.name);
}

/**
 * The AuthorizationPolicies a waypoint applies to requests for `service`: those attached to the Service
 * (in its namespace), to the waypoint's Gateway, and to the `istio-waypoint` GatewayClass (root namespace).
 * Waypoints ignore selector policies.
 */
export function waypointPolicies(policies: readonly Manifest[], waypoint: { namespace: string; name: string }, service: { namespace: string; name: string }): Manifest[] {
  return policies.filter(p => (p.namespace === service.namespace && targets(p, '', 'Service', service.name))
    || attachedToGateway(p, waypoint)
    || (p.namespace === ROOT_NAMESPACE && targets(p, 'gateway.networking.k8s.io', 'GatewayClass', 'istio-waypoint')));
}

/** The AuthorizationPolicies (any action) istiod applies to the proxy of `gateway`, an Istio or a Gateway API Gateway. */
export function gatewayPolicies(policies: readonly Manifest[], gateway: Manifest): Manifest[] {
  if (gateway.group === 'gateway.networking.k8s.io') {
    const pod = { 'gateway.networking.k8s.io/gateway-name': gateway.name };
    return policies.filter(p => attachedToGateway(p, gateway)
      || ((p.namespace === gateway.namespace || p.namespace === ROOT_NAMESPACE) && !hasTargets(p) && selects(p, pod)));
  }
  const selector = gateway.object.spec?.selector;
  const labels = selector && typeof selector === 'object' ? selector : {};
  return policies.filter(p => p.namespace === ROOT_NAMESPACE && !hasTargets(p) && selects(p, labels));
}

import { CHECKS, Finding } from '../finding';
import { Mesh } from '../mesh';
import { labelsMatch } from './util';

// istioctl 1.30's k8sgateway SelectorAnalyzer (k8sgateway/workloadselector.go): a policy that selects the
// pods of a Gateway API Gateway by label, where Istio wants `targetRef` to the Gateway.

const POLICY_KINDS: ReadonlyArray<[string, string]> = [['security.istio.io', 'AuthorizationPolicy'], ['security.istio.io', 'RequestAuthentication'],
  ['telemetry.istio.io', 'Telemetry'], ['extensions.istio.io', 'WasmPlugin']];
const GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';

/** The labels of Gateway API gateway pods (of the input, or those assumed for its Gateways), by namespace. */
function gatewayPods(mesh: Mesh): Map<string, Array<Record<string, string>>> {
  const pods = new Map<string, Array<Record<string, string>>>();
  for (const w of mesh.workloads.filter(x => typeof x.labels[GATEWAY_NAME] === 'string')) {
    pods.set(w.namespace, [...pods.get(w.namespace) ?? [], w.labels]);
  }
  return pods;
}

/** IST0166: a policy whose `selector` matches the pods of a Gateway API Gateway instead of naming it in `targetRef`. */
export function checkGatewayPodSelectors(mesh: Mesh): Finding[] {
  const pods = gatewayPods(mesh);
  const findings: Finding[] = [];
  for (const policy of POLICY_KINDS.flatMap(([group, kind]) => mesh.ofKind(group, kind))) {
    const spec = policy.object.spec ?? {};
    const selector = spec.selector?.matchLabels ?? (spec.selector ? {} : undefined);
    if (spec.targetRef || !selector || typeof selector !== 'object') continue;
    const names = new Set<string>();
    for (const labels of pods.get(policy.namespace) ?? []) {
      if (labelsMatch(selector, labels)) names.add(labels[GATEWAY_NAME]);
    }
    for (const name of [...names].sort()) {
      findings.push(policy.finding(CHECKS.ineffectiveGatewaySelector, `the selector matches the pods of Gateway ${name}, where it has no effect: name the Gateway in targetRefs instead`, ['spec', 'selector']));
    }
  }
  return findings;
}

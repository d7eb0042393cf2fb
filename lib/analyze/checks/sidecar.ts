import { check, Check, Finding, Severity } from '../finding';
import { append, Mesh, Workload } from '../model/mesh';
import { podOf } from '../model/pods';
import { Manifest } from '../read/manifest';
import { selectorString } from '../read/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  sidecarSelectorNotFound: check('CI231', Severity.ERROR, 'IST0101', 'Sidecar workloadSelector that matches no pod',
    'a Sidecar `workloadSelector` that matches no pod or pod template in its namespace'),
  sidecarSelectorConflict: check('CI232', Severity.ERROR, 'IST0110', 'a workload several Sidecar selectors match',
    'a workload that several Sidecars select'),
  sidecarsWithoutSelector: check('CI233', Severity.ERROR, 'IST0111', 'several Sidecars without workloadSelector in one namespace',
    'several Sidecars without `workloadSelector` in one namespace'),
  ineffectiveSidecar: check('CI234', Severity.WARNING, 'IST0167', 'a Sidecar whose workloads or namespace are in ambient mode',
    'a Sidecar that has no impact: its namespace or workloads are in ambient mode'),
} satisfies Record<string, Check>;

const names = (sidecars: Manifest[]) => sidecars.map(s => s.name).sort();

const inAmbient = (w: Workload) => podOf(w.manifest).annotations['ambient.istio.io/redirection'] === 'enabled';

function namespaceInAmbient(ns: Manifest | undefined): boolean {
  const labels = ns?.object.metadata?.labels ?? {};
  return labels['istio-injection'] !== 'enabled' && !labels['istio.io/rev'] && labels['istio.io/dataplane-mode'] === 'ambient';
}

/** IST0101, IST0110, IST0111, IST0167: Sidecar selectors that match no pod, that overlap, or that an ambient workload ignores. */
export function checkSidecarSelectors(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  const byWorkload = new Map<Workload, Manifest[]>();
  const byNamespace = new Map<string, Manifest[]>();
  for (const sidecar of mesh.ofKind('networking.istio.io', 'Sidecar')) {
    const labels = sidecar.object.spec?.workloadSelector?.labels;
    if (!labels || typeof labels !== 'object' || Object.keys(labels).length === 0) {
      append(byNamespace, sidecar.namespace, sidecar);
      continue;
    }
    const selected = mesh.workloadsSelectedBy(sidecar.namespace, labels);
    // in a namespace the input does not describe, its pods are elsewhere: nothing to check against
    if (selected.length === 0 && mesh.knownNamespaces.has(sidecar.namespace)) {
      findings.push(sidecar.finding(CODES.sidecarSelectorNotFound, `workloadSelector ${selectorString(labels)} matches no pod or pod template in namespace ${sidecar.namespace}`, ['spec', 'workloadSelector', 'labels']));
    }
    selected.forEach(w => append(byWorkload, w, sidecar));
  }
  const ineffective = new Set<Manifest>();
  const reportIneffective = (sidecar: Manifest, reason: string) => {
    if (ineffective.has(sidecar)) return;
    ineffective.add(sidecar);
    findings.push(sidecar.finding(CODES.ineffectiveSidecar, `the policy has no impact: ${reason}`));
  };
  for (const [workload, sidecars] of byWorkload) {
    if (inAmbient(workload)) {
      sidecars.forEach(s => reportIneffective(s, 'selected workload is in ambient mode'));
    } else if (sidecars.length > 1) {
      for (const s of sidecars) {
        findings.push(s.finding(CODES.sidecarSelectorConflict, `the Sidecars ${names(sidecars).join(', ')} in namespace ${workload.namespace} select the same workload ${workload.manifest.kind}/${workload.manifest.name}: which one applies is undefined`, ['metadata', 'name']));
      }
    }
  }
  for (const [namespace, sidecars] of byNamespace) {
    if (namespaceInAmbient(mesh.namespaces.get(namespace))) {
      sidecars.forEach(s => reportIneffective(s, 'namespace is in ambient mode'));
    } else if (sidecars.length > 1) {
      for (const s of sidecars) {
        findings.push(s.finding(CODES.sidecarsWithoutSelector, `the Sidecars ${names(sidecars).join(', ')} in namespace ${namespace} have no workload selector: which one applies is undefined`));
      }
    }
  }
  return findings;
}

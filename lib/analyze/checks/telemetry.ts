import { check, Check, Finding, Severity } from '../finding';
import { groupBy, Mesh } from '../model/mesh';
import { Manifest } from '../read/manifest';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  telemetryConflict: check('CI215', Severity.ERROR, 'IST0160', 'several selector-less Telemetry objects in one namespace',
    'several selector-less Telemetry objects in one namespace'),
  telemetrySelectorConflict: check('CI221', Severity.ERROR, 'IST0159', 'a workload selected by several Telemetry objects',
    'a workload that several Telemetry objects select'),
} satisfies Record<string, Check>;

/** IST0160: more than one selector-less Telemetry in a namespace. */
export function checkTelemetry(mesh: Mesh): Finding[] {
  const wide = mesh.telemetries.filter(t => !t.object.spec?.selector && !t.object.spec?.targetRef && !t.object.spec?.targetRefs);
  const findings: Finding[] = [];
  for (const [namespace, group] of groupBy(wide, t => t.namespace)) {
    if (group.length > 1) {
      for (const t of group) {
        findings.push(t.finding(CODES.telemetryConflict, `namespace '${namespace}' has ${group.length} Telemetry objects without a selector (${group.map(g => g.name).join(', ')}); Istio applies one of them unpredictably`));
      }
    }
  }
  return findings;
}

/** IST0159: workloads that more than one Telemetry selects; each Telemetry reported once, naming a workload. */
export function checkTelemetrySelectors(mesh: Mesh): Finding[] {
  const byWorkload = new Map<Manifest, Manifest[]>();
  for (const t of mesh.telemetries) {
    const labels = t.object.spec?.selector?.matchLabels;
    if (!labels || typeof labels !== 'object' || Object.keys(labels).length === 0) {
      continue;
    }
    for (const w of mesh.workloadsSelectedBy(t.namespace, labels)) {
      byWorkload.set(w.manifest, [...(byWorkload.get(w.manifest) ?? []), t]);
    }
  }
  const findings: Finding[] = [];
  const reported = new Set<Manifest>();
  for (const [workload, telemetries] of byWorkload) {
    if (telemetries.length < 2) {
      continue;
    }
    for (const t of telemetries.filter(x => !reported.has(x))) {
      reported.add(t);
      findings.push(t.finding(CODES.telemetrySelectorConflict, `${workload.kind} ${workload.namespace}/${workload.name} is selected by ${telemetries.length} Telemetry objects (${telemetries.map(x => x.name).join(', ')}); Istio applies one of them unpredictably`, ['spec', 'selector']));
    }
  }
  return findings;
}

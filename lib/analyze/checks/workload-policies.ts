import { CHECKS, Finding } from '../finding';
import { Manifest } from '../manifest';
import { append, Mesh, Workload } from '../mesh';
import { podOf } from './pods';
import { objects, selectorString } from './util';

// istioctl 1.30's DestinationRule CA-certificate, ServiceEntry address and Sidecar selector analyzers
// (destinationrule/ca-certificates.go, serviceentry/protocoladdresses.go, sidecar/selector.go).


/** IST0128, IST0129: client TLS (SIMPLE or MUTUAL) that does not verify the server, for the host or one port. */
export function checkServerVerification(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const dr of mesh.destinationRules) {
    const spec = dr.object.spec ?? {};
    const unverified = (tls: any) => ['SIMPLE', 'MUTUAL'].includes(tls?.mode) && !tls.caCertificates && !(tls.credentialName && spec.workloadSelector);
    const tls = spec.trafficPolicy?.tls;
    if (unverified(tls)) {
      findings.push(dr.finding(CHECKS.noServerVerification, `TLS mode ${tls.mode} to host ${spec.host} sets no caCertificates: istioctl warns the server is not verified (since Istio 1.20 the proxy verifies it with the system CA bundle); set caCertificates to pin a CA`, ['spec', 'trafficPolicy', 'tls']));
    }
    objects(spec.trafficPolicy?.portLevelSettings).forEach((settings, i) => {
      if (unverified(settings.tls)) {
        findings.push(dr.finding(CHECKS.noServerVerificationPort, `TLS mode ${settings.tls.mode} to host ${spec.host} port ${settings.port?.number} sets no caCertificates: istioctl warns the server is not verified (since Istio 1.20 the proxy verifies it with the system CA bundle); set caCertificates to pin a CA`, ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls']));
      }
    });
  }
  return findings;
}

/** IST0134: a ServiceEntry without addresses serving TCP (or unset protocol) ports, one finding per port. */
export function checkServiceEntryAddresses(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const se of mesh.ofKind('networking.istio.io', 'ServiceEntry')) {
    const spec = se.object.spec ?? {};
    if (spec.addresses !== undefined || (Array.isArray(se.object.status?.addresses) && se.object.status.addresses.length > 0)) {
      continue;
    }
    objects(spec.ports).forEach((port, i) => {
      if (!port.protocol || String(port.protocol).toUpperCase() === 'TCP') {
        findings.push(se.finding(CHECKS.serviceEntryAddresses, `port ${port.number ?? i} serves ${port.protocol ?? 'an unset protocol (TCP)'} and the ServiceEntry has no addresses: traffic cannot be told apart by host (unless DNS proxying auto-allocates addresses)`, ['spec', 'ports', i]));
      }
    });
  }
  return findings;
}

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
    if (selected.length === 0) {
      findings.push(sidecar.finding(CHECKS.sidecarSelectorNotFound, `workloadSelector ${selectorString(labels)} matches no pod or pod template in namespace ${sidecar.namespace}`, ['spec', 'workloadSelector', 'labels']));
    }
    selected.forEach(w => append(byWorkload, w, sidecar));
  }
  const ineffective = new Set<Manifest>();
  const reportIneffective = (sidecar: Manifest, reason: string) => {
    if (ineffective.has(sidecar)) return;
    ineffective.add(sidecar);
    findings.push(sidecar.finding(CHECKS.ineffectiveSidecar, `the policy has no impact: ${reason}`));
  };
  for (const [workload, sidecars] of byWorkload) {
    if (inAmbient(workload)) {
      sidecars.forEach(s => reportIneffective(s, 'selected workload is in ambient mode'));
    } else if (sidecars.length > 1) {
      for (const s of sidecars) {
        findings.push(s.finding(CHECKS.sidecarSelectorConflict, `the Sidecars ${names(sidecars).join(', ')} in namespace ${workload.namespace} select the same workload ${workload.manifest.kind}/${workload.manifest.name}: which one applies is undefined`, ['metadata', 'name']));
      }
    }
  }
  for (const [namespace, sidecars] of byNamespace) {
    if (namespaceInAmbient(mesh.namespaces.get(namespace))) {
      sidecars.forEach(s => reportIneffective(s, 'namespace is in ambient mode'));
    } else if (sidecars.length > 1) {
      for (const s of sidecars) {
        findings.push(s.finding(CHECKS.sidecarsWithoutSelector, `the Sidecars ${names(sidecars).join(', ')} in namespace ${namespace} have no workload selector: which one applies is undefined`));
      }
    }
  }
  return findings;
}

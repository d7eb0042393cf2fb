import { CHECKS, Finding } from '../finding';
import { ASSUMED } from '../defaults';
import { Manifest } from '../manifest';
import { Mesh, Workload } from '../mesh';
import { inMesh, podOf } from './pods';
import { objects } from './util';

// istioctl 1.30's workload analyzers (deployment/services.go, deployment/pod.go), on every workload of the
// input (istioctl reads Deployments, and Pods for the UID): Services that disagree about a pod's ports, and
// applications running as the proxy's UID.

const PROXY_UID = 1337;

/** IST0116: one port served over different protocols; IST0137: one target port behind different ports. */
function portConflicts(w: Workload, services: Manifest[]): Finding[] {
  const protocols = new Map<number, Map<string, string[]>>();
  const targets = new Map<string, Map<number, string>>();
  for (const service of services) {
    for (const port of objects(service.object.spec?.ports)) {
      const protocol = port.protocol ?? 'TCP';
      const byProtocol = protocols.get(port.port) ?? new Map<string, string[]>();
      byProtocol.set(protocol, [...byProtocol.get(protocol) ?? [], service.id]);
      protocols.set(port.port, byProtocol);
      const target = port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '' ? String(port.port) : String(port.targetPort);
      const byPort = targets.get(target) ?? new Map<number, string>();
      byPort.set(port.port, service.id);
      targets.set(target, byPort);
    }
  }
  const findings: Finding[] = [];
  const name = w.manifest.name;
  for (const [port, byProtocol] of protocols) {
    if (byProtocol.size > 1) {
      const names = [...byProtocol.values()].flat().sort();
      findings.push(w.manifest.finding(CHECKS.multipleServiceProtocols, `${w.manifest.kind} ${name} is selected by Services using port ${port} with different protocols: ${names.join(', ')}`, ['metadata', 'name']));
    }
  }
  for (const [target, byPort] of targets) {
    if (byPort.size > 1) {
      const names = [...byPort.values()].sort();
      const ports = [...byPort.keys()].sort((a, b) => a - b);
      findings.push(w.manifest.finding(CHECKS.conflictingTargetPorts, `${w.manifest.kind} ${name} is selected by Services ${names.join(', ')} using targetPort ${target} behind different ports: ${ports.join(', ')}`, ['metadata', 'name']));
    }
  }
  return findings;
}

function isWaypoint(m: Manifest): boolean {
  return m.object.metadata?.labels?.['gateway.istio.io/managed'] === 'istio.io-mesh-controller';
}

/** istioctl skips Istio's own components: objects labelled `istio` or `release: istio`. */
function isControlPlane(m: Manifest): boolean {
  const labels = m.object.metadata?.labels ?? {};
  return 'istio' in labels || labels.release === 'istio';
}

/** IST0144: a pod or container (other than the proxy) running as UID 1337, which the proxy's traffic capture exempts. */
function proxyUid(w: Workload): Finding[] {
  const pod = podOf(w.manifest);
  const at = w.manifest.kind === 'Pod' ? ['spec'] : ['spec', 'template', 'spec'];
  const paths: Array<Array<string | number>> = [];
  if (pod.spec.securityContext?.runAsUser === PROXY_UID) paths.push(['securityContext', 'runAsUser']);
  objects(pod.spec.containers).forEach((c, i) => {
    if (c.name !== 'istio-proxy' && c.name !== 'istio-operator' && c.securityContext?.runAsUser === PROXY_UID) {
      paths.push(['containers', i, 'securityContext', 'runAsUser']);
    }
  });
  // one finding per workload, at the first place it is set, as istioctl's deduplicated report
  return paths.length === 0 ? [] : [w.manifest.finding(CHECKS.proxyUid, `runs as UID ${PROXY_UID}, which is reserved for the sidecar proxy: its traffic bypasses the proxy`, [...at, ...paths[0]])];
}

/** IST0116, IST0137, IST0144 on the workloads of the input. */
export function checkWorkloads(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const w of mesh.workloads) {
    if (ASSUMED.has(w.manifest)) continue;
    if (w.manifest.kind !== 'Pod' && !isWaypoint(w.manifest) && inMesh(mesh, w)) {
      findings.push(...portConflicts(w, mesh.servicesOf(w)));
    }
    if (!isControlPlane(w.manifest)) findings.push(...proxyUid(w));
  }
  return findings;
}

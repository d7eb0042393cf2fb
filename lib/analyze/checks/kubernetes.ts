import { check, Check, Finding, Severity } from '../finding';
import { ASSUMED } from '../model/defaults';
import { Mesh, Workload } from '../model/mesh';
import { inMesh, podOf } from '../model/pods';
import { Manifest } from '../read/manifest';
import { objects } from '../read/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  portName: check('CI211', Severity.INFO, 'IST0118', 'Service port name does not follow <protocol>[-suffix]',
    'a Service port name not `<protocol>[-suffix]` (and no `appProtocol`), outside Kubernetes\' and Istio\'s system namespaces; ExternalName Services are CI247\'s'),
  injectionLabels: check('CI212', Severity.WARNING, 'IST0123', 'namespace has more than one of istio-injection, istio.io/rev and istio.io/dataplane-mode',
    'a namespace with both `istio-injection` and `istio.io/rev`'),
  multipleServiceProtocols: check('CI242', Severity.WARNING, 'IST0116', 'a mesh workload selected by Services using one port with different protocols',
    'a mesh workload selected by Services that use one port with different protocols'),
  conflictingTargetPorts: check('CI243', Severity.WARNING, 'IST0137', 'a mesh workload selected by Services using one targetPort behind different ports',
    'a mesh workload selected by Services that put different ports in front of one target port'),
  proxyUid: check('CI244', Severity.WARNING, 'IST0144', 'an application container or pod running as UID 1337, the proxy\'s',
    'a pod or application container running as UID 1337, the proxy\'s, whose traffic the capture exempts (Istio\'s own components, labelled `istio` or `release: istio`, are not checked); once per workload'),
  externalNamePortName: check('CI247', Severity.WARNING, 'IST0150', 'an ExternalName Service port whose name gives no protocol, or is plain tcp',
    'an ExternalName Service port whose name gives no protocol, or is plain `tcp`'),
  namespaceNotInjected: check('CI250', Severity.INFO, 'IST0102', 'a namespace with no injection label (neither istio-injection nor istio.io/rev) and not in ambient mode',
    'a namespace with neither `istio-injection` nor `istio.io/rev`, not in ambient mode (outside `istio-system`)'),
  podMissingProxy: check('CI251', Severity.WARNING, 'IST0103', 'a Pod of the input in an injected namespace without the istio-proxy container',
    'a Pod of the input in a namespace labelled `istio-injection=enabled` without the `istio-proxy` container (not opted out, not on the host network)'),
  namespaceInjectedByDefault: check('CI252', Severity.INFO, 'IST0148', 'a namespace without injection label that the injector config injects by default',
    'a namespace without injection label that the input\'s injector config (`istio-sidecar-injector` ConfigMap, `enableNamespacesByDefault`) injects'),
} satisfies Record<string, Check>;

/** Protocols Istio infers from a port name prefix. */
const PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'mysql', 'redis', 'udp'];

const PORT_NAME = new RegExp(`^(${PROTOCOLS.join('|')})(-.*)?$`);

/** Namespaces istioctl leaves out of its port-name analysis: Kubernetes' own, and Istio's. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage', 'istio-system']);

/**
 * IST0118: Service ports whose protocol Istio cannot infer from the name; IST0150: the same on an
 * ExternalName Service, where a port named plain `tcp` is also refused (Istio cannot tell its hosts apart).
 */
export function checkPortNames(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const service of mesh.services.values()) {
    if (SYSTEM_NAMESPACES.has(service.namespace)) {
      continue;
    }
    const external = service.object.spec?.type === 'ExternalName';
    (Array.isArray(service.object.spec?.ports) ? service.object.spec.ports : []).forEach((port: any, i: number) => {
      const unnamed = port?.appProtocol === undefined && !PORT_NAME.test(port?.name ?? '');
      if (external && (unnamed || port?.name === 'tcp')) {
        findings.push(service.finding(CODES.externalNamePortName, `port ${port.port} of an ExternalName Service is named '${port.name ?? ''}': name it <protocol>-<suffix> other than plain 'tcp' (or set appProtocol) so Istio can route to the external name`, ['spec', 'ports', i]));
      } else if (!external && unnamed) {
        findings.push(service.finding(CODES.portName, `port ${port.port} is named '${port.name ?? ''}': name it <protocol>[-suffix] (${PROTOCOLS.join(', ')}) or set appProtocol, else Istio treats it as TCP`, ['spec', 'ports', i]));
      }
    });
  }
  return findings;
}

/**
 * IST0123: a namespace labelled for more than one way into the mesh, as istioctl counts them: the
 * `istio-injection` label, and `istio.io/rev` and `istio.io/dataplane-mode` unless `istio-injection`
 * is set to anything but `enabled` (a namespace that opts out of sidecars may join ambient mode).
 */
export function checkInjectionLabels(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  const byDefault = injectsByDefault(mesh);
  for (const ns of mesh.namespaces.values()) {
    const labels: Record<string, string> = ns.object.metadata?.labels ?? {};
    if (ns.name === 'istio-system') {
      continue;
    }
    const injection = labels['istio-injection'];
    const found = injection !== undefined ? [`istio-injection=${injection}`] : [];
    for (const key of ['istio.io/rev', 'istio.io/dataplane-mode']) {
      if (labels[key] !== undefined && (injection === undefined || injection === 'enabled')) {
        found.push(`${key}=${labels[key]}`);
      }
    }
    if (found.length > 1) {
      findings.push(ns.finding(CODES.injectionLabels, `namespace '${ns.name}' has more than one label that puts it in the mesh (${found.join(', ')}); only one of them takes effect`, ['metadata', 'labels']));
    }
    if (labels['istio.io/dataplane-mode'] !== 'ambient' && !injection && labels['istio.io/rev'] === undefined) {
      findings.push(byDefault
        ? ns.finding(CODES.namespaceInjectedByDefault, `namespace '${ns.name}' is enabled for Istio injection: the injector of the input (ConfigMap istio-sidecar-injector) sets enableNamespacesByDefault`, ['metadata', 'name'])
        : ns.finding(CODES.namespaceNotInjected, `namespace '${ns.name}' is not enabled for Istio injection: label it istio-injection=enabled, or istio-injection=disabled to say it needs none`, ['metadata', 'name']));
    }
  }
  return [...findings, ...podsMissingProxy(mesh)];
}

/** Whether the input's sidecar injector config (ConfigMap `istio-sidecar-injector`) injects unlabelled namespaces. */
function injectsByDefault(mesh: Mesh): boolean {
  const config = mesh.ofKind('', 'ConfigMap').find(m => m.name === 'istio-sidecar-injector');
  try {
    return JSON.parse(config?.object.data?.values ?? '{}')?.sidecarInjectorWebhook?.enableNamespacesByDefault === true;
  } catch {
    return false; // values that are not JSON: istiod would not start with them either
  }
}

/** IST0103: a Pod of the input in a namespace labelled `istio-injection=enabled` that has no proxy container. */
function podsMissingProxy(mesh: Mesh): Finding[] {
  const injected = new Set([...mesh.namespaces.values()].filter(ns => ns.name !== 'istio-system' && ns.object.metadata?.labels?.['istio-injection'] === 'enabled').map(ns => ns.name));
  return mesh.workloads.filter(w => w.manifest.kind === 'Pod' && injected.has(w.namespace) && !ASSUMED.has(w.manifest)).flatMap(w => {
    const pod = podOf(w.manifest);
    const inject = pod.labels['sidecar.istio.io/inject'] ?? pod.annotations['sidecar.istio.io/inject'];
    const proxied = pod.containers.some(c => c.name === 'istio-proxy' && c.image);
    if (String(inject).toLowerCase() === 'false' || pod.spec.hostNetwork || proxied) return [];
    return [w.manifest.finding(CODES.podMissingProxy, `pod ${w.manifest.name} runs in injected namespace ${w.namespace} without the istio-proxy container: it was created before injection was enabled, or injection failed; restart it`, ['metadata', 'name'])];
  });
}

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
      findings.push(w.manifest.finding(CODES.multipleServiceProtocols, `${w.manifest.kind} ${name} is selected by Services using port ${port} with different protocols: ${names.join(', ')}`, ['metadata', 'name']));
    }
  }
  for (const [target, byPort] of targets) {
    if (byPort.size > 1) {
      const names = [...byPort.values()].sort();
      const ports = [...byPort.keys()].sort((a, b) => a - b);
      findings.push(w.manifest.finding(CODES.conflictingTargetPorts, `${w.manifest.kind} ${name} is selected by Services ${names.join(', ')} using targetPort ${target} behind different ports: ${ports.join(', ')}`, ['metadata', 'name']));
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
  return paths.length === 0 ? [] : [w.manifest.finding(CODES.proxyUid, `runs as UID ${PROXY_UID}, which is reserved for the sidecar proxy: its traffic bypasses the proxy`, [...at, ...paths[0]])];
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

import { CHECKS, Finding } from '../finding';
import { ASSUMED } from '../defaults';
import { Mesh } from '../mesh';
import { podOf } from './pods';

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
        findings.push(service.finding(CHECKS.externalNamePortName, `port ${port.port} of an ExternalName Service is named '${port.name ?? ''}': name it <protocol>-<suffix> other than plain 'tcp' (or set appProtocol) so Istio can route to the external name`, ['spec', 'ports', i]));
      } else if (!external && unnamed) {
        findings.push(service.finding(CHECKS.portName, `port ${port.port} is named '${port.name ?? ''}': name it <protocol>[-suffix] (${PROTOCOLS.join(', ')}) or set appProtocol, else Istio treats it as TCP`, ['spec', 'ports', i]));
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
      findings.push(ns.finding(CHECKS.injectionLabels, `namespace '${ns.name}' has more than one label that puts it in the mesh (${found.join(', ')}); only one of them takes effect`, ['metadata', 'labels']));
    }
    if (labels['istio.io/dataplane-mode'] !== 'ambient' && !injection && labels['istio.io/rev'] === undefined) {
      findings.push(byDefault
        ? ns.finding(CHECKS.namespaceInjectedByDefault, `namespace '${ns.name}' is enabled for Istio injection: the injector of the input (ConfigMap istio-sidecar-injector) sets enableNamespacesByDefault`, ['metadata', 'name'])
        : ns.finding(CHECKS.namespaceNotInjected, `namespace '${ns.name}' is not enabled for Istio injection: label it istio-injection=enabled, or istio-injection=disabled to say it needs none`, ['metadata', 'name']));
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
    return [w.manifest.finding(CHECKS.podMissingProxy, `pod ${w.manifest.name} runs in injected namespace ${w.namespace} without the istio-proxy container: it was created before injection was enabled, or injection failed; restart it`, ['metadata', 'name'])];
  });
}

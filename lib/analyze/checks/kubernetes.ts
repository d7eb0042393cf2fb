import { CHECKS, Finding } from '../finding';
import { Mesh } from '../mesh';

/** Protocols Istio infers from a port name prefix. */
const PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'mysql', 'redis', 'udp'];
const PORT_NAME = new RegExp(`^(${PROTOCOLS.join('|')})(-.*)?$`);

/** Namespaces istioctl leaves out of its port-name analysis: Kubernetes' own, and Istio's. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage', 'istio-system']);

/** IST0118: Service ports whose protocol Istio cannot infer from the name (ExternalName Services are IST0150's). */
export function checkPortNames(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const service of mesh.services.values()) {
    if (SYSTEM_NAMESPACES.has(service.namespace) || service.object.spec?.type === 'ExternalName') {
      continue;
    }
    (service.object.spec?.ports ?? []).forEach((port: any, i: number) => {
      if (port.appProtocol === undefined && !PORT_NAME.test(port.name ?? '')) {
        findings.push(service.finding(CHECKS.portName, `port ${port.port} is named '${port.name ?? ''}': name it <protocol>[-suffix] (${PROTOCOLS.join(', ')}) or set appProtocol, else Istio treats it as TCP`, ['spec', 'ports', i]));
      }
    });
  }
  return findings;
}

/** IST0123: a namespace labelled for both injection mechanisms. */
export function checkInjectionLabels(mesh: Mesh): Finding[] {
  return [...mesh.namespaces.values()]
    .filter(ns => ns.object.metadata?.labels?.['istio-injection'] !== undefined && ns.object.metadata?.labels?.['istio.io/rev'] !== undefined)
    .map(ns => ns.finding(CHECKS.injectionLabels, `namespace '${ns.name}' has both istio-injection and istio.io/rev labels; istio.io/rev is ignored`, ['metadata', 'labels']));
}

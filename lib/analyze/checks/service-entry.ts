import { CHECKS, Finding } from '../finding';
import { Mesh } from '../model/mesh';
import { objects } from '../read/values';

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

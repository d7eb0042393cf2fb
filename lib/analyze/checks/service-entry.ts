import { check, Check, Finding, Severity } from '../finding';
import { Mesh } from '../model/mesh';
import { objects } from '../read/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  serviceEntryAddresses: check('CI230', Severity.WARNING, 'IST0134', 'ServiceEntry TCP (or unset protocol) port without addresses',
    'a ServiceEntry without `addresses` serving a TCP (or unset protocol) port, one per port: its traffic cannot be told apart by host unless DNS proxying auto-allocates addresses (a mesh setting the analyzer does not read)'),
} satisfies Record<string, Check>;

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
        findings.push(se.finding(CODES.serviceEntryAddresses, `port ${port.number ?? i} serves ${port.protocol ?? 'an unset protocol (TCP)'} and the ServiceEntry has no addresses: traffic cannot be told apart by host (unless DNS proxying auto-allocates addresses)`, ['spec', 'ports', i]));
      }
    });
  }
  return findings;
}

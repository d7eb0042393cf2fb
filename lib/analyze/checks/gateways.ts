import { CHECKS, Finding } from '../finding';
import { hostMatches, Mesh } from '../mesh';

/** KIA1102 / IST0132: gateway references that resolve to nothing, and hosts the gateway does not serve. */
export function checkGateways(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const vs of mesh.virtualServices) {
    const gateways: string[] = vs.object.spec?.gateways ?? [];
    gateways.forEach((ref, i) => {
      if (ref === 'mesh') {
        return;
      }
      const key = ref.includes('/') ? ref : `${vs.namespace}/${ref}`;
      const gateway = mesh.gateways.get(key);
      if (!gateway) {
        if (mesh.knownNamespaces.has(key.split('/')[0]) || key.split('/')[0] === vs.namespace) {
          findings.push(vs.finding(CHECKS.gatewayNotFound, `gateway '${ref}' (${key}) is not defined in the input`, ['spec', 'gateways', i]));
        }
        return;
      }
      const served: string[] = (gateway.object.spec?.servers ?? []).flatMap((s: any) => s.hosts ?? [])
        .map((h: string) => h.includes('/') ? h.split('/')[1] : h);
      (vs.object.spec?.hosts ?? []).forEach((host: string, j: number) => {
        if (!served.some(pattern => hostMatches(pattern, host))) {
          findings.push(vs.finding(CHECKS.hostNotOnGateway, `host '${host}' is not served by gateway '${ref}' (serves: ${served.join(', ') || 'nothing'})`, ['spec', 'hosts', j]));
        }
      });
    });
  }
  return findings;
}

import { CHECKS, Finding } from '../finding';
import { Manifest } from '../manifest';
import { hostMatches, Mesh } from '../mesh';

/**
 * KIA1102 / IST0101 / IST0132, as istioctl's virtualservice gateway analyzer: a gateway reference that
 * resolves to nothing, and a gateway that serves none of the VirtualService's hosts (one finding per
 * gateway reference, also when the gateway is missing).
 */
export function checkGateways(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const vs of mesh.virtualServices) {
    const gateways: unknown[] = Array.isArray(vs.object.spec?.gateways) ? vs.object.spec.gateways : [];
    const hosts: string[] = (Array.isArray(vs.object.spec?.hosts) ? vs.object.spec.hosts : []).map(String);
    gateways.forEach((raw, i) => {
      const ref = String(raw);
      if (ref === 'mesh') {
        return;
      }
      const key = ref.includes('/') ? ref : `${vs.namespace}/${ref}`;
      const gateway = mesh.gateways.get(key);
      if (!gateway && !(mesh.knownNamespaces.has(key.split('/')[0]) || key.split('/')[0] === vs.namespace)) {
        return; // a gateway in a namespace the input does not describe: cannot be checked
      }
      if (!gateway) {
        findings.push(vs.finding(CHECKS.gatewayNotFound, `gateway '${ref}' (${key}) is not defined in the input`, ['spec', 'gateways', i]));
      }
      const served = gateway ? servedHosts(gateway, vs.namespace) : [];
      if (!served.some(g => hosts.some(h => hostMatches(g, h) || hostMatches(h, g)))) {
        findings.push(vs.finding(CHECKS.hostNotOnGateway, `none of the hosts ${hosts.join(', ')} is served by gateway '${ref}' (serves: ${served.join(', ') || 'nothing'})`, ['spec', 'gateways', i]));
      }
    });
  }
  return findings;
}

/** The hosts a Gateway serves to VirtualServices of `namespace`: `ns/host` only for that namespace (or `*`), `./host` for the Gateway's own. */
function servedHosts(gateway: Manifest, namespace: string): string[] {
  const servers: any[] = Array.isArray(gateway.object.spec?.servers) ? gateway.object.spec.servers : [];
  return servers.flatMap(s => (Array.isArray(s?.hosts) ? s.hosts : []).map(String)).flatMap(h => {
    if (!h.includes('/')) {
      return [h];
    }
    const [ns, host] = h.split('/');
    const owner = ns === '.' ? gateway.namespace : ns;
    return owner === '*' || owner === namespace ? [host] : [];
  });
}

import { CHECKS, Finding } from '../finding';
import { Manifest } from '../manifest';
import { Mesh } from '../mesh';
import { objects } from './util';

// istioctl 1.30's IngressRouteRulesNotAffected (virtualservice/destinationhosts.go): a gateway's route to a
// host without subset goes straight to the host; the subsets another VirtualService splits that host into
// do not apply to the gateway's requests. Hosts are compared as written, as istioctl does.


/** The hosts each VirtualService routes to a subset of, for destinations that are among its own hosts. */
function subsetHosts(mesh: Mesh): Map<Manifest, Set<string>> {
  const result = new Map<Manifest, Set<string>>();
  for (const vs of mesh.virtualServices) {
    const own = new Set((Array.isArray(vs.object.spec?.hosts) ? vs.object.spec.hosts : []).map(String));
    const hosts = new Set<string>();
    for (const http of objects(vs.object.spec?.http)) {
      for (const route of objects(http.route)) {
        const d = route.destination;
        if (d?.subset && own.has(String(d.host))) hosts.add(String(d.host));
      }
    }
    if (hosts.size > 0) result.set(vs, hosts);
  }
  return result;
}

/** IST0140: a gateway-bound route to a host whose subsets another VirtualService routes to. */
export function checkIngressSubsets(mesh: Mesh): Finding[] {
  const bySubsets = subsetHosts(mesh);
  const findings: Finding[] = [];
  for (const vs of mesh.virtualServices.filter(v => Array.isArray(v.object.spec?.gateways) && v.object.spec.gateways.length > 0)) {
    const reported = new Set<Manifest>();
    objects(vs.object.spec?.http).forEach((http, i) => objects(http.route).forEach((route, j) => {
      if (!route.destination || route.destination.subset) return;
      for (const [other, hosts] of bySubsets) {
        if (!reported.has(other) && hosts.has(String(route.destination.host))) {
          reported.add(other);
          findings.push(vs.finding(CHECKS.ingressIgnoresSubsets, `the subsets ${other.id} routes host '${route.destination.host}' to do not apply to this gateway's requests, which go to the host without subset`, ['spec', 'http', i, 'route', j, 'destination', 'host']));
        }
      }
    }));
  }
  return findings;
}

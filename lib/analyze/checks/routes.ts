import { EXTERNAL_SUBSETS } from '../../private/mesh-defaults';
import { isDeepStrictEqual } from 'util';
import { CHECKS, Finding } from '../finding';
import { Manifest } from '../manifest';
import { Mesh } from '../mesh';
import { HostVisibility } from '../visibility';

type Path = (string | number)[];

interface Destination {
  readonly vs: Manifest;
  readonly path: Path;
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
}

/** Every destination of a VirtualService: routes of http, tcp and tls rules, and http mirrors. */
function destinations(vs: Manifest): Destination[] {
  const found: Destination[] = [];
  for (const protocol of ['http', 'tcp', 'tls']) {
    (vs.object.spec?.[protocol] ?? []).forEach((rule: any, i: number) => {
      (Array.isArray(rule?.route) ? rule.route : []).forEach((route: any, j: number) => {
        // a route entry without a destination host routes to nothing, which istioctl reports too
        found.push(destination(vs, ['spec', protocol, i, 'route', j, 'destination'], route?.destination ?? {}));
      });
      if (rule.mirror?.host) {
        found.push(destination(vs, ['spec', protocol, i, 'mirror'], rule.mirror));
      }
    });
  }
  return found;
}

function destination(vs: Manifest, path: Path, d: any): Destination {
  return { vs, path, host: typeof d?.host === 'string' ? d.host : '', subset: d?.subset, port: d?.port?.number };
}

function declaredElsewhere(vs: Manifest, host: string): string[] {
  const value = vs.object.metadata?.annotations?.[EXTERNAL_SUBSETS];
  if (typeof value !== 'string') {
    return [];
  }
  const entry = value.split(';').map(e => e.split('=')).find(([h]) => h.trim() === host);
  return entry?.[1]?.split(',').map(s => s.trim()) ?? [];
}

/** True when the VirtualService applies to gateways (not only to sidecars). */
export function boundToGateway(vs: Manifest): boolean {
  const gateways: string[] = vs.object.spec?.gateways ?? [];
  return gateways.some(g => g !== 'mesh');
}

/**
 * IST0101 / KIA1101 / KIA1107 / IST0112: destinations (routes and mirrors of every VirtualService) that
 * resolve to no Service or ServiceEntry visible from the VirtualService's namespace, to no such port,
 * to a subset no DestinationRule defines, or to a multi-port host without naming the port.
 */
export function checkDestinations(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  const visible = new HostVisibility(mesh);
  for (const vs of mesh.virtualServices) {
    for (const d of destinations(vs)) {
      if (d.host === '') {
        findings.push(vs.finding(CHECKS.hostNotFound, 'route destination names no host', d.path));
        continue;
      }
      const fqdn = mesh.fqdn(d.host, vs.namespace);
      const target = visible.resolve(fqdn, vs.namespace, vs.object.spec?.exportTo);
      if (!target && mesh.canResolve(fqdn)) {
        const hidden = mesh.hostDefined(fqdn) ? ' (it exists, but its exportTo hides it from this namespace)' : '';
        findings.push(vs.finding(CHECKS.hostNotFound, `destination host '${d.host}' (${fqdn}) is not defined by any Service or ServiceEntry visible in namespace ${vs.namespace}${hidden}`, [...d.path, 'host']));
      }
      if (target && d.port !== undefined && target.ports.length > 0 && !target.ports.includes(d.port)) {
        findings.push(vs.finding(CHECKS.hostNotFound, `destination '${d.host}:${d.port}' names a port ${target.owner.kind} ${target.owner.namespace}/${target.owner.name} does not serve (ports: ${target.ports.join(', ')})`, [...d.path, 'port']));
      }
      if (target && d.port === undefined && target.ports.length > 1) {
        findings.push(vs.finding(CHECKS.portRequired, `destination host '${d.host}' has ${target.ports.length} ports (${target.ports.join(', ')}); name one with port.number`, d.path));
      }
      if (d.subset !== undefined) {
        const defined = mesh.subsetsOf(fqdn).map(s => s.name);
        if (!defined.includes(d.subset) && declaredElsewhere(vs, d.host).includes(d.subset)) {
          findings.push(vs.finding(CHECKS.subsetDeclaredElsewhere, `destination subset '${d.subset}' of host '${d.host}' is declared to be defined by a `
            + `DestinationRule outside the input (${EXTERNAL_SUBSETS}); not checked`, [...d.path, 'subset']));
        } else if (!defined.includes(d.subset)) {
          findings.push(vs.finding(CHECKS.subsetNotFound, `destination subset '${d.subset}' of host '${d.host}' is not defined by any DestinationRule `
            + `(defined: ${defined.length > 0 ? [...new Set(defined)].join(', ') : 'none — no DestinationRule for this host'}); requests get 503`, [...d.path, 'subset']));
        }
      }
    }
  }
  return findings;
}

/** Route weights that do not add up to 100: Istio normalizes them, which is rarely what was meant. */
export function checkWeights(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const vs of mesh.virtualServices) {
    for (const protocol of ['http', 'tcp', 'tls']) {
      (vs.object.spec?.[protocol] ?? []).forEach((rule: any, i: number) => {
        const routes: any[] = rule.route ?? [];
        if (routes.length < 2 && routes.every(r => r.weight === undefined)) {
          return;
        }
        const total = routes.reduce((sum, r) => sum + (r.weight ?? 0), 0);
        if (total !== 100) {
          findings.push(vs.finding(CHECKS.weights, `route weights sum to ${total}, not 100 (${routes.map(r => `${r.destination?.subset ?? r.destination?.host}=${r.weight ?? 0}`).join(', ')}); Istio treats them as relative shares`, ['spec', protocol, i, 'route']));
        }
      });
    }
  }
  return findings;
}

/** IST0130 / IST0131: routes behind a catch-all, and matches repeating an earlier one. */
export function checkMatches(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const vs of mesh.virtualServices) {
    const rules: any[] = vs.object.spec?.http ?? [];
    const seen: Array<{ match: any; at: string }> = [];
    let catchAll: number | undefined;
    rules.forEach((rule, i) => {
      if (catchAll !== undefined) {
        findings.push(vs.finding(CHECKS.unreachableRoute, `http[${i}] is unreachable: http[${catchAll}] matches every request`, ['spec', 'http', i]));
        return;
      }
      const matches: any[] = rule.match ?? [];
      matches.forEach((match, j) => {
        const earlier = seen.find(s => isDeepStrictEqual(s.match, match));
        if (earlier) {
          findings.push(vs.finding(CHECKS.duplicateMatch, `http[${i}].match[${j}] repeats ${earlier.at} and never applies`, ['spec', 'http', i, 'match', j]));
        }
        seen.push({ match, at: `http[${i}].match[${j}]` });
      });
      if (matches.length === 0 || matches.some(m => Object.keys(m).length === 0)) {
        catchAll = i;
      }
    });
  }
  return findings;
}

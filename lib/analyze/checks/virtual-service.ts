import { isDeepStrictEqual } from 'util';
import { EXTERNAL_SUBSETS, ROOT_NAMESPACE } from '../../private/mesh-defaults';
import { check, Check, Finding, Severity } from '../finding';
import { hostMatches, Mesh } from '../model/mesh';
import { exportScopes, HostVisibility } from '../model/visibility';
import { Manifest } from '../read/manifest';
import { durationMillis, labelsMatch, objects } from '../read/values';
import { isClaimKey } from '../webhook/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  hostNotFound: check('CI201', Severity.ERROR, 'IST0101, KIA1101', 'route destination host is not defined by any Service or ServiceEntry'),
  subsetNotFound: check('CI202', Severity.ERROR, 'IST0101, KIA1107', 'route destination subset is not defined by any DestinationRule for the host'),
  gatewayNotFound: check('CI203', Severity.ERROR, 'IST0101, KIA1102', 'VirtualService refers to a Gateway that does not exist'),
  duplicateVirtualService: check('CI204', Severity.ERROR, 'IST0109, KIA1106', 'several VirtualServices route one host on the mesh within one exportTo scope'),
  hostNotOnGateway: check('CI207', Severity.WARNING, 'IST0132', 'VirtualService host is not served by its Gateway'),
  unreachableRoute: check('CI208', Severity.WARNING, 'IST0130', 'HTTP route is unreachable behind an earlier catch-all route'),
  duplicateMatch: check('CI209', Severity.INFO, 'IST0131', 'HTTP match repeats an earlier match and never applies'),
  portRequired: check('CI210', Severity.ERROR, 'IST0112', 'route to a multi-port Service or ServiceEntry names no port'),
  weights: check('CI214', Severity.WARNING, '-', 'route weights do not sum to 100 (Istio treats them as relative)'),
  subsetDeclaredElsewhere: check('CI216', Severity.INFO, '-', 'route destination subset declared outside the input (annotation ' + 'cdk8s-istio.io/external-subsets), not checked'),
  jwtClaimRouteWithoutAuthn: check('CI246', Severity.ERROR, 'IST0149', 'a VirtualService routing on JWT claims through a gateway whose pods no RequestAuthentication covers'),
  internalGatewayReference: check('CI249', Severity.WARNING, 'IST0165', 'a VirtualService gateway reference to an internal, generated Gateway'),
  ingressIgnoresSubsets: check('CI254', Severity.WARNING, 'IST0140', 'a gateway route without subset to a host another VirtualService splits into subsets'),
  retriesBeyondTimeout: check('CI266', Severity.WARNING, '-', 'HTTP route retries whose tries (attempts × perTryTimeout) add up past the route timeout, which cuts them short'),
} satisfies Record<string, Check>;

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
        findings.push(vs.finding(CODES.hostNotFound, 'route destination names no host', d.path));
        continue;
      }
      const fqdn = mesh.fqdn(d.host, vs.namespace);
      const target = visible.resolve(fqdn, vs.namespace, vs.object.spec?.exportTo);
      if (!target && mesh.canResolve(fqdn)) {
        const hidden = mesh.hostDefined(fqdn) ? ' (it exists, but its exportTo hides it from this namespace)' : '';
        findings.push(vs.finding(CODES.hostNotFound, `destination host '${d.host}' (${fqdn}) is not defined by any Service or ServiceEntry visible in namespace ${vs.namespace}${hidden}`, [...d.path, 'host']));
      }
      if (target && d.port !== undefined && target.ports.length > 0 && !target.ports.includes(d.port)) {
        findings.push(vs.finding(CODES.hostNotFound, `destination '${d.host}:${d.port}' names a port ${target.owner.kind} ${target.owner.namespace}/${target.owner.name} does not serve (ports: ${target.ports.join(', ')})`, [...d.path, 'port']));
      }
      if (target && d.port === undefined && target.ports.length > 1) {
        findings.push(vs.finding(CODES.portRequired, `destination host '${d.host}' has ${target.ports.length} ports (${target.ports.join(', ')}); name one with port.number`, d.path));
      }
      if (d.subset !== undefined) {
        const defined = mesh.subsetsOf(fqdn).map(s => s.name);
        if (!defined.includes(d.subset) && declaredElsewhere(vs, d.host).includes(d.subset)) {
          findings.push(vs.finding(CODES.subsetDeclaredElsewhere, `destination subset '${d.subset}' of host '${d.host}' is declared to be defined by a `
            + `DestinationRule outside the input (${EXTERNAL_SUBSETS}); not checked`, [...d.path, 'subset']));
        } else if (!defined.includes(d.subset)) {
          findings.push(vs.finding(CODES.subsetNotFound, `destination subset '${d.subset}' of host '${d.host}' is not defined by any DestinationRule `
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
          findings.push(vs.finding(CODES.weights, `route weights sum to ${total}, not 100 (${routes.map(r => `${r.destination?.subset ?? r.destination?.host}=${r.weight ?? 0}`).join(', ')}); Istio treats them as relative shares`, ['spec', protocol, i, 'route']));
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
        findings.push(vs.finding(CODES.unreachableRoute, `http[${i}] is unreachable: http[${catchAll}] matches every request`, ['spec', 'http', i]));
        return;
      }
      const matches: any[] = rule.match ?? [];
      matches.forEach((match, j) => {
        const earlier = seen.find(s => isDeepStrictEqual(s.match, match));
        if (earlier) {
          findings.push(vs.finding(CODES.duplicateMatch, `http[${i}].match[${j}] repeats ${earlier.at} and never applies`, ['spec', 'http', i, 'match', j]));
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

/** The infix of the Istio Gateways that istiod generates from Gateway API Gateways (`name~istio-autogenerated-k8s-gateway~listener`). */
const INTERNAL_GATEWAY = '~istio-autogenerated-k8s-gateway~';

/**
 * KIA1102 / IST0101 / IST0132 / IST0165, as istioctl's virtualservice gateway analyzer: a gateway reference that
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
      if (ref.slice(ref.indexOf('/') + 1).includes(INTERNAL_GATEWAY)) {
        findings.push(vs.finding(CODES.internalGatewayReference, `gateway '${ref}' is the internal Gateway Istio generates for a Gateway API Gateway: attach an HTTPRoute to the Gateway instead`, ['spec', 'gateways', i]));
        return;
      }
      const key = ref.includes('/') ? ref : `${vs.namespace}/${ref}`;
      const gateway = mesh.gateways.get(key);
      if (!gateway && !(mesh.knownNamespaces.has(key.split('/')[0]) || key.split('/')[0] === vs.namespace)) {
        return; // a gateway in a namespace the input does not describe: cannot be checked
      }
      if (!gateway) {
        findings.push(vs.finding(CODES.gatewayNotFound, `gateway '${ref}' (${key}) is not defined in the input`, ['spec', 'gateways', i]));
      }
      const served = gateway ? servedHosts(gateway, vs.namespace) : [];
      if (!served.some(g => hosts.some(h => hostMatches(g, h) || hostMatches(h, g)))) {
        findings.push(vs.finding(CODES.hostNotOnGateway, `none of the hosts ${hosts.join(', ')} is served by gateway '${ref}' (serves: ${served.join(', ') || 'nothing'})`, ['spec', 'gateways', i]));
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
          findings.push(vs.finding(CODES.ingressIgnoresSubsets, `the subsets ${other.id} routes host '${route.destination.host}' to do not apply to this gateway's requests, which go to the host without subset`, ['spec', 'http', i, 'route', j, 'destination', 'host']));
        }
      }
    }));
  }
  return findings;
}

/**
 * IST0109 / KIA1106: several VirtualServices for one host on the mesh, as istioctl groups them: by
 * `exportTo` scope and host (`*` when exported everywhere, else each namespace named), a namespace's group
 * joined by the VirtualServices exported everywhere whose host overlaps it (wildcards included). Each
 * VirtualService is reported once, naming at most ten of the others. Gateways merge the VirtualServices
 * bound to them, so those are not conflicts.
 */
export function checkDuplicateVirtualServices(mesh: Mesh): Finding[] {
  const byKey = new Map<string, { scope: string; host: string; members: Array<{ vs: Manifest; index: number }> }>();
  for (const vs of mesh.virtualServices.filter(meshBound)) {
    const hosts: unknown[] = Array.isArray(vs.object.spec?.hosts) ? vs.object.spec.hosts : [];
    for (const scope of exportScopes(vs)) {
      hosts.forEach((h, index) => {
        const host = mesh.fqdn(String(h), vs.namespace);
        const key = `${scope}|${host}`;
        const group = byKey.get(key) ?? { scope, host, members: [] };
        if (!group.members.some(m => m.vs === vs)) {
          group.members.push({ vs, index });
        }
        byKey.set(key, group);
      });
    }
  }
  const everywhere = [...byKey.values()].filter(g => g.scope === '*');
  const findings: Finding[] = [];
  const reported = new Set<Manifest>();
  for (const group of byKey.values()) {
    const members = group.scope === '*' ? group.members
      : [...group.members, ...everywhere.filter(g => hostMatches(g.host, group.host) || hostMatches(group.host, g.host)).flatMap(g => g.members)];
    const unique = [...new Map(members.map(m => [m.vs, m])).values()];
    if (unique.length < 2) {
      continue;
    }
    for (const member of unique.filter(m => !reported.has(m.vs))) {
      reported.add(member.vs);
      const others = unique.filter(o => o.vs !== member.vs);
      const named = others.slice(0, MAX_NAMED).map(o => `${o.vs.id} (${o.vs.file}:${o.vs.lineOf()})`).join(', ');
      const more = others.length > MAX_NAMED ? ` and ${others.length - MAX_NAMED} more` : '';
      const scope = group.scope === '*' ? '' : ` for namespace ${group.scope}`;
      findings.push(member.vs.finding(CODES.duplicateVirtualService,
        `host '${group.host}' on the mesh${scope} is also routed by ${named}${more}; Istio keeps one of them unpredictably`, ['spec', 'hosts', member.index]));
    }
  }
  return findings;
}

function meshBound(vs: Manifest): boolean {
  const gateways: unknown = vs.object.spec?.gateways;
  return !Array.isArray(gateways) || gateways.length === 0 || gateways.includes('mesh');
}

/** How many conflicting objects a finding names before it counts the rest. */
const MAX_NAMED = 10;

/** The first header key of the VirtualService's matches that routes on a JWT claim, as istioctl picks it. */
function claimKey(vs: Manifest): string | undefined {
  for (const http of objects(vs.object.spec?.http)) {
    for (const match of objects(http.match)) {
      for (const field of ['headers', 'withoutHeaders']) {
        const key = Object.keys(match[field] && typeof match[field] === 'object' ? match[field] : {}).find(isClaimKey);
        if (key) return key;
      }
    }
  }
  return undefined;
}

/** IST0149: a gateway pod that routes on JWT claims but no RequestAuthentication (of its namespace or the root) selects. */
export function checkJwtClaimRoutes(mesh: Mesh): Finding[] {
  const authns = mesh.ofKind('security.istio.io', 'RequestAuthentication');
  const findings: Finding[] = [];
  for (const vs of mesh.virtualServices) {
    const key = claimKey(vs);
    if (!key) continue;
    for (const ref of (Array.isArray(vs.object.spec?.gateways) ? vs.object.spec.gateways : []).map(String)) {
      const name = ref.includes('/') ? ref : `${vs.namespace}/${ref}`;
      const gateway = ref === 'mesh' ? undefined : mesh.gateways.get(name);
      const selector = gateway?.object.spec?.selector;
      if (!gateway || !selector || typeof selector !== 'object') continue;
      for (const pod of mesh.workloads.filter(w => labelsMatch(selector, w.labels))) {
        const covered = authns.some(ra => (ra.namespace === ROOT_NAMESPACE || ra.namespace === pod.namespace) &&
          labelsMatch(ra.object.spec?.selector?.matchLabels ?? {}, pod.labels));
        if (!covered) {
          findings.push(vs.finding(CODES.jwtClaimRouteWithoutAuthn, `routes on the JWT claim '${key}' through gateway ${name}, but no RequestAuthentication applies to its pod ${pod.manifest.name}: the claims are never validated nor available for routing`, ['spec', 'gateways']));
        }
      }
    }
  }
  return findings;
}

/** CI266: retries that cannot all run before the route's timeout ends the request (our own check; the same rule holds the blocks at synth). */
export function checkRetriesAgainstTimeout(mesh: Mesh): Finding[] {
  return mesh.virtualServices.flatMap(vs => objects(vs.object.spec?.http).flatMap((http, i) => {
    const timeout = durationMillis(http.timeout);
    const perTry = durationMillis(http.retries?.perTryTimeout);
    const attempts = http.retries?.attempts;
    if (timeout === undefined || perTry === undefined || typeof attempts !== 'number' || attempts * perTry <= timeout) {
      return [];
    }
    return [vs.finding(CODES.retriesBeyondTimeout, `${attempts} attempts × ${http.retries.perTryTimeout} per try need ${attempts * perTry / 1000}s, but the route times out after `
      + `${http.timeout}: the timeout ends the request before the retries can run; raise the timeout, or lower attempts or perTryTimeout`, ['spec', 'http', i, 'retries'])];
  }));
}

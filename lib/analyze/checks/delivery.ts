import { check, Check, Finding, Severity } from '../finding';
import { argoRoutes, flaggerReleases } from '../model/delivery';
import { Mesh } from '../model/mesh';
import { Manifest } from '../read/manifest';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  flaggerOwnedHost: check('CI270', Severity.ERROR, '-', 'a route or rule for a host Flagger owns',
    'a VirtualService, DestinationRule or HTTPRoute for a host a Flagger Canary owns (its Service, `-primary` and `-canary`): Flagger writes the '
    + 'host\'s routes and rules itself and reverts edits, so this object competes with them (two VirtualServices for one host merge unpredictably)'),
  argoRouteMissing: check('CI271', Severity.ERROR, '-', 'an Argo Rollout names a VirtualService route or DestinationRule subset the input does not define',
    'an Argo Rollout whose `trafficRouting.istio` names a VirtualService, a route of it or a DestinationRule (and its stable and canary subsets) '
    + 'that the input does not define, or leaves out `routes` where the VirtualService has several: the Rollout stays degraded and never shifts traffic'),
  argoRouteShape: check('CI272', Severity.ERROR, '-', 'a route Argo Rollouts manages that is not one stable and one canary destination',
    'a VirtualService route an Argo Rollout manages that does not have exactly two destinations, its stable and its canary (subsets of the '
    + 'DestinationRule it names, or its stable and canary Services): Argo Rollouts refuses to set its weights'),
} satisfies Record<string, Check>;

/** CI270: objects that route or define rules for a host a Flagger Canary owns. */
export function checkFlaggerOwnedHosts(mesh: Mesh): Finding[] {
  const owners = new Map<string, Manifest>();
  for (const r of flaggerReleases(mesh.manifests)) {
    r.hosts.forEach(h => owners.set(mesh.fqdn(h, r.canary.namespace), r.canary));
  }
  if (owners.size === 0) {
    return [];
  }
  const findings: Finding[] = [];
  const report = (m: Manifest, fqdn: string, path: Array<string | number>) => {
    const canary = owners.get(fqdn)!;
    findings.push(m.finding(CODES.flaggerOwnedHost, `host ${fqdn} is owned by Flagger (Canary ${canary.namespace}/${canary.name}), which writes its VirtualService and `
      + `DestinationRules and reverts edits to them: this ${m.kind} competes with them; remove it and set what it holds in the Canary's service (timeout, retries, trafficPolicy, match)`, path));
  };
  for (const vs of mesh.virtualServices) {
    const hosts: unknown[] = Array.isArray(vs.object.spec?.hosts) ? vs.object.spec.hosts : [];
    const index = hosts.findIndex(h => typeof h === 'string' && owners.has(mesh.fqdn(h, vs.namespace)));
    if (index >= 0) {
      report(vs, mesh.fqdn(String(hosts[index]), vs.namespace), ['spec', 'hosts', index]);
    }
  }
  for (const dr of mesh.destinationRules) {
    const host = mesh.ruleHost(dr);
    if (owners.has(host)) {
      report(dr, host, ['spec', 'host']);
    }
  }
  for (const route of mesh.routes) {
    const parents: any[] = Array.isArray(route.object.spec?.parentRefs) ? route.object.spec.parentRefs : [];
    const index = parents.findIndex(p => p?.kind === 'Service' && typeof p.name === 'string' && owners.has(mesh.fqdn(p.name, p.namespace ?? route.namespace)));
    if (index >= 0) {
      report(route, mesh.fqdn(parents[index].name, parents[index].namespace ?? route.namespace), ['spec', 'parentRefs', index]);
    }
  }
  return findings;
}

/** CI271, CI272: the VirtualService routes and DestinationRule subsets Argo Rollouts edits exist and have its shape. */
export function checkArgoRoutes(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const ref of argoRoutes(mesh.manifests)) {
    const { rollout, path } = ref;
    const missing = (message: string, at: Array<string | number>) => findings.push(rollout.finding(CODES.argoRouteMissing, message, at));
    const vs = mesh.virtualServices.find(v => v.name === ref.virtualService.name && v.namespace === ref.virtualService.namespace);
    if (!vs) {
      if (mesh.knownNamespaces.has(ref.virtualService.namespace)) {
        missing(`trafficRouting names VirtualService ${ref.virtualService.namespace}/${ref.virtualService.name}, which the input does not define`, [...path, 'name']);
      }
      continue;
    }
    const http: any[] = Array.isArray(vs.object.spec?.http) ? vs.object.spec.http : [];
    const named = ref.routes ?? [];
    if (ref.routes === undefined && http.length !== 1) {
      missing(`trafficRouting names no route of VirtualService ${vs.namespace}/${vs.name}, which has ${http.length}: name the one Argo Rollouts sets the weights of in 'routes'`, path);
    }
    for (const [i, name] of named.entries()) {
      if (!http.some(r => r?.name === name)) {
        const names = http.map(r => r?.name).filter((n: unknown) => typeof n === 'string');
        missing(`trafficRouting names route '${name}' of VirtualService ${vs.namespace}/${vs.name}, which has no route of that name (named: ${names.join(', ') || 'none'})`, [...path, 'routes', i]);
      }
    }
    if (ref.destinationRule) {
      const { name, namespace, stable, canary } = ref.destinationRule;
      const dr = mesh.destinationRules.find(d => d.name === name && d.namespace === namespace);
      const subsets: string[] = Array.isArray(dr?.object.spec?.subsets) ? dr!.object.spec.subsets.map((s: any) => s?.name) : [];
      const drPath = ['spec', 'strategy', 'canary', 'trafficRouting', 'istio', 'destinationRule'];
      if (!dr && mesh.knownNamespaces.has(namespace)) {
        missing(`trafficRouting names DestinationRule ${namespace}/${name}, which the input does not define`, [...drPath, 'name']);
      } else if (dr) {
        for (const [prop, subset] of [['stableSubsetName', stable], ['canarySubsetName', canary]]) {
          if (!subsets.includes(subset)) {
            missing(`${prop} '${subset}' is not a subset of DestinationRule ${namespace}/${name} (subsets: ${subsets.join(', ') || 'none'})`, [...drPath, prop]);
          }
        }
      }
    }
    const managed = ref.routes === undefined ? http.slice(0, http.length === 1 ? 1 : 0) : http.filter(r => named.includes(r?.name));
    for (const r of managed) {
      const destinations: any[] = Array.isArray(r?.route) ? r.route : [];
      const targets = destinations.map(d => ref.destinationRule ? d?.destination?.subset : d?.destination?.host);
      const expected = ref.destinationRule ? [ref.destinationRule.stable, ref.destinationRule.canary] : ref.services ? [ref.services.stable, ref.services.canary] : undefined;
      const shaped = destinations.length === 2 && (!expected || expected.every(e => targets.includes(e)));
      if (!shaped) {
        const index = http.indexOf(r);
        findings.push(vs.finding(CODES.argoRouteShape, `route ${r?.name ? `'${r.name}'` : index + 1} is managed by Argo Rollouts (Rollout ${rollout.namespace}/${rollout.name}), which sets the weights of `
          + `two destinations, ${expected ? `${expected[0]} and ${expected[1]}` : 'its stable and its canary'}; it has ${destinations.length}`
          + `${targets.length > 0 ? ` (${targets.map(t => t ?? '(none)').join(', ')})` : ''}`, ['spec', 'http', index, 'route']));
      }
    }
  }
  return findings;
}

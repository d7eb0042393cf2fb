import { labelsMatch, objects, strings } from '../read/values';
import { Manifest } from '../read/manifest';
import { Mesh, ROOT_NAMESPACE, Workload } from '../model/mesh';
import { exportedTo, exportToOf } from '../model/visibility';
import { InputError } from './sources';

// What one caller's proxy is given, as istiod scopes it (Istio 1.30): the Sidecar that applies to the
// workload (its own by selector, else its namespace's, else the root namespace's) limits the hosts and
// the VirtualServices it imports to its egress `namespace/host` entries; a Service is seen where its
// `networking.istio.io/exportTo` allows, a VirtualService where its `exportTo` does (`*` by default, `.`
// for its own namespace); of the routes, only matches whose sourceLabels and sourceNamespace the caller
// meets, and that apply to the mesh, are emitted.

export interface Caller {
  readonly workload: Workload;
  readonly namespace: string;
  /** `namespace/name` of the workload, as `explain` names the caller. */
  readonly name: string;
  /** The Sidecar that scopes the caller's proxy, if any. */
  readonly sidecar?: Manifest;
}

/** The workload `[namespace/]name` names; a clear error listing the candidates when none or several do. */
export function resolveCaller(mesh: Mesh, spec: string): Caller {
  const [namespace, name] = spec.includes('/') ? spec.split('/', 2) : [undefined, spec];
  const found = mesh.workloads.filter(w => w.manifest.name === name && (namespace === undefined || w.namespace === namespace));
  if (found.length !== 1) {
    const known = mesh.workloads.map(w => `${w.namespace}/${w.manifest.name}`).sort();
    throw new InputError(found.length === 0
      ? `--from names '${spec}', which no workload of the input is (workloads: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''})`
      : `--from names '${spec}', which several workloads are (${found.map(w => `${w.namespace}/${w.manifest.name}`).join(', ')}): name the namespace`);
  }
  const workload = found[0];
  return { workload, namespace: workload.namespace, name: `${workload.namespace}/${workload.manifest.name}`, sidecar: sidecarOf(mesh, workload) };
}

function sidecarOf(mesh: Mesh, w: Workload): Manifest | undefined {
  const sidecars = mesh.ofKind('networking.istio.io', 'Sidecar');
  const selector = (s: Manifest) => s.object.spec?.workloadSelector?.labels;
  return sidecars.find(s => s.namespace === w.namespace && selector(s) && labelsMatch(selector(s), w.labels))
    ?? sidecars.find(s => s.namespace === w.namespace && !selector(s))
    ?? sidecars.find(s => s.namespace === ROOT_NAMESPACE && !selector(s));
}

/** Whether the caller's Sidecar imports `fqdn` from `namespace` (no Sidecar, or one without egress, imports everything). */
export function imports(caller: Caller, namespace: string, fqdn: string): boolean {
  const entries = objects(caller.sidecar?.object.spec?.egress).flatMap(e => strings(e.hosts));
  if (!caller.sidecar || entries.length === 0) return true;
  return entries.some(entry => {
    const slash = entry.indexOf('/');
    const [ns, host] = slash < 0 ? ['*', entry] : [entry.slice(0, slash), entry.slice(slash + 1)];
    const nsOk = ns === '*' || ns === namespace || (ns === '.' && namespace === caller.sidecar!.namespace);
    const hostOk = host === '*' || host === fqdn || (host.startsWith('*.') && fqdn.endsWith(host.slice(1)));
    return nsOk && hostOk;
  });
}

/** Whether the caller's proxy is given an object (a Service, ServiceEntry, VirtualService) after its `exportTo`. */
export function givenTo(caller: Caller, m: Manifest): boolean {
  return exportedTo(exportToOf(m), m.namespace, caller.namespace);
}

/** The routes istiod emits for the caller: matches it does not meet are dropped, and routes left without any. */
export function routesFor(caller: Caller, http: any[]): any[] {
  return http.flatMap(r => {
    const matches = objects(r?.match);
    if (matches.length === 0) return [r];
    const kept = matches.filter(m => applies(caller, m));
    return kept.length === 0 ? [] : [{ ...r, match: kept }];
  });
}

function applies(caller: Caller, m: any): boolean {
  if (m.sourceLabels && typeof m.sourceLabels === 'object' && !labelsMatch(m.sourceLabels, caller.workload.labels)) return false;
  if (typeof m.sourceNamespace === 'string' && m.sourceNamespace !== caller.namespace) return false;
  const gateways = strings(m.gateways);
  return gateways.length === 0 || gateways.includes('mesh');
}

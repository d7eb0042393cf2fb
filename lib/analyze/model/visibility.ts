import { Manifest } from '../read/manifest';
import { Mesh } from './mesh';

/** `exportTo` value meaning every namespace. */
const ALL = '*';

/**
 * An object's `exportTo` list: a Service's `networking.istio.io/exportTo` annotation (comma-separated), any
 * other kind's `spec.exportTo`. Empty means every namespace.
 */
export function exportToOf(m: Manifest): string[] {
  if (m.group === '' && m.kind === 'Service') {
    const annotation = m.object.metadata?.annotations?.['networking.istio.io/exportTo'];
    return typeof annotation === 'string' ? annotation.split(',').map(s => s.trim()).filter(Boolean) : [];
  }
  const exportTo: unknown = m.object.spec?.exportTo;
  return Array.isArray(exportTo) ? exportTo.map(String) : [];
}

/** Whether an object of `namespace` whose `exportTo` is `scopes` is seen in `to` (`.` is its own namespace). */
export function exportedTo(scopes: readonly string[], namespace: string, to: string): boolean {
  return scopes.length === 0 || scopes.includes(ALL) || scopes.includes(to) || (scopes.includes('.') && namespace === to);
}

/** A Service or ServiceEntry host, with the ports it serves. */
export interface VisibleHost {
  readonly owner: Manifest;
  readonly ports: number[];
}

/**
 * Which hosts each namespace sees, after `exportTo`: a ServiceEntry's `spec.exportTo`, a Service's
 * annotation `networking.istio.io/exportTo` (`.` is the object's own namespace, `*` every namespace,
 * none means every namespace). Lookups follow istioctl's destination-host rules: a host exported to all,
 * then one exported to the namespaces the referring VirtualService is itself exported to (its own
 * namespace when it names none), then wildcard ServiceEntry hosts visible there.
 */
export class HostVisibility {
  private readonly scoped = new Map<string, VisibleHost>();
  private readonly wildcards: Array<{ scope: string; suffix: string; host: VisibleHost }> = [];

  public constructor(mesh: Mesh) {
    for (const service of mesh.services.values()) {
      const exportTo = exportToOf(service);
      const scopes = exportTo.length > 0 ? exportTo : [ALL];
      const ports = (Array.isArray(service.object.spec?.ports) ? service.object.spec.ports : []).map((p: any) => p?.port).filter(Number.isInteger);
      this.add(scopes, service.namespace, mesh.fqdn(service.name, service.namespace), { owner: service, ports });
    }
    for (const { host, manifest } of mesh.serviceEntryHosts) {
      const exportTo = exportToOf(manifest);
      const scopes = exportTo.length > 0 && !exportTo.includes(ALL) ? exportTo : [ALL];
      const ports = (Array.isArray(manifest.object.spec?.ports) ? manifest.object.spec.ports : []).map((p: any) => p?.number).filter(Number.isInteger);
      this.add(scopes, manifest.namespace, host, { owner: manifest, ports });
    }
  }

  /** The Service or ServiceEntry that `fqdn` resolves to for a VirtualService in `namespace` exported to `exportTo`. */
  public resolve(fqdn: string, namespace: string, exportTo: unknown): VisibleHost | undefined {
    const scopes = Array.isArray(exportTo) && exportTo.length > 0 ? exportTo.map(e => (e === '.' ? namespace : String(e))) : [namespace];
    for (const scope of [ALL, ...scopes]) {
      const found = this.scoped.get(`${scope}|${fqdn}`);
      if (found) {
        return found;
      }
    }
    const bare = fqdn.replace(/^\*/, '');
    return this.wildcards.find(w => (w.scope === ALL || w.scope === namespace) && bare.endsWith(w.suffix))?.host;
  }

  private add(scopes: string[], namespace: string, fqdn: string, host: VisibleHost): void {
    for (const raw of scopes) {
      const scope = raw === '.' ? namespace : raw;
      if (fqdn.startsWith('*')) {
        this.wildcards.push({ scope, suffix: fqdn.slice(1), host });
      } else {
        this.scoped.set(`${scope}|${fqdn}`, host);
      }
    }
  }
}

/** The namespaces a VirtualService's hosts are scoped to for conflicts: `*` when exported everywhere. */
export function exportScopes(vs: Manifest): string[] {
  const exportTo: unknown = vs.object.spec?.exportTo;
  if (!Array.isArray(exportTo) || exportTo.length === 0 || exportTo.includes(ALL)) {
    return [ALL];
  }
  return [...new Set(exportTo.map(e => (e === '.' ? vs.namespace : String(e))))];
}

import { ASSUMED } from './defaults';
import { Manifest } from '../read/manifest';
import { labelsMatch } from '../read/values';

/** Kinds whose pod templates are the workloads that Services and subsets select. */
const WORKLOAD_KINDS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'batch/Job', 'argoproj.io/Rollout']);

export { ROOT_NAMESPACE } from '../../private/mesh-defaults';

/** Pod labels of one workload, in its namespace. */
export interface Workload {
  readonly manifest: Manifest;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

const USE_WAYPOINT = 'istio.io/use-waypoint';
const USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';

/** A waypoint a service uses; Istio names a waypoint's ServiceAccount after its Gateway. */
export interface WaypointRef {
  readonly name: string;
  readonly namespace: string;
  /** Where the input says the service uses it (`namespace label istio.io/use-waypoint`, `Service reviews`). */
  readonly via: string;
}

/** How the input relates to the cluster it is applied to. */
export interface MeshOptions {
  /** The input is the whole cluster: what it does not hold does not exist (Istio's default ingress gateway aside). */
  readonly complete?: boolean;
}

/** The namespaces of a complete input: every one is described, so every reference is checked. */
class EveryNamespace extends Set<string> {
  public has(_namespace: string): boolean {
    return true;
  }
}

/**
 * The input indexed the way Istio resolves it: hosts to fully qualified names, and every object by
 * the key other objects refer to it with. Built once per analysis; every check reads it.
 */
export class Mesh {
  public readonly services = new Map<string, Manifest>();
  public readonly serviceEntryHosts: Array<{ host: string; manifest: Manifest }> = [];
  public readonly workloads: Workload[] = [];
  public readonly namespaces = new Map<string, Manifest>();
  public readonly gateways = new Map<string, Manifest>();
  public readonly virtualServices: Manifest[] = [];
  public readonly destinationRules: Manifest[] = [];
  public readonly peerAuthentications: Manifest[] = [];
  public readonly telemetries: Manifest[] = [];
  /** Gateway API Gateways by `namespace/name`. */
  public readonly kubernetesGateways = new Map<string, Manifest>();
  /** Gateway API HTTPRoutes and GRPCRoutes. */
  public readonly routes: Manifest[] = [];
  /**
   * Namespaces the input describes: references into other namespaces cannot be checked. When the input
   * is the whole cluster (`complete`), every namespace is described, as `istioctl analyze` sees a cluster.
   */
  public readonly knownNamespaces: Set<string>;

  /** Workloads by `namespace|label=value`, so selectors are resolved without scanning every workload. */
  private readonly workloadIndex = new Map<string, Workload[]>();
  /** DestinationRules by exact FQDN host, and those with wildcard hosts. */
  private readonly rulesByHost = new Map<string, Manifest[]>();
  private readonly wildcardRules: Manifest[] = [];

  /** Labels of the Nodes in the input, by name: pods inherit their topology labels. */
  private readonly nodeLabels = new Map<string, Record<string, string>>();
  /** Every object by `group/kind`. */
  private readonly byKind: Map<string, Manifest[]>;
  private servicesByWorkload?: Map<Workload, Manifest[]>;

  public constructor(public readonly manifests: readonly Manifest[], options: MeshOptions = {}) {
    this.knownNamespaces = options.complete ? new EveryNamespace() : new Set<string>();
    this.byKind = groupBy(manifests, m => `${m.group}/${m.kind}`);
    for (const m of manifests) {
      if (m.group === '' && m.kind === 'Node') {
        this.nodeLabels.set(m.name, m.object.metadata?.labels ?? {});
      }
    }
    for (const m of manifests) {
      this.add(m);
    }
  }

  /** Resolves a host as Istio does: a short name is relative to the referring object's namespace. */
  public fqdn(host: string, namespace: string): string {
    return host.includes('.') || host.includes('*') ? host : `${host}.${namespace}.svc.cluster.local`;
  }

  /** The Services whose selector matches `workload`'s pods (in its namespace). */
  public servicesOf(workload: Workload): Manifest[] {
    if (!this.servicesByWorkload) {
      // built on first use, through the label index: one pass over the Services, not one per workload
      this.servicesByWorkload = new Map();
      for (const service of this.services.values()) {
        const selector = service.object.spec?.selector;
        if (!selector || typeof selector !== 'object' || Object.keys(selector).length === 0) continue;
        for (const w of this.workloadsSelectedBy(service.namespace, selector)) append(this.servicesByWorkload, w, service);
      }
    }
    return this.servicesByWorkload.get(workload) ?? [];
  }

  /** The objects of one group (`''` for Kubernetes core) and kind. */
  public ofKind(group: string, kind: string): Manifest[] {
    return this.byKind.get(`${group}/${kind}`) ?? [];
  }

  /** Namespace of a cluster-local FQDN (`reviews.bookinfo.svc.cluster.local` → `bookinfo`). */
  public namespaceOf(fqdn: string): string | undefined {
    const match = /^[^.]+\.([^.]+)\.svc\.cluster\.local$/.exec(fqdn);
    return match?.[1];
  }

  /** Whether a Service or ServiceEntry in the input defines `fqdn`. */
  public hostDefined(fqdn: string): boolean {
    return this.services.has(fqdn) || this.serviceEntryHosts.some(e => hostMatches(e.host, fqdn));
  }

  /** Whether a missing definition of `fqdn` is a finding: its namespace is in the input, or it is external. */
  public canResolve(fqdn: string): boolean {
    const namespace = this.namespaceOf(fqdn);
    return namespace === undefined ? !fqdn.includes('*') : this.knownNamespaces.has(namespace);
  }

  /** Workloads in `namespace` whose pod labels include all of `selector`. */
  public workloadsSelectedBy(namespace: string, selector: Record<string, string>): Workload[] {
    const entries = Object.entries(selector);
    const candidates = entries.length === 0
      ? this.workloads.filter(w => w.namespace === namespace)
      : entries.map(([k, v]) => this.workloadIndex.get(`${namespace}|${k}=${v}`) ?? [])
        .reduce((smallest, list) => list.length < smallest.length ? list : smallest);
    return candidates.filter(w => labelsMatch(selector, w.labels));
  }

  /**
   * The waypoint that handles requests to `service` in ambient mode: the Service's `istio.io/use-waypoint`
   * label, else its Namespace's (`none` opts out); only in a namespace the input enrolls in ambient.
   */
  public waypointOf(service: Manifest): WaypointRef | undefined {
    if (!this.isAmbient(service.namespace)) {
      return undefined;
    }
    const nsLabels = this.namespaces.get(service.namespace)!.object.metadata.labels;
    const own = service.object.metadata?.labels;
    const [labels, via] = own?.[USE_WAYPOINT] !== undefined ? [own, `Service ${service.name}`] : [nsLabels, `namespace label ${USE_WAYPOINT}`];
    const name = labels[USE_WAYPOINT];
    return typeof name === 'string' && name !== '' && name !== 'none'
      ? { name, namespace: labels[USE_WAYPOINT_NAMESPACE] ?? service.namespace, via }
      : undefined;
  }

  /** Whether the input enrolls `namespace` in ambient mode (`istio.io/dataplane-mode=ambient` on its Namespace). */
  public isAmbient(namespace: string): boolean {
    return this.namespaces.get(namespace)?.object.metadata?.labels?.['istio.io/dataplane-mode'] === 'ambient';
  }

  /** Whether ingress gateways send `service`'s traffic through its waypoint (`istio.io/ingress-use-waypoint`, on it or its Namespace). */
  public ingressUsesWaypoint(service: Manifest): boolean {
    const label = (m: Manifest | undefined) => m?.object.metadata?.labels?.['istio.io/ingress-use-waypoint'];
    return this.waypointOf(service) !== undefined && (label(service) ?? label(this.namespaces.get(service.namespace))) === 'true';
  }

  /** Subsets that DestinationRules define for `fqdn`, with the rule defining each. */
  public subsetsOf(fqdn: string): Array<{ name: string; labels: Record<string, string>; rule: Manifest; index: number }> {
    return [...(this.rulesByHost.get(fqdn) ?? []), ...this.wildcardRules]
      .filter(dr => hostMatches(this.ruleHost(dr), fqdn))
      .flatMap(rule => {
        const subsets: unknown = rule.object.spec?.subsets;
        // a malformed entry (null, a string) is the schema check's finding, not a subset
        return (Array.isArray(subsets) ? subsets : []).flatMap((s: any, index: number) => s && typeof s === 'object'
          ? [{ name: s.name, labels: s.labels && typeof s.labels === 'object' ? s.labels : {}, rule, index }] : []);
      });
  }

  /** DestinationRules whose host is exactly `fqdn`. */
  public rulesOf(fqdn: string): Manifest[] {
    return this.rulesByHost.get(fqdn) ?? [];
  }

  /** The FQDN a DestinationRule applies to. */
  public ruleHost(dr: Manifest): string {
    const host: unknown = dr.object.spec?.host;
    return this.fqdn(typeof host === 'string' ? host : '', dr.namespace);
  }

  /** Marks `namespace` as described by the input, unless `m` is only assumed to exist. */
  private describe(m: Manifest, namespace: string): void {
    if (!ASSUMED.has(m)) {
      this.knownNamespaces.add(namespace);
    }
  }

  /**
   * The labels Istio adds to a pod's endpoints from its Node (locality and hostname), which subsets may
   * select: a pod scheduled on a Node of the input carries its region, zone and subzone.
   */
  private inherited(nodeName: unknown): Record<string, string> {
    if (typeof nodeName !== 'string') {
      return {};
    }
    const node = this.nodeLabels.get(nodeName);
    if (!node) {
      return { 'kubernetes.io/hostname': nodeName };
    }
    const topology = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];
    // an empty locality label is no locality: Istio does not add it
    return { 'kubernetes.io/hostname': nodeName, ...Object.fromEntries(topology.filter(k => node[k]).map(k => [k, node[k]])) };
  }

  private addWorkload(manifest: Manifest, labels: Record<string, string>): void {
    const workload = { manifest, namespace: manifest.namespace, labels };
    this.workloads.push(workload);
    this.describe(manifest, manifest.namespace);
    for (const [k, v] of Object.entries(labels)) {
      append(this.workloadIndex, `${manifest.namespace}|${k}=${v}`, workload);
    }
  }

  private addRule(dr: Manifest): void {
    this.destinationRules.push(dr);
    const host = this.ruleHost(dr);
    if (host.includes('*')) {
      this.wildcardRules.push(dr);
    } else {
      append(this.rulesByHost, host, dr);
    }
  }

  private add(m: Manifest): void {
    if (m.group === '' && m.kind === 'Service') {
      this.services.set(this.fqdn(m.name, m.namespace), m);
      this.describe(m, m.namespace);
    } else if (m.group === '' && m.kind === 'Namespace') {
      this.namespaces.set(m.name, m);
      this.knownNamespaces.add(m.name);
    } else if (m.kind === 'Rollout' && m.group === 'argoproj.io' && !m.object.spec?.template) {
      // a Rollout with workloadRef runs the pods of the workload it references, which the input holds
      this.describe(m, m.namespace);
    } else if (WORKLOAD_KINDS.has(`${m.group}/${m.kind}`)) {
      this.addWorkload(m, m.object.spec?.template?.metadata?.labels ?? {});
    } else if (m.group === '' && m.kind === 'Pod') {
      this.addWorkload(m, { ...this.inherited(m.object.spec?.nodeName), ...m.object.metadata?.labels ?? {} });
    } else if (m.group === 'networking.istio.io') {
      this.addNetworking(m);
    } else if (m.group === 'security.istio.io' && m.kind === 'PeerAuthentication') {
      this.peerAuthentications.push(m);
    } else if (m.group === 'telemetry.istio.io' && m.kind === 'Telemetry') {
      this.telemetries.push(m);
    } else if (m.group === 'gateway.networking.k8s.io' && m.kind === 'Gateway') {
      this.kubernetesGateways.set(`${m.namespace}/${m.name}`, m);
    } else if (m.group === 'gateway.networking.k8s.io' && (m.kind === 'HTTPRoute' || m.kind === 'GRPCRoute')) {
      this.routes.push(m);
      this.describe(m, m.namespace);
    }
  }

  private addNetworking(m: Manifest): void {
    switch (m.kind) {
      case 'VirtualService': this.virtualServices.push(m); break;
      case 'DestinationRule': this.addRule(m); break;
      case 'Gateway': this.gateways.set(`${m.namespace}/${m.name}`, m); break;
      case 'ServiceEntry':
        for (const host of m.object.spec?.hosts ?? []) {
          this.serviceEntryHosts.push({ host: this.fqdn(host, m.namespace), manifest: m });
        }
        break;
    }
  }
}

/** Whether host `pattern` (possibly `*` or `*.suffix`) covers `host`, as Istio matches hosts. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) {
    return true;
  }
  if (pattern.startsWith('*.')) {
    return host.endsWith(pattern.slice(1)) || host.startsWith('*.') && host.endsWith(pattern.slice(1));
  }
  return host.startsWith('*.') && pattern.endsWith(host.slice(1));
}

/** Adds `value` to the list under `key`, creating it. */
export function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/** Groups items by a key, keeping their order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  items.forEach(item => append(groups, key(item), item));
  return groups;
}

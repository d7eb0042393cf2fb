import { ArgoRoute, argoRoutes, flaggerReleases } from '../model/delivery';
import { mergedHttpRoutes } from '../model/delegation';
import { asIstioHttpRoutes, serviceParents } from '../model/gateway-routes';
import { append, Mesh, Workload } from '../model/mesh';
import { Manifest } from '../read/manifest';
import { labelsMatch, objects, strings } from '../read/values';
import { Caller, givenTo, imports, resolveCaller, routesFor } from './caller';
import { AccessModel, PolicyIndex } from './policy-index';
import { NotApplied } from './sources';

/**
 * What one HTTP route of a host does to the requests it matches.
 */
export interface RouteModel {
  /** The route's matches in canonical form (`default` for a route that matches every request): the key routes are compared by. */
  readonly key: string;
  /** The matches as a person reads them (`user-agent ~ .*iPhone.*`, `plain requests`). */
  readonly label: string;
  /** Where matching requests go, with the share of each (0..100) and the pod labels the subset selects. */
  readonly destinations: Array<{
    readonly target: string;
    /** The share of requests (0..100) as Envoy takes it: weights that do not sum to 100 are relative. */
    readonly weight: number;
    /** The weight as written, when it differs from the share (weights 1 and 3 are shares 25 and 75). */
    readonly written?: number;
    readonly labels?: string;
    /** FQDN of the destination when it is another host than the routed one (a version Service, another service), which `target` names. */
    readonly host?: string;
  }>;
  readonly timeout?: string;
  /** The retry policy: the route's, else Istio's default, which istiod gives every route that sets none. */
  readonly retries?: string;
  /** Whether `retries` is Istio's default (the route sets none). */
  readonly retriesByDefault?: boolean;
  readonly delay?: { readonly fixedDelay: string; readonly percentage: number };
  readonly abort?: { readonly httpStatus: number; readonly percentage: number };
  readonly mirror?: string;
  /** A response the proxy gives itself instead of routing: `redirect 301: scheme https`, `respond 503`. */
  readonly response?: string;
  /** How the request is rewritten before it is sent: `uri /v2, authority api.internal`. */
  readonly rewrite?: string;
  /** Header changes on the request and the response: `request set x-env=canary; response remove server`. */
  readonly headers?: string;
  /** The route's name, which a delivery controller finds it by. */
  readonly name?: string;
  /** The controller that sets the route's weights (`Argo Rollouts (Rollout bookinfo/reviews)`): its weights in the input are a resting state. */
  readonly managedBy?: string;
}

/**
 * What a request to one host gets: routes, the DestinationRule's policy, mTLS and who may call it.
 */
export interface HostModel {
  readonly fqdn: string;
  readonly host: string;
  readonly namespace: string;
  /** `namespace/name` of the VirtualService that routes the host in the mesh, if any. */
  readonly virtualService?: string;
  /** `namespace/name` of the HTTPRoutes attached to the host's Service (Gateway API), if no VirtualService routes it. */
  readonly httpRoutes?: string[];
  /** For a route bound to a gateway, the Gateway object as findings name it (`Gateway/bookinfo/bookinfo-gateway`), when the input has it. */
  readonly gateway?: string;
  readonly routes: RouteModel[];
  /** Subsets of the host's DestinationRules: name → `k=v, k=v` labels. */
  readonly subsets: Record<string, string>;
  /** The DestinationRule's traffic policy, flattened (`outlierDetection.consecutive5xxErrors` → `5`); subset policies under `subset <name>: …`. */
  readonly policy: Record<string, string>;
  /** The mTLS mode that applies to the host's workloads, and the PeerAuthentication that sets it. */
  readonly mtls: string;
  readonly access: AccessModel;
  /**
   * For a Service that another host's HTTPRoutes send to (a version Service, `reviews-v1`), that host: its
   * requests arrive as requests to it, so that host's callers are the ones that reach it.
   */
  readonly versionOf?: string;
  /** The host's workloads (`reviews-v1`, …) by the labels of the Service's selector. */
  readonly workloads: string[];
  /** The controller that releases the host, and how: `Flagger (Canary bookinfo/reviews): 10%, 50%, then promotion, every 1m`. */
  readonly delivery?: string;
}

/** What a traffic model is of: the state a cluster keeps, and optionally one caller's view of it. */
export interface TrafficModelOptions {
  /** The objects of the inputs that the cluster would not store (the API server or the webhook refuses them). */
  readonly notApplied?: readonly NotApplied[];
  /** `[namespace/]name` of the workload whose proxy the model is for, as istiod scopes it (`explain --from`). */
  readonly from?: string;
}

/**
 * The traffic of a mesh, host by host: the model `explain` prints and `diff` compares.
 */
export class TrafficModel {
  /** The objects the inputs hold that the cluster would not store, and what it keeps instead. */
  public readonly notApplied: readonly NotApplied[];
  /** The caller the model is for (`namespace/name`), with `explain --from`. */
  public readonly caller?: string;
  /** Hosts the caller's proxy is not given (its Sidecar's egress or their exportTo leaves them out), with the reason. */
  public readonly hidden: Array<{ readonly host: string; readonly why: string }> = [];
  /** Hosts by FQDN, in name order. */
  public readonly hosts: Map<string, HostModel>;
  /** Call edges the AuthorizationPolicies allow: caller display name → host FQDNs. */
  public readonly callers = new Map<string, string[]>();
  /**
   * The security policies (AuthorizationPolicy, PeerAuthentication, RequestAuthentication) by
   * `Kind/namespace/name`, with what they select and their spec as canonical JSON, so a change to one is
   * reported even when the input holds no host it protects.
   */
  public readonly policies = new Map<string, { readonly kind: string; readonly namespace: string; readonly name: string; readonly selects: string; readonly spec: string;
    /** For a policy that selects pods by labels (or a whole namespace), the pods it selects as the access model reads them. */
    readonly selection?: { readonly namespace: string; readonly labels: Record<string, string> } }>();

  private readonly index: PolicyIndex;

  public constructor(manifests: readonly Manifest[], options: TrafficModelOptions = {}) {
    const mesh = new Mesh(manifests);
    const index = new PolicyIndex(manifests);
    this.index = index;
    const caller = options.from !== undefined ? resolveCaller(mesh, options.from) : undefined;
    this.notApplied = options.notApplied ?? [];
    this.caller = caller?.name;
    const fqdns = new Set<string>([...mesh.services.keys()]);
    const routesByHost = new Map<string, Manifest[]>();
    for (const vs of mesh.virtualServices) {
      if (!meshBound(vs)) {
        continue;
      }
      for (const host of strings(vs.object.spec?.hosts)) {
        if (!host.includes('*')) {
          const fqdn = mesh.fqdn(host, vs.namespace);
          fqdns.add(fqdn);
          // a caller's proxy takes the VirtualServices exported to its namespace that its Sidecar imports
          if (caller && !(givenTo(caller, vs) && imports(caller, vs.namespace, fqdn))) continue;
          append(routesByHost, fqdn, vs);
        }
      }
    }
    if (caller) {
      // of several, the caller's own namespace's VirtualService first, as istiod prefers it
      for (const list of routesByHost.values()) list.sort((a, b) => Number(b.namespace === caller.namespace) - Number(a.namespace === caller.namespace));
    }
    const httpRoutesByHost = new Map<string, Manifest[]>();
    for (const route of mesh.routes.filter(r => r.kind === 'HTTPRoute')) {
      for (const parent of serviceParents(route)) {
        const fqdn = `${parent.name}.${parent.namespace}.svc.cluster.local`;
        fqdns.add(fqdn);
        append(httpRoutesByHost, fqdn, route);
      }
    }
    for (const dr of mesh.destinationRules) {
      const host = mesh.ruleHost(dr);
      if (host && !host.includes('*')) {
        fqdns.add(host);
      }
    }
    // a ServiceEntry makes a host reachable (egress under REGISTRY_ONLY): a new one is a traffic change
    const entries = new Map<string, Manifest>();
    for (const { host, manifest } of mesh.serviceEntryHosts.filter(e => !e.host.includes('*'))) {
      fqdns.add(host);
      entries.set(host, entries.get(host) ?? manifest);
    }
    // the Services an HTTPRoute of another host sends to stand for versions of that host, as does a Service
    // that selects a subset of another's pods (the per-version Services of Istio's bookinfo-versions.yaml)
    const versionOf = new Map<string, string>();
    const services = mesh.ofKind('', 'Service').filter(s => s.object.spec?.selector && typeof s.object.spec.selector === 'object' && Object.keys(s.object.spec.selector).length > 0);
    // a wider Service's selector is a part of the version's: it holds one of its pairs, so only Services
    // sharing a pair are compared (comparing every two Services took seconds at 5,000)
    const byPair = new Map<string, number[]>();
    services.forEach((s, i) => {
      for (const [k, v] of Object.entries(s.object.spec.selector)) append(byPair, `${s.namespace}\n${k}=${v}`, i);
    });
    services.forEach((version, i) => {
      const selector = version.object.spec.selector;
      const candidates = new Set(Object.entries(selector).flatMap(([k, v]) => byPair.get(`${version.namespace}\n${k}=${v}`) ?? []));
      const first = [...candidates].sort((a, b) => a - b).find(j => j !== i
        && Object.keys(services[j].object.spec.selector).length < Object.keys(selector).length
        && labelsMatch(services[j].object.spec.selector, selector));
      if (first !== undefined) versionOf.set(mesh.fqdn(version.name, version.namespace), mesh.fqdn(services[first].name, services[first].namespace));
    });
    for (const [parent, routes] of httpRoutesByHost) {
      for (const route of routes) {
        for (const backend of objects(route.object.spec?.rules).flatMap(rule => objects(rule.backendRefs))) {
          if ((backend.kind ?? 'Service') !== 'Service' || typeof backend.name !== 'string') continue;
          const fqdn = mesh.fqdn(backend.name, typeof backend.namespace === 'string' ? backend.namespace : route.namespace);
          if (fqdn !== parent && !versionOf.has(fqdn)) versionOf.set(fqdn, parent);
        }
      }
    }
    const visible = (fqdn: string): string | undefined => {
      if (!caller) return undefined;
      const service = mesh.services.get(fqdn);
      const entry = entries.get(fqdn);
      const owner = service ?? entry;
      if (!owner) return routesByHost.has(fqdn) ? undefined : 'no VirtualService of it is given to the caller';
      if (!givenTo(caller, owner)) return `${owner.kind} ${owner.namespace}/${owner.name} is not exported to ${caller.namespace}`;
      if (!imports(caller, owner.namespace, fqdn)) return `the caller's Sidecar ${caller.sidecar!.namespace}/${caller.sidecar!.name} does not import it`;
      return undefined;
    };
    const shown = [...fqdns].sort().filter(fqdn => {
      const why = visible(fqdn);
      if (why) this.hidden.push({ host: fqdn, why });
      return !why;
    });
    const hosts = [
      ...shown.map(fqdn => ({ ...hostModel(mesh, index, fqdn, routesByHost.get(fqdn)?.[0], httpRoutesByHost.get(fqdn) ?? [], entries.get(fqdn), caller), versionOf: versionOf.get(fqdn) })),
      // a workload's requests do not pass through the ingress gateways
      ...caller ? [] : [...ingressEntries(mesh)].sort(([a], [b]) => a.localeCompare(b)).map(([key, entry]) => ingressModel(mesh, index, key, entry)),
    ];
    this.hosts = new Map(withDelivery(mesh, hosts).map(h => [h.fqdn, h]));
    for (const m of manifests.filter(x => x.group === 'security.istio.io')) {
      const matchLabels = m.object.spec?.selector?.matchLabels;
      const refs = objects([m.object.spec?.targetRef, ...objects(m.object.spec?.targetRefs)]).map(r => `${r.kind} ${r.name}`);
      const selects = refs.length > 0 ? refs.join(', ')
        : matchLabels && typeof matchLabels === 'object' ? `workloads ${formatLabels(matchLabels)}` : 'every workload of the namespace';
      const labels = refs.length > 0 ? undefined : matchLabels && typeof matchLabels === 'object' ? matchLabels : {};
      this.policies.set(m.id, { kind: m.kind, namespace: m.namespace, name: m.name, selects, spec: canonical(m.object.spec ?? {}), ...labels ? { selection: { namespace: m.namespace, labels } } : {} });
    }
    for (const h of hosts) {
      for (const caller of h.access.callers) {
        append(this.callers, caller.replace(/ \[.*\]$/, ''), h.fqdn);
      }
    }
  }

  /** Who may call pods of `labels` in `namespace` after this state's AuthorizationPolicies, whether or not the input holds them. */
  public accessOf(namespace: string, labels: Record<string, string>): AccessModel {
    return this.index.access(namespace, [{ labels }]);
  }
}

/**
 * Hosts as their delivery controllers leave them: a Flagger Canary's host routes to its `-primary` and
 * `-canary` Services with weights Flagger sets (all to the primary at rest); the VirtualService routes an
 * Argo Rollout names are marked as managed by it. Either way the host says which controller steps it, how.
 */
function withDelivery(mesh: Mesh, hosts: HostModel[]): HostModel[] {
  const flagger = new Map(flaggerReleases(mesh.manifests).map(r => [mesh.fqdn(r.service, r.canary.namespace), r]));
  const argo = new Map<string, ArgoRoute>(argoRoutes(mesh.manifests).map(r => [`${r.virtualService.namespace}/${r.virtualService.name}`, r]));
  return hosts.map(h => {
    const release = flagger.get(h.fqdn);
    if (release) {
      const by = `Flagger (Canary ${release.canary.namespace}/${release.canary.name})`;
      const analysis = release.canary.object.spec?.analysis ?? {};
      const steps = Array.isArray(analysis.stepWeights) ? analysis.stepWeights.map((w: unknown) => `${w}%`).join(', ')
        : analysis.stepWeight !== undefined ? `${analysis.stepWeight}% steps up to ${analysis.maxWeight ?? 100}%`
          : analysis.iterations !== undefined ? `${analysis.iterations} checks${Array.isArray(analysis.match) ? ' of the matched requests' : ''}` : 'no steps';
      const service = release.canary.object.spec?.service ?? {};
      const policy: Record<string, string> = {};
      flatten(service.trafficPolicy, '', policy);
      return {
        ...h,
        virtualService: undefined,
        httpRoutes: undefined,
        // Flagger writes the service's trafficPolicy into both its DestinationRules
        policy,
        delivery: `${by}: ${steps}, then promotion${analysis.interval ? `, every ${analysis.interval}` : ''}`,
        routes: [{
          key: 'default', label: 'plain requests', managedBy: by,
          timeout: typeof service.timeout === 'string' ? service.timeout : undefined,
          ...service.retries ? { retries: describeRetries(service.retries) } : DEFAULT_RETRIES,
          destinations: [`${release.service}-primary`, `${release.service}-canary`].map((target, i) => ({ target, weight: i === 0 ? 100 : 0, host: mesh.fqdn(target, release.canary.namespace) })),
        }],
      };
    }
    const ref = h.virtualService ? argo.get(h.virtualService) : undefined;
    if (!ref) {
      return h;
    }
    const by = `Argo Rollouts (Rollout ${ref.rollout.namespace}/${ref.rollout.name})`;
    const steps: unknown[] = Array.isArray(ref.rollout.object.spec?.strategy?.canary?.steps) ? ref.rollout.object.spec.strategy.canary.steps : [];
    const weights = steps.flatMap((step: any) => typeof step?.setWeight === 'number' ? [`${step.setWeight}%`] : []);
    const managed = (r: RouteModel) => ref.routes ? r.name !== undefined && ref.routes.includes(r.name) : h.routes.length === 1;
    return {
      ...h,
      delivery: `${by}: ${weights.join(', ') || 'no weight steps'}, then promotion`,
      routes: h.routes.map(r => managed(r) ? { ...r, managedBy: by } : r),
    };
  });
}

/** The routes a gateway applies to one hostname (a listener's, for a Gateway API route naming one). */
interface IngressEntry {
  /** `namespace/name` of the Gateway, and `/section` of its listener when a route names one. */
  readonly gateway: string;
  readonly hostname: string;
  readonly namespace: string;
  readonly gatewayObject?: Manifest;
  vs?: Manifest;
  readonly httpRoutes: Manifest[];
}

/** Routes bound to gateways: VirtualServices with gateways other than `mesh`, HTTPRoutes with a Gateway parent. */
function ingressEntries(mesh: Mesh): Map<string, IngressEntry> {
  const entries = new Map<string, IngressEntry>();
  const entry = (gateway: string, hostname: string, namespace: string, gatewayObject: Manifest | undefined, section?: string) => {
    const ref = section ? `${gateway}/${section}` : gateway;
    const key = `gateway ${ref} ${hostname}`;
    if (!entries.has(key)) entries.set(key, { gateway: ref, hostname, namespace, gatewayObject, httpRoutes: [] });
    return entries.get(key)!;
  };
  for (const vs of mesh.virtualServices) {
    for (const g of strings(vs.object.spec?.gateways).filter(name => name !== 'mesh')) {
      const ref = g.includes('/') ? g : `${vs.namespace}/${g}`;
      for (const host of strings(vs.object.spec?.hosts)) {
        // the first VirtualService for a gateway and host is the one the model reads, as for mesh hosts
        const e = entry(ref, host, vs.namespace, mesh.gateways.get(ref));
        e.vs = e.vs ?? vs;
      }
    }
  }
  for (const route of mesh.routes.filter(r => r.kind === 'HTTPRoute')) {
    const parents = objects(route.object.spec?.parentRefs)
      .filter(p => (p.kind ?? 'Gateway') === 'Gateway' && (p.group ?? 'gateway.networking.k8s.io') === 'gateway.networking.k8s.io' && typeof p.name === 'string');
    for (const p of parents) {
      const ref = `${p.namespace ?? route.namespace}/${p.name}`;
      const hostnames = strings(route.object.spec?.hostnames);
      for (const hostname of hostnames.length > 0 ? hostnames : ['*']) {
        entry(ref, hostname, route.namespace, mesh.kubernetesGateways.get(ref), typeof p.sectionName === 'string' ? p.sectionName : undefined).httpRoutes.push(route);
      }
    }
  }
  return entries;
}

/** What a gateway does with requests for one hostname: its routes, and who may send them after its policies. */
function ingressModel(mesh: Mesh, index: PolicyIndex, key: string, e: IngressEntry): HostModel {
  return {
    fqdn: key,
    host: `${e.hostname} via gateway ${e.gateway}`,
    namespace: e.namespace,
    gateway: e.gatewayObject?.id,
    ...routing(mesh, key, e.namespace, e.vs, e.httpRoutes) ?? { routes: [] },
    subsets: {},
    policy: {},
    mtls: 'not applicable: the gateway terminates its clients\' connections',
    access: index.accessAtGateway(e.gatewayObject),
    workloads: [],
  };
}

/**
 * The routes of a host or a gateway entry: its VirtualService's, else its HTTPRoutes' as istiod translates
 * them. A VirtualService routes by subsets; an HTTPRoute by other Services (one per version).
 */
function routing(mesh: Mesh, routed: string, namespace: string, vs: Manifest | undefined, httpRoutes: Manifest[], caller?: Caller): Pick<HostModel, 'virtualService' | 'httpRoutes' | 'routes'> | undefined {
  if (vs) {
    const http = mergedHttpRoutes(mesh, vs);
    return { virtualService: `${vs.namespace}/${vs.name}`, routes: routesOf(caller ? routesFor(caller, http) : http, vs.namespace, mesh, routed, d => subsetLabels(mesh, d, vs.namespace)) };
  }
  if (httpRoutes.length > 0) {
    const http = withoutSolePorts(mesh, asIstioHttpRoutes(httpRoutes), namespace);
    return { httpRoutes: httpRoutes.map(r => `${r.namespace}/${r.name}`).sort(), routes: routesOf(http, namespace, mesh, routed, d => backendLabels(mesh, d, namespace)) };
  }
  return undefined;
}

/** What a subset destination selects: its labels and the workloads of its host behind them. */
function subsetLabels(mesh: Mesh, destination: any, namespace: string): string | undefined {
  if (typeof destination?.host !== 'string' || destination.subset === undefined) return undefined;
  const fqdn = mesh.fqdn(destination.host, namespace);
  const subset = mesh.subsetsOf(fqdn).find(s => s.name === destination.subset);
  return subset && `${formatLabels(subset.labels)}${podsOf(workloadsOf(mesh, mesh.services.get(fqdn)), subset.labels)}`;
}

function meshBound(vs: Manifest): boolean {
  const gateways: unknown = vs.object.spec?.gateways;
  return !Array.isArray(gateways) || gateways.length === 0 || gateways.includes('mesh');
}

function hostModel(mesh: Mesh, index: PolicyIndex, fqdn: string, vs: Manifest | undefined, httpRoutes: Manifest[], entry?: Manifest, caller?: Caller): HostModel {
  const namespace = mesh.namespaceOf(fqdn) ?? vs?.namespace ?? entry?.namespace ?? 'default';
  const host = fqdn.endsWith('.svc.cluster.local') ? fqdn.split('.')[0] : fqdn;
  const service = mesh.services.get(fqdn);
  const workloads = workloadsOf(mesh, service);
  const subsets = Object.fromEntries(mesh.subsetsOf(fqdn).map(s => [s.name, `${formatLabels(s.labels)}${podsOf(workloads, s.labels)}`]));
  // a VirtualService routes by subsets of the host; an HTTPRoute by other Services (one per version)
  const routed = routing(mesh, fqdn, namespace, vs, httpRoutes, caller)
    ?? { routes: [{ key: 'default', label: 'plain requests', destinations: [{ target: ALL_ENDPOINTS, weight: 100 }], ...DEFAULT_RETRIES }] };
  const waypoint = service && mesh.waypointOf(service);
  // Istio takes a ServiceEntry without location as MESH_EXTERNAL
  const external = !service && entry !== undefined && (entry.object.spec?.location ?? 'MESH_EXTERNAL') === 'MESH_EXTERNAL';
  return {
    fqdn,
    host,
    namespace,
    ...routed,
    subsets,
    policy: policyOf(mesh, fqdn),
    // PeerAuthentication and AuthorizationPolicy act on the mesh's workloads, which an external host has none of
    mtls: external ? `not applicable: a host outside the mesh (ServiceEntry ${entry!.namespace}/${entry!.name})` : index.mtls(namespace, workloads),
    access: external ? { kind: 'anyone', callers: [], denies: [] } : waypoint ? index.accessThrough(waypoint, namespace, host) : index.access(namespace, workloads),
    workloads: workloads.map(w => w.manifest.name).sort(),
  };
}

/** HTTPRoute backends name a port even when their Service has one; it says nothing there, so the model leaves it out. */
function withoutSolePorts(mesh: Mesh, http: any[], namespace: string): any[] {
  const sole = (d: any) => {
    const ports = mesh.services.get(mesh.fqdn(String(d?.host), namespace))?.object.spec?.ports;
    return Array.isArray(ports) && ports.length === 1 && ports[0]?.port === d?.port?.number;
  };
  const strip = (d: any) => (sole(d) ? { ...d, port: undefined } : d);
  return http.map(r => ({ ...r, route: r.route.map((t: any) => ({ ...t, destination: strip(t.destination) })), mirror: r.mirror && strip(r.mirror) }));
}

function workloadsOf(mesh: Mesh, service: Manifest | undefined): Workload[] {
  const selector = service?.object.spec?.selector;
  return service && selector && typeof selector === 'object' ? mesh.workloadsSelectedBy(service.namespace, selector) : [];
}

/** `: reviews-v1, reviews-v2`: the workloads among `workloads` that carry `labels`. */
function podsOf(workloads: Workload[], labels: Record<string, string>): string {
  const names = workloads.filter(w => labelsMatch(labels, w.labels)).map(w => w.manifest.name);
  return workloads.length === 0 ? '' : `: ${names.length > 0 ? names.join(', ') : 'no workload'}`;
}

/** What an HTTPRoute backend selects: its Service's selector and the workloads behind it (`app=reviews, version=v1: reviews-v1`). */
function backendLabels(mesh: Mesh, destination: any, namespace: string): string | undefined {
  const service = typeof destination?.host === 'string' ? mesh.services.get(mesh.fqdn(destination.host, namespace)) : undefined;
  const selector = service?.object.spec?.selector;
  return selector && typeof selector === 'object' ? `${formatLabels(selector)}${podsOf(workloadsOf(mesh, service), selector)}` : undefined;
}

/** A destination that names no subset: every endpoint of the host (round-robin over its versions). */
const ALL_ENDPOINTS = 'all endpoints';

/** The route model of VirtualService-shaped `http` routes; `labelsOf` says what pods a destination reaches. */
function routesOf(http: unknown, namespace: string, mesh: Mesh, routed: string, labelsOf: (destination: any) => string | undefined): RouteModel[] {
  if (!Array.isArray(http)) {
    return [];
  }
  return http.filter(r => r && typeof r === 'object').map((r: any) => {
    const matches = Array.isArray(r.match) ? r.match.filter((m: unknown) => m && typeof m === 'object') : [];
    const route: any[] = Array.isArray(r.route) ? r.route : [];
    const total = route.length === 1 && route[0]?.weight === undefined ? 100 : undefined;
    const written = route.map(d => total ?? Number(d?.weight ?? 0));
    const sum = written.reduce((a, w) => a + w, 0);
    // Envoy's weighted clusters are relative: a share is the weight over their sum
    const share = (w: number) => (sum > 0 && sum !== 100 ? Math.round(w * 10000 / sum) / 100 : w);
    return {
      key: matches.length === 0 ? 'default' : canonical(matches.map(({ name: _name, ...m }: any) => m)),
      label: matches.length === 0 ? 'plain requests' : matches.map(describeMatch).join(' or '),
      destinations: route.map((d, i) => ({
        target: destinationName(d?.destination, namespace, mesh, routed),
        weight: share(written[i]),
        ...share(written[i]) !== written[i] ? { written: written[i] } : {},
        labels: labelsOf(d?.destination),
        host: isOtherHost(d?.destination, namespace, mesh, routed) ? mesh.fqdn(d.destination.host, namespace) : undefined,
      })),
      timeout: typeof r.timeout === 'string' ? r.timeout : undefined,
      ...r.retries ? { retries: describeRetries(r.retries) } : DEFAULT_RETRIES,
      delay: r.fault?.delay ? { fixedDelay: String(r.fault.delay.fixedDelay ?? r.fault.delay.exponentialDelay), percentage: percent(r.fault.delay) } : undefined,
      abort: r.fault?.abort ? { httpStatus: r.fault.abort.httpStatus ?? r.fault.abort.grpcStatus, percentage: percent(r.fault.abort) } : undefined,
      mirror: r.mirror ? `${destinationName(r.mirror, namespace, mesh, routed)} (${r.mirrorPercentage?.value ?? 100}%)` : undefined,
      response: r.redirect ? describeRedirect(r.redirect) : r.directResponse ? `respond ${r.directResponse.status}` : undefined,
      rewrite: r.rewrite && typeof r.rewrite === 'object' ? describeRewrite(r.rewrite) : undefined,
      headers: r.headers && typeof r.headers === 'object' ? describeHeaders(r.headers) : undefined,
      name: typeof r.name === 'string' ? r.name : undefined,
    };
  });
}

function percent(fault: any): number {
  return fault.percentage?.value ?? fault.percent ?? 100;
}

/** Whether a destination is not the routed host itself (or names a port of it): `destinationName` names its host. */
function isOtherHost(d: any, namespace: string, mesh: Mesh, routed: string): boolean {
  return typeof d?.host === 'string' && (mesh.fqdn(d.host, namespace) !== routed || d.port?.number !== undefined);
}

/** `v1` for a subset of the routed host, `all endpoints` for the host itself, `details v2` for another host. */
function destinationName(d: any, namespace: string, mesh: Mesh, routed: string): string {
  if (!d || typeof d.host !== 'string') {
    return '(no destination)';
  }
  const fqdn = mesh.fqdn(d.host, namespace);
  const port = d.port?.number !== undefined ? `:${d.port.number}` : '';
  const subset = d.subset !== undefined ? String(d.subset) : ALL_ENDPOINTS;
  if (!isOtherHost(d, namespace, mesh, routed)) {
    return subset;
  }
  const short = fqdn.endsWith(`.${namespace}.svc.cluster.local`) ? fqdn.split('.')[0] : fqdn;
  return d.subset !== undefined ? `${short}${port} ${d.subset}` : `${short}${port}`;
}

/** A VirtualService redirect as a person reads it: `redirect 301: scheme https, path /login`. */
function describeRedirect(r: any): string {
  const port = r.redirectPort ?? r.port;
  const parts = [r.scheme && `scheme ${r.scheme}`, r.authority && `host ${r.authority}`, port !== undefined && `port ${port}`, r.uri && `path ${r.uri}`];
  return `redirect ${r.redirectCode ?? 301}: ${parts.filter(Boolean).join(', ') || 'same URL'}`;
}

/** A VirtualService rewrite in its own terms (the matched prefix, or the whole path, becomes `uri`): `uri /v2, authority api.internal`. */
function describeRewrite(r: any): string | undefined {
  const parts = [
    typeof r.uri === 'string' && `uri ${r.uri}`,
    r.uriRegexRewrite && `uri regex ${r.uriRegexRewrite.match} to ${r.uriRegexRewrite.rewrite}`,
    typeof r.authority === 'string' && `authority ${r.authority}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** VirtualService header operations, request then response, each set, add and remove in key order. */
function describeHeaders(h: any): string | undefined {
  const side = (name: string, ops: any) => {
    if (!ops || typeof ops !== 'object') return [];
    const pairs = (op: string, values: unknown) => values && typeof values === 'object' && !Array.isArray(values)
      ? Object.keys(values).sort().map(k => `${name} ${op} ${k}=${(values as any)[k]}`) : [];
    return [...pairs('set', ops.set), ...pairs('add', ops.add), ...strings(ops.remove).sort().map(k => `${name} remove ${k}`)];
  };
  const parts = [...side('request', h.request), ...side('response', h.response)];
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** The conditions istiod retries on when a route sets no `retryOn` (pilot's retry.DefaultPolicy; status 503 for the last). */
const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

/** What istiod gives a route without `retries`: 2 attempts on its default conditions. */
const DEFAULT_RETRIES = { retries: `2 attempts, on ${DEFAULT_RETRY_ON}`, retriesByDefault: true } as const;

function describeRetries(r: any): string {
  if (r.attempts === 0) {
    return 'none';
  }
  return [`${r.attempts ?? 2} attempts`, r.perTryTimeout && `${r.perTryTimeout} per try`, `on ${r.retryOn || DEFAULT_RETRY_ON}`].filter(Boolean).join(', ');
}

const STRING_MATCH: Record<string, string> = { exact: '=', prefix: '^=', regex: '~' };

function describeString(name: string, m: any): string {
  const [kind, value] = Object.entries(m ?? {})[0] ?? ['exact', ''];
  return `${name} ${STRING_MATCH[kind] ?? kind} ${value}`;
}

function describeMatch(m: any): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    parts.push(describeString(name, value));
  }
  for (const key of ['uri', 'scheme', 'method', 'authority'] as const) {
    if (m[key]) {
      parts.push(describeString(key, m[key]));
    }
  }
  for (const [name, value] of Object.entries(m.queryParams ?? {})) {
    parts.push(describeString(`query ${name}`, value));
  }
  for (const name of Object.keys(m.withoutHeaders ?? {})) {
    parts.push(`without header ${name}`);
  }
  if (m.port !== undefined) {
    parts.push(`port ${m.port}`);
  }
  if (m.sourceLabels) {
    parts.push(`from pods ${formatLabels(m.sourceLabels)}`);
  }
  if (m.sourceNamespace) {
    parts.push(`from namespace ${m.sourceNamespace}`);
  }
  if (m.gateways) {
    parts.push(`via ${m.gateways.join(', ')}`);
  }
  return parts.length > 0 ? parts.join(' and ') : 'every request';
}

function policyOf(mesh: Mesh, fqdn: string): Record<string, string> {
  const flat: Record<string, string> = {};
  const rules = mesh.rulesOf(fqdn);
  for (const dr of rules) {
    flatten(dr.object.spec?.trafficPolicy, '', flat);
    for (const s of Array.isArray(dr.object.spec?.subsets) ? dr.object.spec.subsets : []) {
      flatten(s?.trafficPolicy, `subset ${s?.name}: `, flat);
    }
  }
  return flat;
}

function flatten(value: unknown, prefix: string, out: Record<string, string>): void {
  if (value === null || value === undefined) {
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    out[prefix.replace(/\.$/, '')] = Array.isArray(value) ? value.map(v => typeof v === 'object' ? canonical(v) : String(v)).join(', ') : String(value);
    return;
  }
  for (const key of Object.keys(value as object).sort()) {
    flatten((value as any)[key], `${prefix}${key}.`, out);
  }
}

/** JSON with object keys sorted, so key order and quoting never make two equal values differ. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map(k => `${JSON.stringify(k)}:${canonical((value as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function formatLabels(labels: Record<string, unknown>): string {
  return Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
}


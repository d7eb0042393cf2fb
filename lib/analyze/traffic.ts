import { Manifest } from './manifest';
import { append, Mesh, ROOT_NAMESPACE, Workload } from './mesh';

/**
 * What one HTTP route of a host does to the requests it matches.
 */
export interface RouteModel {
  /** The route's matches in canonical form (`default` for a route that matches every request): the key routes are compared by. */
  readonly key: string;
  /** The matches as a person reads them (`user-agent ~ .*iPhone.*`, `plain requests`). */
  readonly label: string;
  /** Where matching requests go, with the share of each (0..100) and the pod labels the subset selects. */
  readonly destinations: Array<{ readonly target: string; readonly weight: number; readonly labels?: string }>;
  readonly timeout?: string;
  readonly retries?: string;
  readonly delay?: { readonly fixedDelay: string; readonly percentage: number };
  readonly abort?: { readonly httpStatus: number; readonly percentage: number };
  readonly mirror?: string;
}

/**
 * Who may call a host, after its AuthorizationPolicies.
 */
export interface AccessModel {
  /** `anyone` (no ALLOW policy applies), `nobody` (ALLOW policies apply and admit no one), or `some`. */
  readonly kind: 'anyone' | 'nobody' | 'some';
  /** Allowed callers as a person reads them (`productpage (bookinfo)`), with the operations allowed. */
  readonly callers: string[];
  /** DENY policies that apply, by `namespace/name`. */
  readonly denies: string[];
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
  readonly routes: RouteModel[];
  /** Subsets of the host's DestinationRules: name → `k=v, k=v` labels. */
  readonly subsets: Record<string, string>;
  /** The DestinationRule's traffic policy, flattened (`outlierDetection.consecutive5xxErrors` → `5`); subset policies under `subset <name>: …`. */
  readonly policy: Record<string, string>;
  /** The mTLS mode that applies to the host's workloads, and the PeerAuthentication that sets it. */
  readonly mtls: string;
  readonly access: AccessModel;
  /** The host's workloads (`reviews-v1`, …) by the labels of the Service's selector. */
  readonly workloads: string[];
}

/**
 * The traffic of a mesh, host by host: the model `explain` prints and `diff` compares.
 */
export class TrafficModel {
  /** Hosts by FQDN, in name order. */
  public readonly hosts: Map<string, HostModel>;
  /** Call edges the AuthorizationPolicies allow: caller display name → host FQDNs. */
  public readonly callers = new Map<string, string[]>();

  public constructor(manifests: readonly Manifest[]) {
    const mesh = new Mesh(manifests);
    const index = new PolicyIndex(manifests);
    const fqdns = new Set<string>([...mesh.services.keys()]);
    const routesByHost = new Map<string, Manifest[]>();
    for (const vs of mesh.virtualServices) {
      if (!meshBound(vs)) {
        continue;
      }
      for (const host of vs.object.spec?.hosts ?? []) {
        if (typeof host === 'string' && !host.includes('*')) {
          const fqdn = mesh.fqdn(host, vs.namespace);
          fqdns.add(fqdn);
          append(routesByHost, fqdn, vs);
        }
      }
    }
    for (const dr of mesh.destinationRules) {
      const host = mesh.ruleHost(dr);
      if (host && !host.includes('*')) {
        fqdns.add(host);
      }
    }
    const hosts = [...fqdns].sort().map(fqdn => hostModel(mesh, index, fqdn, routesByHost.get(fqdn)?.[0]));
    this.hosts = new Map(hosts.map(h => [h.fqdn, h]));
    for (const h of hosts) {
      for (const caller of h.access.callers) {
        append(this.callers, caller.replace(/ \[.*\]$/, ''), h.fqdn);
      }
    }
  }
}

function meshBound(vs: Manifest): boolean {
  const gateways: unknown = vs.object.spec?.gateways;
  return !Array.isArray(gateways) || gateways.length === 0 || gateways.includes('mesh');
}

function hostModel(mesh: Mesh, index: PolicyIndex, fqdn: string, vs: Manifest | undefined): HostModel {
  const namespace = mesh.namespaceOf(fqdn) ?? vs?.namespace ?? 'default';
  const host = fqdn.endsWith('.svc.cluster.local') ? fqdn.split('.')[0] : fqdn;
  const selector = mesh.services.get(fqdn)?.object.spec?.selector;
  const workloads = selector && typeof selector === 'object' ? mesh.workloadsSelectedBy(namespace, selector) : [];
  // a subset's pods: the Service's workloads that carry the subset's labels too
  const podsOf = (labels: Record<string, string>) => {
    const names = workloads.filter(w => selects(labels, w.labels)).map(w => w.manifest.name);
    return workloads.length === 0 ? '' : `: ${names.length > 0 ? names.join(', ') : 'no workload'}`;
  };
  const subsets = Object.fromEntries(mesh.subsetsOf(fqdn).map(s => [s.name, `${formatLabels(s.labels)}${podsOf(s.labels)}`]));
  return {
    fqdn,
    host,
    namespace,
    virtualService: vs && `${vs.namespace}/${vs.name}`,
    routes: vs ? routesOf(vs, mesh, fqdn, subsets) : [{ key: 'default', label: 'plain requests', destinations: [{ target: ALL_ENDPOINTS, weight: 100 }] }],
    subsets,
    policy: policyOf(mesh, fqdn),
    mtls: index.mtls(namespace, workloads),
    access: index.access(namespace, workloads),
    workloads: workloads.map(w => w.manifest.name).sort(),
  };
}

/** A destination that names no subset: every endpoint of the host (round-robin over its versions). */
const ALL_ENDPOINTS = 'all endpoints';

function routesOf(vs: Manifest, mesh: Mesh, routed: string, subsets: Record<string, string>): RouteModel[] {
  const http: unknown = vs.object.spec?.http;
  if (!Array.isArray(http)) {
    return [];
  }
  return http.filter(r => r && typeof r === 'object').map((r: any) => {
    const matches = Array.isArray(r.match) ? r.match.filter((m: unknown) => m && typeof m === 'object') : [];
    const route: any[] = Array.isArray(r.route) ? r.route : [];
    const total = route.length === 1 && route[0]?.weight === undefined ? 100 : undefined;
    return {
      key: matches.length === 0 ? 'default' : canonical(matches.map(({ name, ...m }: any) => m)),
      label: matches.length === 0 ? 'plain requests' : matches.map(describeMatch).join(' or '),
      destinations: route.map(d => {
        const target = destinationName(d?.destination, vs.namespace, mesh, routed);
        const subset = d?.destination?.subset;
        return { target, weight: total ?? Number(d?.weight ?? 0), labels: subset !== undefined ? subsets[subset] : undefined };
      }),
      timeout: typeof r.timeout === 'string' ? r.timeout : undefined,
      retries: r.retries ? describeRetries(r.retries) : undefined,
      delay: r.fault?.delay ? { fixedDelay: String(r.fault.delay.fixedDelay ?? r.fault.delay.exponentialDelay), percentage: percent(r.fault.delay) } : undefined,
      abort: r.fault?.abort ? { httpStatus: r.fault.abort.httpStatus ?? r.fault.abort.grpcStatus, percentage: percent(r.fault.abort) } : undefined,
      mirror: r.mirror ? `${destinationName(r.mirror, vs.namespace, mesh, routed)} (${r.mirrorPercentage?.value ?? 100}%)` : undefined,
    };
  });
}

function percent(fault: any): number {
  return fault.percentage?.value ?? fault.percent ?? 100;
}

/** `v1` for a subset of the routed host, `all endpoints` for the host itself, `details v2` for another host. */
function destinationName(d: any, namespace: string, mesh: Mesh, routed: string): string {
  if (!d || typeof d.host !== 'string') {
    return '(no destination)';
  }
  const fqdn = mesh.fqdn(d.host, namespace);
  const port = d.port?.number !== undefined ? `:${d.port.number}` : '';
  const subset = d.subset !== undefined ? String(d.subset) : ALL_ENDPOINTS;
  if (fqdn === routed && !port) {
    return subset;
  }
  const short = fqdn.endsWith(`.${namespace}.svc.cluster.local`) ? fqdn.split('.')[0] : fqdn;
  return d.subset !== undefined ? `${short}${port} ${d.subset}` : `${short}${port}`;
}

function describeRetries(r: any): string {
  if (r.attempts === 0) {
    return 'none';
  }
  return [`${r.attempts ?? 2} attempts`, r.perTryTimeout && `${r.perTryTimeout} per try`, r.retryOn && `on ${r.retryOn}`].filter(Boolean).join(', ');
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

/**
 * PeerAuthentications and AuthorizationPolicies by namespace, and who runs as which ServiceAccount.
 */
class PolicyIndex {
  private readonly peerAuth = new Map<string, Manifest[]>();
  private readonly authz = new Map<string, Manifest[]>();
  private readonly accounts = new Map<string, string>();

  public constructor(manifests: readonly Manifest[]) {
    for (const m of manifests) {
      if (m.group === 'security.istio.io' && m.kind === 'PeerAuthentication') {
        append(this.peerAuth, m.namespace, m);
      } else if (m.group === 'security.istio.io' && m.kind === 'AuthorizationPolicy') {
        append(this.authz, m.namespace, m);
      } else {
        const pod = m.object.spec?.template?.spec;
        const account = pod?.serviceAccountName;
        const app = m.object.spec?.template?.metadata?.labels?.app;
        if (typeof account === 'string' && typeof app === 'string') {
          this.accounts.set(`${m.namespace}/${account}`, app);
        }
      }
    }
  }

  /** The mode of the most specific PeerAuthentication: workload selector, then namespace, then mesh. */
  public mtls(namespace: string, workloads: Workload[]): string {
    const inNamespace = this.peerAuth.get(namespace) ?? [];
    const selected = inNamespace.find(p => p.object.spec?.selector?.matchLabels && workloads.some(w => selects(p.object.spec.selector.matchLabels, w.labels)));
    const candidates = [selected, inNamespace.find(p => !p.object.spec?.selector), (this.peerAuth.get(ROOT_NAMESPACE) ?? []).find(p => !p.object.spec?.selector)];
    for (const p of candidates) {
      const mode = p?.object.spec?.mtls?.mode;
      if (p && mode && mode !== 'UNSET') {
        return `${mode} (PeerAuthentication ${p.namespace}/${p.name})`;
      }
    }
    return 'PERMISSIVE (Istio\'s default: no PeerAuthentication applies)';
  }

  public access(namespace: string, workloads: Workload[]): AccessModel {
    const applies = (p: Manifest) => {
      const spec = p.object.spec ?? {};
      if (spec.targetRefs || spec.targetRef) {
        return false;
      }
      const labels = spec.selector?.matchLabels;
      // a policy with a selector applies to the host only through workloads the input shows
      return labels ? workloads.some(w => selects(labels, w.labels)) : true;
    };
    const policies = [...(this.authz.get(namespace) ?? []), ...(namespace === ROOT_NAMESPACE ? [] : this.authz.get(ROOT_NAMESPACE) ?? [])].filter(applies);
    const allows = policies.filter(p => (p.object.spec?.action ?? 'ALLOW') === 'ALLOW');
    const denies = policies.filter(p => p.object.spec?.action === 'DENY').map(p => `${p.namespace}/${p.name}`);
    if (allows.length === 0) {
      return { kind: 'anyone', callers: [], denies };
    }
    const callers = new Set<string>();
    for (const p of allows) {
      for (const rule of Array.isArray(p.object.spec?.rules) ? p.object.spec.rules : []) {
        const ops = operations(rule?.to);
        const sources: any[] = Array.isArray(rule?.from) ? rule.from.map((f: any) => f?.source ?? {}) : [{}];
        for (const source of sources) {
          for (const who of this.callersOf(source)) {
            callers.add(ops ? `${who} [${ops}]` : who);
          }
        }
      }
    }
    return { kind: callers.size === 0 ? 'nobody' : 'some', callers: [...callers].sort(), denies };
  }

  private callersOf(source: any): string[] {
    const principals: string[] = Array.isArray(source.principals) ? source.principals : [];
    const namespaces: string[] = Array.isArray(source.namespaces) ? source.namespaces : [];
    if (principals.length === 0 && namespaces.length === 0) {
      return ['anyone'];
    }
    return [...principals.map(p => this.principalName(p)), ...namespaces.map(n => `any workload in namespace ${n}`)];
  }

  private principalName(principal: string): string {
    const match = /^(?:[^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
    if (!match) {
      return principal;
    }
    const [, namespace, account] = match;
    const app = this.accounts.get(`${namespace}/${account}`);
    if (app) {
      return `${app} (${namespace})`;
    }
    return account.endsWith('-service-account') ? `${account.replace(/-service-account$/, '')} (${namespace})` : `sa ${account} (${namespace})`;
  }
}

function operations(to: unknown): string | undefined {
  if (!Array.isArray(to)) {
    return undefined;
  }
  const parts = to.map((t: any) => [t?.operation?.methods?.join(','), t?.operation?.paths?.join(',')].filter(Boolean).join(' ')).filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

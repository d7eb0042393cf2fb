import { appliesToPod, gatewayPolicies, waypointPolicies } from '../model/attachment';
import { append, ROOT_NAMESPACE, WaypointRef, Workload } from '../model/mesh';
import { Manifest } from '../read/manifest';
import { labelsMatch, objects, strings } from '../read/values';

/**
 * PeerAuthentications and AuthorizationPolicies by namespace, and who runs as which ServiceAccount.
 */
export class PolicyIndex {
  private readonly peerAuth = new Map<string, Manifest[]>();
  private readonly authz = new Map<string, Manifest[]>();
  private readonly accounts = new Map<string, string>();
  /**
   * AuthorizationPolicies by what can make them apply, so a host's candidates are found without scanning
   * its namespace: `target|ns|group|kind|name` per targetRef, `label|ns|k=v` per selector label, `all|ns`
   * for those without targetRefs or selector labels.
   */
  private readonly byKey = new Map<string, Manifest[]>();

  public constructor(manifests: readonly Manifest[]) {
    for (const m of manifests) {
      if (m.group === 'security.istio.io' && m.kind === 'PeerAuthentication') {
        append(this.peerAuth, m.namespace, m);
      } else if (m.group === 'security.istio.io' && m.kind === 'AuthorizationPolicy') {
        append(this.authz, m.namespace, m);
        for (const key of indexKeys(m)) {
          append(this.byKey, key, m);
        }
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
    const selected = inNamespace.find(p => p.object.spec?.selector?.matchLabels && workloads.some(w => labelsMatch(p.object.spec.selector.matchLabels, w.labels)));
    const candidates = [selected, inNamespace.find(p => !p.object.spec?.selector), (this.peerAuth.get(ROOT_NAMESPACE) ?? []).find(p => !p.object.spec?.selector)];
    for (const p of candidates) {
      const mode = p?.object.spec?.mtls?.mode;
      if (p && mode && mode !== 'UNSET') {
        return `${mode} (PeerAuthentication ${p.namespace}/${p.name})`;
      }
    }
    return 'PERMISSIVE (Istio\'s default: no PeerAuthentication applies)';
  }

  /** Who may call the host's workloads: the policies that select them (sidecars, or ztunnel without a waypoint). */
  public access(namespace: string, workloads: ReadonlyArray<Pick<Workload, 'labels'>>): AccessModel {
    // a policy that selects some pods applies to the host only through workloads the input shows
    const namespaces = [...new Set([namespace, ROOT_NAMESPACE])];
    const candidates = new Set(namespaces.flatMap(ns => [
      ...this.byKey.get(`all|${ns}`) ?? [],
      ...workloads.flatMap(w => Object.entries(w.labels).flatMap(([k, v]) => this.byKey.get(`label|${ns}|${k}=${v}`) ?? [])),
    ]));
    return this.evaluate([...candidates].filter(p => appliesToPod(p, {}) || workloads.some(w => appliesToPod(p, w.labels))));
  }

  /**
   * Who may call a host whose requests go through a waypoint: the policies attached to its Service, to the
   * waypoint, or to the waypoint GatewayClass (root namespace). ztunnel then sees the waypoint alone (CI262).
   */
  public accessThrough(waypoint: WaypointRef, namespace: string, host: string): AccessModel {
    const candidates = new Set([
      ...this.byKey.get(`target|${namespace}||Service|${host}`) ?? [],
      ...this.byKey.get(`target|${waypoint.namespace}|gateway.networking.k8s.io|Gateway|${waypoint.name}`) ?? [],
      ...this.byKey.get(`target|${ROOT_NAMESPACE}|gateway.networking.k8s.io|GatewayClass|istio-waypoint`) ?? [],
    ]);
    return this.evaluate(waypointPolicies([...candidates], waypoint, { namespace, name: host }));
  }

  /**
   * Who may send requests through a gateway: the policies istiod gives its proxy (attachment.ts); without
   * the Gateway in the input, the root namespace's policies that apply to every workload.
   */
  public accessAtGateway(gateway: Manifest | undefined): AccessModel {
    const candidates = gateway ? [...new Set([gateway.namespace, ROOT_NAMESPACE])].flatMap(ns => this.authz.get(ns) ?? []) : [];
    return this.evaluate(gateway ? gatewayPolicies(candidates, gateway)
      : (this.authz.get(ROOT_NAMESPACE) ?? []).filter(p => p.object.spec?.selector === undefined && p.object.spec?.targetRefs === undefined && p.object.spec?.targetRef === undefined));
  }

  private evaluate(policies: Manifest[]): AccessModel {
    const allows = policies.filter(p => (p.object.spec?.action ?? 'ALLOW') === 'ALLOW');
    const denies = policies.filter(p => p.object.spec?.action === 'DENY').map(p => `${p.namespace}/${p.name}`);
    if (allows.length === 0) {
      return { kind: 'anyone', callers: [], denies };
    }
    const callers = new Set<string>();
    for (const p of allows) {
      for (const rule of objects(p.object.spec?.rules)) {
        const ops = operations(rule.to);
        const sources: any[] = Array.isArray(rule.from) ? objects(rule.from).map(f => (f.source && typeof f.source === 'object' ? f.source : {})) : [{}];
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
    const principals = strings(source.principals);
    const namespaces = strings(source.namespaces);
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

function indexKeys(policy: Manifest): string[] {
  const spec = policy.object.spec ?? {};
  const refs = objects([spec.targetRef, ...objects(spec.targetRefs)]);
  if (spec.targetRef !== undefined || spec.targetRefs !== undefined) {
    return refs.map(ref => `target|${policy.namespace}|${ref.group ?? ''}|${ref.kind}|${ref.name}`);
  }
  const labels = spec.selector?.matchLabels;
  const entries = labels && typeof labels === 'object' ? Object.entries(labels) : [];
  return entries.length === 0 ? [`all|${policy.namespace}`] : entries.map(([k, v]) => `label|${policy.namespace}|${k}=${v}`);
}

function operations(to: unknown): string | undefined {
  if (!Array.isArray(to)) {
    return undefined;
  }
  const parts = objects(to).map(t => [strings(t.operation?.methods).join(','), strings(t.operation?.paths).join(',')].filter(Boolean).join(' ')).filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : undefined;
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

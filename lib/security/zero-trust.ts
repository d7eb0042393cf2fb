import { Construct } from 'constructs';
import { AuthorizationPolicy, AuthorizationPolicySpecAction, AuthorizationPolicySpecRules } from '../../imports/security.istio.io';
import { formatLabels } from '../private/objects';
import { SynthIndex } from '../private/synth-index';
import { assertDnsLabel } from '../private/validate';
import { DataplaneMode } from '../mesh-namespace';
import { ICaller, MeshService } from '../service';
import { IngressGateway } from '../traffic/ingress-gateway';
import { WorkloadIdentity } from './workload-identity';

/**
 * Restricts the requests a call edge allows.
 */
export interface CallOptions {
  /**
   * HTTP methods the caller may use.
   *
   * @default - any method
   */
  readonly methods?: string[];

  /**
   * Request paths the caller may use (exact, `prefix*` or `*suffix`).
   *
   * @default - any path
   */
  readonly paths?: string[];
}

/**
 * One allowed call: `from` may send requests to `to`.
 */
export interface CallEdge extends CallOptions {
  /**
   * The caller: a `MeshService` (its workloads' identity) or a `WorkloadIdentity`.
   *
   * @default - `from`; one of them is required
   */
  readonly caller?: ICaller;

  /**
   * The caller.
   *
   * @deprecated use `caller`: `from` is a reserved word of Python, where it reads `from_`
   * @default - `caller`
   */
  readonly from?: ICaller;

  /** The callee. */
  readonly to: MeshService;
}

/**
 * Properties for `ZeroTrust`.
 */
export interface ZeroTrustProps {
  /** Namespace whose workloads deny every request that no edge allows. */
  readonly namespace: string;

  /**
   * The call graph: who may call whom. More edges can be added with `allow()`.
   *
   * @default - none: every request to the namespace is denied
   */
  readonly edges?: CallEdge[];

  /**
   * Sidecars, or ambient mode. In ambient mode without a waypoint, ztunnel enforces the policies at L4
   * (principals only: an edge with methods or paths throws); with a waypoint, every policy attaches to
   * the callee's Service with `targetRefs` and the waypoint enforces principals, methods and paths.
   *
   * @default DataplaneMode.SIDECAR
   */
  readonly dataplaneMode?: DataplaneMode;

  /**
   * Name of the waypoint the namespace's services use (ambient mode). ztunnel then admits the waypoint
   * alone, so ingress gateways must send through it too: `istio.io/ingress-use-waypoint`, which
   * `MeshNamespace` sets with its `waypoint`.
   *
   * @default - none: L4 policies that ztunnel enforces
   */
  readonly waypoint?: string;

  /**
   * Gateway API ingress gateways in the namespace, which take requests from outside the mesh. The
   * namespace's default deny applies to their proxies too, and those requests carry no mesh identity, so
   * each gets an ALLOW policy for any request, attached to its Gateway (DENY policies such as `JwtEdge`'s
   * still apply). More can be added with `allowIngress()`.
   *
   * @default - none
   */
  readonly ingressGateways?: IngressGateway[];
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

/**
 * Least-privilege authorization from an app's call graph.
 *
 * Emits an allow-nothing AuthorizationPolicy for the namespace, then one ALLOW policy per callee that
 * admits exactly the principals of its declared callers. Adding a call is one `allow()` line and one
 * rule in the YAML diff.
 *
 * In ambient mode with a waypoint, every request reaches the pods from the waypoint, under the waypoint's
 * identity (it does not impersonate its callers), and ztunnel checks the namespace's policies against that
 * identity. So the graph moves to the waypoint: an allow-nothing attached to the waypoint Gateway, each
 * callee's policy attached to its Service; and the namespace policy ztunnel enforces admits the waypoint
 * alone (an allow-nothing there would refuse every request the waypoint forwards).
 *
 * @see https://istio.io/latest/docs/ops/best-practices/security/#use-default-deny-patterns
 * @example
 * const zeroTrust = new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo' });
 * zeroTrust.allow(WorkloadIdentity.ingressGateway(), bookinfo.productpage);
 * zeroTrust.allow(bookinfo.productpage, bookinfo.reviews, { methods: ['GET'] });
 */
export class ZeroTrust extends Construct {
  /**
   * The namespace's default deny: `allow-nothing`; with a waypoint, `allow-only-waypoint`, which ztunnel
   * enforces and which admits the waypoint's identity alone.
   */
  public readonly allowNothing: AuthorizationPolicy;

  /** Namespace the graph protects. */
  public readonly namespace: string;

  /** With a waypoint in ambient mode, the allow-nothing policy attached to the waypoint. */
  public readonly waypointAllowNothing?: AuthorizationPolicy;

  private readonly policies = new Map<string, { policy: AuthorizationPolicy; rules: AuthorizationPolicySpecRules[] }>();
  private readonly edgeKeys = new Set<string>();
  private readonly mode: DataplaneMode;
  private readonly waypoint?: string;

  public constructor(scope: Construct, id: string, props: ZeroTrustProps) {
    super(scope, id);
    assertDnsLabel('namespace', props.namespace);
    this.namespace = props.namespace;
    this.mode = props.dataplaneMode ?? DataplaneMode.SIDECAR;
    if (props.waypoint !== undefined) {
      if (this.mode !== DataplaneMode.AMBIENT) {
        throw new Error(`'waypoint' is set but 'dataplaneMode' is ${this.mode}: waypoints serve ambient namespaces`);
      }
      assertDnsLabel('waypoint', props.waypoint);
      this.waypoint = props.waypoint;
      this.waypointAllowNothing = new AuthorizationPolicy(this, 'Waypoint', {
        metadata: { name: 'allow-nothing-waypoint', namespace: props.namespace },
        spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: props.waypoint }] },
      });
    }
    this.allowNothing = new AuthorizationPolicy(this, 'Resource', this.waypoint
      ? {
        metadata: { name: 'allow-only-waypoint', namespace: props.namespace },
        // Istio names a waypoint's ServiceAccount after its Gateway (class istio-waypoint has no name suffix)
        spec: { action: AuthorizationPolicySpecAction.ALLOW, rules: [{ from: [{ source: { principals: [WorkloadIdentity.fromServiceAccount(props.namespace, this.waypoint).principal] } }] }] },
      }
      // an ALLOW policy without rules matches nothing, so it denies what no other policy allows
      : { metadata: { name: 'allow-nothing', namespace: props.namespace }, spec: {} });
    for (const [i, edge] of (props.edges ?? []).entries()) {
      if ((edge.caller === undefined) === (edge.from === undefined)) {
        throw new Error(`'edges[${i}]' must name its caller once, in 'caller' (or the deprecated 'from'), got ${edge.caller ? 'both' : 'neither'}`);
      }
      this.allow((edge.caller ?? edge.from)!, edge.to, edge);
    }
    for (const gateway of props.ingressGateways ?? []) {
      this.allowIngress(gateway);
    }
    SynthIndex.addCheck(this, () => [...this.refusedIngresses(), ...this.refusedIngressRoutes()]);
  }

  // An ingress route to a callee of this graph reaches it as the gateway's proxy, whose identity the
  // callee's policy must admit; without that edge every request through the gateway gets 403.
  private refusedIngressRoutes(): string[] {
    return IngressGateway._all(this).flatMap(ingress => {
      const callee = ingress.service;
      const identity = ingress.identity ?? (ingress.gateway && isDefaultIngress(ingress.selector) ? WorkloadIdentity.ingressGateway() : undefined);
      if (callee.namespace !== this.namespace || !identity || this.edgeKeys.has(`${identity.principal}->${callee.host}`)) {
        return [];
      }
      return [`${ingress.node.path} routes requests to '${callee.host}' as ${identity.principal}, which this graph does not allow to call it: `
        + `every request through gateway '${ingress.name}' would get 403; add the edge allow(${ingress.identity ? 'ingress.identity' : 'WorkloadIdentity.ingressGateway()'}, ${callee.host})`];
    });
  }

  // A Gateway API ingress of the namespace runs its proxy under the namespace's default deny, which its
  // clients from outside the mesh (no peer identity) never pass: every request would get 403.
  private refusedIngresses(): string[] {
    const index = SynthIndex.of(this);
    const ingresses = index.memo('gateway-api-ingresses', () => [...index.objectsOf('Gateway')]
      .filter(g => g.object.apiVersion.startsWith('gateway.networking.k8s.io/') && g.manifest.spec?.gatewayClassName === 'istio')
      .map(g => ({ name: g.manifest.metadata?.name as string, namespace: g.manifest.metadata?.namespace as string | undefined, path: g.object.node.path })));
    return ingresses
      .filter(g => g.namespace === this.namespace && !this.node.tryFindChild(`ingress-${g.name}`))
      .map(g => `ingress Gateway '${g.name}' (${g.path}) runs its proxy in namespace '${this.namespace}', whose default deny refuses its clients `
        + 'from outside the mesh (they carry no mesh identity); admit them with ingressGateways or allowIngress()');
  }

  /**
   * Admits requests from outside the mesh at an ingress gateway of the namespace (Gateway API): an ALLOW
   * policy for any request, attached to its Gateway. An Istio-API gateway's proxies run in their own
   * namespace, which this graph's policies do not reach, so it needs none and is refused here.
   *
   * @returns this graph, to chain calls
   */
  public allowIngress(gateway: IngressGateway): ZeroTrust {
    if (gateway.gateway !== undefined) {
      throw new Error(`'gateway' is '${gateway.name}', an Istio-API Gateway: its proxies run in their own namespace (istio-system by default), `
        + `which this graph's policies do not reach; allow its identity with allow(WorkloadIdentity.ingressGateway(), ...) instead`);
    }
    if (gateway.namespace !== this.namespace) {
      throw new Error(`'gateway' is '${gateway.name}' in namespace '${gateway.namespace ?? '(none)'}', outside this graph's namespace '${this.namespace}'`);
    }
    if (this.node.tryFindChild(`ingress-${gateway.name}`)) {
      throw new Error(`ingress gateway '${gateway.name}' is admitted twice`);
    }
    new AuthorizationPolicy(this, `ingress-${gateway.name}`, {
      metadata: { name: `allow-ingress-${gateway.name}`, namespace: this.namespace },
      // one rule without conditions matches every request
      spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gateway.name }], action: AuthorizationPolicySpecAction.ALLOW, rules: [{}] },
    });
    return this;
  }

  /**
   * Allows `from` to call `to`, optionally only with some methods and paths.
   *
   * @returns this graph, to chain calls
   */
  public allow(from: ICaller, to: MeshService, options: CallOptions = {}): ZeroTrust {
    if (!(from instanceof WorkloadIdentity) && !(from instanceof MeshService)) {
      throw new Error(`'from' must be a MeshService or a WorkloadIdentity, got ${from?.constructor?.name ?? typeof from}`);
    }
    const caller = from instanceof WorkloadIdentity ? from : WorkloadIdentity.of(from);
    this.checkCallee(to);
    to._checkAgainstApp(this);
    if (!(from instanceof WorkloadIdentity)) {
      from._checkAgainstApp(this, true);
    }
    const key = `${caller.principal}->${to.host}`;
    if (this.edgeKeys.has(key)) {
      throw new Error(`edge ${caller.name} -> ${to.host} is declared twice`);
    }
    this.edgeKeys.add(key);
    const to_ = operations(options);
    if (to_ && this.mode === DataplaneMode.AMBIENT && !this.waypoint) {
      throw new Error(`edge ${caller.name} -> ${to.host} names methods or paths, which are L7 rules: in ambient mode a waypoint enforces them; set 'waypoint'`);
    }
    this.policyFor(to).push({ from: [{ source: { principals: [caller.principal] } }], to: to_ });
    return this;
  }

  private checkCallee(to: MeshService): void {
    if (!to.selector) {
      throw new Error(`'to' is '${to.host}', which no workload of this app backs (declared with fromHost): there are no pods for a policy to select`);
    }
    if (to.namespace !== this.namespace) {
      throw new Error(`'to' is '${to.host}' in namespace '${to.namespace ?? '(none)'}', outside this graph's namespace '${this.namespace}'`);
    }
  }

  private policyFor(to: MeshService): AuthorizationPolicySpecRules[] {
    let entry = this.policies.get(to.host);
    if (!entry) {
      const rules: AuthorizationPolicySpecRules[] = [];
      const policy = (name: string, selector: Record<string, string> | undefined) => new AuthorizationPolicy(this, name, {
        metadata: { name, namespace: this.namespace },
        spec: {
          // with a waypoint the policy attaches to the Service, which the waypoint enforces for
          selector: this.waypoint ? undefined : { matchLabels: selector },
          targetRefs: this.waypoint ? [{ group: '', kind: 'Service', name: to.host }] : undefined,
          action: AuthorizationPolicySpecAction.ALLOW,
          rules,
        },
      });
      entry = { policy: policy(`allow-${to.host}`, to.selector), rules };
      // pods a controller runs under labels of its own (Flagger's -primary) need the same rules, or the default deny refuses their callers
      const controllerPods = to._controllerPods;
      if (controllerPods && !this.waypoint) {
        policy(`allow-${to.host}-primary`, controllerPods.labels);
      }
      SynthIndex.addCheck(this, () => {
        const pods = to._controllerPods;
        if (!pods || (controllerPods && !this.waypoint)) {
          return [];
        }
        return [this.waypoint
          ? `host '${to.host}' is delivered by Flagger (${pods.by}), which routes to the ${to.host}-primary and ${to.host}-canary Services: `
            + `policy allow-${to.host}, attached to Service '${to.host}' at the waypoint, reaches neither`
          : `host '${to.host}' is delivered by Flagger (${pods.by}), whose primary pods carry ${formatLabels(pods.labels)}, which policy allow-${to.host} `
            + `does not select: the namespace's default deny would refuse their callers; create ${pods.by} before this ZeroTrust`];
      });
      this.policies.set(to.host, entry);
    }
    return entry.rules;
  }
}

function operations(options: CallOptions) {
  const methods = options.methods?.map(m => {
    if (!METHODS.has(m)) {
      throw new Error(`'methods' must be HTTP methods in uppercase (${[...METHODS].join(', ')}), got '${m}'`);
    }
    return m;
  });
  for (const path of options.paths ?? []) {
    if (!path.startsWith('/') && !path.startsWith('*')) {
      throw new Error(`'paths' must start with '/' (or '*' for a suffix match), got '${path}'`);
    }
  }
  if (methods === undefined && options.paths === undefined) {
    return undefined;
  }
  return [{ operation: { methods, paths: options.paths } }];
}

/** Istio's own ingress gateway, whose ServiceAccount is known; another selector's proxies run as they were deployed. */
function isDefaultIngress(selector: Record<string, string> | undefined): boolean {
  return selector !== undefined && Object.keys(selector).length === 1 && selector.istio === 'ingressgateway';
}

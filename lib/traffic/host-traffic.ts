import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { HTTPRoute } from '../../imports/gateway-api';
import {
  DestinationRule, DestinationRuleSpecTrafficPolicy, VirtualService, VirtualServiceSpecHttp,
  VirtualServiceSpecHttpFault, VirtualServiceSpecHttpRetries,
} from '../../imports/networking.istio.io';
import { kubeService } from '../private/k8s';
import { EXTERNAL_SUBSETS } from '../private/mesh-defaults';
import { SynthIndex } from '../private/synth-index';
import { MeshService } from '../service';
import { checkGatewayBehaviour, checkGatewayRoute, httpRouteRule, KEEP_ISTIO, portOf, unsupported, versionService } from './gateway-api';
import { HttpMatch } from './http-match';
import { TrafficApi, trafficApiOf } from './traffic-api';

/**
 * One destination of a contributed route, already validated by the contributing construct.
 *
 * @internal
 */
export interface RouteTarget {
  readonly service: MeshService;
  readonly subset?: string;
  readonly weight?: number;
  readonly port?: number;
  /** The prop of the contributing construct that named the subset, for messages. */
  readonly prop: string;
}

/**
 * Per-route HTTP behaviour, in Istio's wire form, already validated by the contributing construct.
 *
 * @internal
 */
export interface HttpBehaviour {
  readonly timeout?: string;
  readonly retries?: VirtualServiceSpecHttpRetries;
  readonly fault?: VirtualServiceSpecHttpFault;
  readonly mirror?: { readonly subset: string; readonly percentage: number; readonly prop: string };
}

/**
 * A route contributed to a host: its matches (none: the default route) and where it sends requests.
 *
 * @internal
 */
export interface RouteContribution {
  readonly matches: HttpMatch[];
  readonly targets: RouteTarget[];
  readonly behaviour?: HttpBehaviour;
}

/**
 * Connection-level policy slots of a DestinationRule, in Istio's wire form.
 *
 * @internal
 */
export type PolicySlot = keyof Pick<DestinationRuleSpecTrafficPolicy,
'loadBalancer' | 'connectionPool' | 'outlierDetection' | 'tls' | 'retryBudget'>;

/** @internal */
export type BehaviourSlot = Exclude<keyof HttpBehaviour, never>;

interface Contributed<T> {
  readonly by: IConstruct;
  readonly value: T;
}

const POLICY_FEATURE: Record<PolicySlot, string> = {
  loadBalancer: 'a load balancer setting',
  connectionPool: 'connection-pool limits (circuit breaking)',
  outlierDetection: 'outlier detection (circuit breaking)',
  tls: 'client TLS settings',
  retryBudget: 'a retry budget',
};

const SLOT_NOUN: Record<BehaviourSlot | PolicySlot, string> = {
  timeout: 'timeouts',
  retries: 'retry policies',
  fault: 'fault injections',
  mirror: 'mirrors',
  loadBalancer: 'load balancers',
  connectionPool: 'connection pools',
  outlierDetection: 'outlier detections',
  tls: 'TLS settings',
  retryBudget: 'retry budgets',
};

/** Models' VirtualServices that got a JSON patch, which may have changed their hosts. */
const PATCHED = new WeakSet<IConstruct>();

/** A model's VirtualService: its hosts are the model's unless a JSON patch may have changed them. */
class ModelVirtualService extends VirtualService {
  public override addJsonPatch(...ops: JsonPatch[]): void {
    PATCHED.add(this);
    super.addJsonPatch(...ops);
  }
}

const MODELS = new WeakMap<Chart, Map<string, HostTraffic>>();
const OWNERS = new WeakMap<IConstruct, HostTraffic>();

/**
 * Where a host's route lives: the mesh (sidecars) or a gateway, with the hosts it matches.
 */
interface RouteScope {
  readonly namespace?: string;
  readonly hosts: string[];
  readonly gateways?: string[];
}

/**
 * The one route (VirtualService) and one policy (DestinationRule) of a host in a chart.
 *
 * Istio applies one VirtualService per host and merges several unpredictably, so building blocks do not
 * own whole objects: a `Canary` contributes a weighted default route, `Retries` a retry policy,
 * `CircuitBreaker` outlier detection, and so on. The host model collects the contributions of every block
 * in the chart, orders the routes (matched routes in the order they were added, the default route last),
 * rejects contributions that conflict (naming both constructs), and renders each object once, at synth.
 *
 * Blocks find the model with `HostTraffic.of(scope, service)`; users reach its objects through the
 * blocks' escape hatches (`canary.virtualService`) or here. The model is one per chart, whatever the
 * construct tree; it sits under the block that contributed first, so the YAML keeps that block's order.
 *
 * @see https://istio.io/latest/docs/ops/best-practices/traffic-management/#split-virtual-services
 */
export class HostTraffic extends Construct {
  /** The model of `service`'s mesh traffic in the chart of `scope`, created on first use. */
  public static of(scope: IConstruct, service: MeshService): HostTraffic {
    return HostTraffic.lookup(scope, service, { namespace: service.namespace, hosts: [service.host] });
  }

  /**
   * The model of a gateway-bound route for `hosts` in the chart of `scope`.
   *
   * @internal
   */
  public static _ofGateway(scope: IConstruct, service: MeshService, scopeOf: Required<Pick<RouteScope, 'gateways' | 'hosts'>> & RouteScope): HostTraffic {
    return HostTraffic.lookup(scope, service, scopeOf);
  }

  private static lookup(scope: IConstruct, service: MeshService, routeScope: RouteScope): HostTraffic {
    const chart = Chart.of(scope);
    const key = [routeScope.namespace ?? '', [...routeScope.hosts].sort().join(','), [...(routeScope.gateways ?? ['mesh'])].sort().join(',')].join('/');
    let models = MODELS.get(chart);
    if (!models) {
      models = new Map();
      MODELS.set(chart, models);
    }
    const existing = models.get(key);
    if (existing) {
      if (existing.service !== service && existing.service.host === service.host) {
        throw new Error(`host '${service.host}' has two MeshService handles in chart '${chart.node.id}'; pass the same handle to every block (it knows the subsets)`);
      }
      return existing;
    }
    // the model lives under the block that contributes first, so its objects keep that block's place in the YAML
    const model = new HostTraffic(scope as Construct, modelId(scope, key), service, routeScope);
    models.set(key, model);
    return model;
  }

  /** The service the model routes; its host is the VirtualService's host for mesh routes. */
  public readonly service: MeshService;

  private readonly routeScope: RouteScope;
  private readonly routes: Array<Contributed<RouteContribution>> = [];
  private readonly behaviours = new Map<BehaviourSlot, Contributed<unknown>>();
  private readonly policies = new Map<string, Contributed<unknown>>();
  private readonly subsetDefs: Array<Contributed<{ name: string; labels: Record<string, string> }>> = [];
  private readonly externalSubsets = new Map<string, Set<string>>();
  private routeName?: Contributed<string>;
  private policyName?: Contributed<string>;
  private readonly api: TrafficApi;
  private vs?: VirtualService | HTTPRoute;
  private vsBy?: Contributed<unknown>;
  private dr?: DestinationRule;
  private drBy?: Contributed<unknown>;

  private constructor(scope: Construct, id: string, service: MeshService, routeScope: RouteScope) {
    super(scope, id);
    this.service = service;
    this.routeScope = routeScope;
    this.api = trafficApiOf(scope);
  }

  /** The host's VirtualService, or `undefined` until a block contributes a route or when the chart uses the Gateway API. */
  public get virtualService(): VirtualService | undefined {
    // not instanceof: cdk8s answers it for every ApiObject class with ApiObject.isApiObject
    return this.vs?.kind === VirtualService.GVK.kind ? this.vs as VirtualService : undefined;
  }

  /** The host's HTTPRoute when the chart uses the Gateway API, or `undefined` until a block contributes a route or with Istio's APIs. */
  public get httpRoute(): HTTPRoute | undefined {
    return this.vs?.kind === HTTPRoute.GVK.kind ? this.vs as HTTPRoute : undefined;
  }

  /** The host's DestinationRule, or `undefined` until a block contributes subsets or a policy. */
  public get destinationRule(): DestinationRule | undefined {
    return this.dr;
  }

  /**
   * Adds a route; `by` is the construct the user wrote, named in conflicts and reference errors.
   *
   * @internal
   */
  public _addRoute(by: IConstruct, route: RouteContribution): void {
    if (this.api === TrafficApi.GATEWAY_API) {
      checkGatewayRoute(by, route, this.service);
    }
    for (const other of this.routes) {
      if (sameMatches(other.value.matches, route.matches)) {
        throw new Error(this.conflict(route.matches.length === 0
          ? 'two default routes (two weight splits or subsets for every request)'
          : `two routes for the same match ${describeMatches(route.matches)}, so the second could never be reached`, other.by, by));
      }
    }
    this.routes.push({ by, value: route });
    for (const slot of Object.keys(route.behaviour ?? {}) as BehaviourSlot[]) {
      const hostWide = this.behaviours.get(slot);
      if (hostWide) {
        throw new Error(this.conflict(`two ${SLOT_NOUN[slot]}`, hostWide.by, by));
      }
    }
    this.checkFaultAgainstTimeouts();
    SynthIndex.addCheck(by, () => route.targets.flatMap(t => t.subset === undefined ? [] : subsetError(t.service, t.prop, t.subset)));
    if (route.behaviour?.mirror) {
      this.validateMirror(by, route.behaviour.mirror);
    }
    this.ensureVirtualService(by);
    this.recordExternalSubsets(route.targets);
  }

  /**
   * Applies HTTP behaviour (timeout, retries, fault, mirror) to every route of the host.
   *
   * @internal
   */
  public _addBehaviour(by: IConstruct, behaviour: HttpBehaviour): void {
    if (this.api === TrafficApi.GATEWAY_API) {
      checkGatewayBehaviour(by, behaviour, this.service);
    }
    for (const [slot, value] of Object.entries(behaviour) as Array<[BehaviourSlot, unknown]>) {
      if (value === undefined) {
        continue;
      }
      const other = this.behaviours.get(slot) ?? this.routes.find(r => r.value.behaviour?.[slot] !== undefined);
      if (other) {
        throw new Error(this.conflict(`two ${SLOT_NOUN[slot]}`, other.by, by));
      }
      this.behaviours.set(slot, { by, value });
    }
    this.checkFaultAgainstTimeouts();
    if (behaviour.mirror) {
      this.validateMirror(by, behaviour.mirror);
    }
    this.ensureVirtualService(by);
  }

  /**
   * Names the VirtualService (default: the service's host); call before contributing a route.
   *
   * @internal
   */
  public _nameRoute(by: IConstruct, name: string): void {
    this.routeName = this.renamed('VirtualService', this.routeName ?? this.vsBy, this.vs?.name, by, name);
  }

  /**
   * Names the DestinationRule (default: the service's host); call before contributing subsets or a policy.
   *
   * @internal
   */
  public _namePolicy(by: IConstruct, name: string): void {
    this.policyName = this.renamed('DestinationRule', this.policyName ?? this.drBy, this.dr?.name, by, name);
  }

  /**
   * Adds subsets to the host's DestinationRule.
   *
   * @internal
   */
  public _addSubsets(by: IConstruct, subsets: Array<{ name: string; labels: Record<string, string> }>): DestinationRule | ApiObject[] {
    for (const subset of subsets) {
      this.service._addSubset(subset.name, subset.labels, by.node.path);
      this.subsetDefs.push({ by, value: subset });
    }
    if (this.api === TrafficApi.GATEWAY_API) {
      return subsets.map(subset => this.versionService(by, subset));
    }
    return this.ensureDestinationRule(by);
  }

  /**
   * Sets one connection-level policy of the host, or of one of its subsets.
   *
   * @internal
   */
  public _addPolicy(by: IConstruct, slot: PolicySlot, value: unknown, subset?: string): DestinationRule {
    if (this.api === TrafficApi.GATEWAY_API) {
      throw unsupported(POLICY_FEATURE[slot], by, this.service.host,
        `${KEEP_ISTIO}, or write a DestinationRule for each of its per-version Services yourself (in ambient mode its waypoint applies it)`);
    }
    const key = `${subset ?? ''}/${slot}`;
    const other = this.policies.get(key);
    if (other) {
      throw new Error(this.conflict(`two ${SLOT_NOUN[slot]}${subset ? ` for subset '${subset}'` : ''}`, other.by, by));
    }
    this.policies.set(key, { by, value });
    if (subset !== undefined) {
      SynthIndex.addCheck(by, () => this.subsetDefs.some(s => s.value.name === subset) ? [] : [
        `'subset' names '${subset}', which the DestinationRule of host '${this.service.host}' in this chart does not define `
        + `(defined here: ${this.subsetDefs.map(s => s.value.name).join(', ') || 'none'}); a subset policy lives beside its subset`,
      ]);
    }
    return this.ensureDestinationRule(by);
  }

  private renamed(kind: string, current: Contributed<unknown> | undefined, existing: string | undefined, by: IConstruct, name: string): Contributed<string> {
    const named = existing ?? (current?.value as string | undefined);
    // a route or policy contributed before any name took the default name
    if (current && named !== undefined && named !== name) {
      throw new Error(this.conflict(`two names for its ${kind} ('${named}' and '${name}')`, current.by, by));
    }
    return { by, value: name };
  }

  // HTTPRoute requires timeouts.backendRequest (the per-try timeout) <= timeouts.request (a CEL rule of its CRD)
  private gatewayTimeoutErrors(): string[] {
    return this.routesWithBehaviour().flatMap(source => {
      const timeout = source('timeout');
      const retries = source('retries');
      const perTry = (retries?.value as VirtualServiceSpecHttpRetries | undefined)?.perTryTimeout;
      if (!timeout || !retries || perTry === undefined || seconds(perTry) <= seconds(timeout.value as string)) {
        return [];
      }
      return [`host '${this.service.host}': the per-try timeout ${perTry} of ${retries.by.node.path} exceeds the request timeout ${timeout.value} of `
        + `${timeout.by.node.path}; an HTTPRoute requires timeouts.backendRequest <= timeouts.request`];
    });
  }

  /**
   * For each route (or the host-wide behaviour, before any route), where each behaviour slot comes from:
   * the route's own contribution, else the block that set it for the whole host.
   */
  private routesWithBehaviour(): Array<(slot: BehaviourSlot) => Contributed<unknown> | undefined> {
    const routes: Array<Contributed<RouteContribution> | undefined> = this.routes.length > 0 ? this.routes : [undefined];
    return routes.map(route => (slot: BehaviourSlot) => route?.value.behaviour?.[slot] !== undefined
      ? { by: route.by, value: route.value.behaviour[slot] } : this.behaviours.get(slot));
  }

  // Gateway API cannot route to DestinationRule subsets: each version is a Service of its own,
  // selecting the service's pods that carry the subset's labels (Istio's bookinfo-versions.yaml)
  private versionService(by: IConstruct, subset: { name: string; labels: Record<string, string> }): ApiObject {
    const selector = this.service.selector;
    if (!selector) {
      throw new Error(`[${by.node.path}] with the Gateway API each subset of host '${this.service.host}' becomes a Service selecting its pods: `
        + `set 'selector' on the MeshService (the labels the host's Service selects)`);
    }
    const port = portOf(this.service, by);
    return kubeService(this, `Version.${subset.name}`, { name: versionService(this.service.host, subset.name), namespace: this.service.namespace },
      { ports: [{ port, name: 'http' }], selector: { ...selector, ...subset.labels } });
  }

  private conflict(what: string, first: IConstruct, second: IConstruct): string {
    return `host '${this.routeScope.hosts.join(', ')}' gets ${what} from ${first.node.path} and ${second.node.path}; `
      + 'Istio applies one route and one policy per host, so each must come from one block';
  }

  // Envoy skips the timeout and retry policy of a route that injects a fault (the tutorial sets the
  // timeout on the caller's route for that reason), so a fault beside either is a silent no-op.
  private checkFaultAgainstTimeouts(): void {
    for (const source of this.routesWithBehaviour()) {
      const fault = source('fault')?.by;
      const timeout = source('timeout')?.by;
      const other = timeout ?? source('retries')?.by;
      if (fault && other) {
        throw new Error(`host '${this.routeScope.hosts.join(', ')}' gets a fault from ${fault.node.path} and ${timeout ? 'a timeout' : 'retries'} `
          + `from ${other.node.path} on the same route; Istio disables timeouts and retries on a route that injects a fault, `
          + 'so put the timeout or retries on the caller\'s route instead');
      }
    }
  }

  // subsets declared with `MeshService.fromHost` are defined outside the app: the annotation tells the
  // analyzer (and a reviewer) so, instead of leaving it to report them as undefined
  private recordExternalSubsets(targets: RouteTarget[]): void {
    for (const t of targets) {
      if (t.subset !== undefined && t.service.subsets.includes(t.subset) && t.service.labelsOf(t.subset) === undefined) {
        this.externalSubsets.set(t.service.host, new Set([...this.externalSubsets.get(t.service.host) ?? [], t.subset]));
      }
    }
    if (this.externalSubsets.size > 0) {
      const value = [...this.externalSubsets].map(([host, subsets]) => `${host}=${[...subsets].sort().join(',')}`).join(';');
      this.vs!.metadata.addAnnotation(EXTERNAL_SUBSETS, value);
    }
  }

  private validateMirror(by: IConstruct, mirror: NonNullable<HttpBehaviour['mirror']>): void {
    SynthIndex.addCheck(by, () => subsetError(this.service, mirror.prop, mirror.subset));
  }

  private ensureVirtualService(by: IConstruct): void {
    if (!this.vs && this.api === TrafficApi.GATEWAY_API) {
      this.vsBy = { by, value: undefined };
      this.vs = new HTTPRoute(this, 'Route', {
        metadata: { name: this.routeName?.value ?? this.service.host, namespace: this.routeScope.namespace },
        spec: Lazy.any({ produce: () => this.renderHttpRoute() }),
      });
      SynthIndex.addCheck(this, () => this.gatewayTimeoutErrors());
    }
    if (!this.vs) {
      this.vsBy = { by, value: undefined };
      this.vs = new ModelVirtualService(this, 'Route', {
        metadata: {
          name: this.routeName?.value ?? this.service.host,
          namespace: this.routeScope.namespace,
        },
        spec: Lazy.any({ produce: () => this.renderRoute() }),
      });
      OWNERS.set(this.vs, this);
      SynthIndex.addCheck(this, () => this.duplicateHosts());
    }
  }

  private ensureDestinationRule(by: IConstruct): DestinationRule {
    if (!this.dr) {
      this.drBy = { by, value: undefined };
      this.dr = new DestinationRule(this, 'Policy', {
        metadata: {
          name: this.policyName?.value ?? this.service.host,
          namespace: this.service.namespace,
        },
        spec: Lazy.any({ produce: () => this.renderPolicy() }),
      });
    }
    return this.dr;
  }

  /** The routes in the order the proxy tries them: matched routes as added, the default route last. */
  private orderedRoutes(): Array<Contributed<RouteContribution>> {
    const ordered = [...this.routes.filter(r => r.value.matches.length > 0), ...this.routes.filter(r => r.value.matches.length === 0)];
    // a block that only shapes behaviour (a timeout) routes every request to the host as before
    return ordered.length > 0 ? ordered : [{ by: this, value: { matches: [], targets: [{ service: this.service, prop: 'service' }] } }];
  }

  /** A route's behaviour in one slot: its own, else the host-wide one. */
  private behaviourOf(route: RouteContribution): (slot: BehaviourSlot) => any {
    return slot => route.behaviour?.[slot] ?? this.behaviours.get(slot)?.value;
  }

  private renderRoute(): any {
    const http: VirtualServiceSpecHttp[] = this.orderedRoutes().map(r => this.renderHttp(r.value));
    return { hosts: this.routeScope.hosts, gateways: this.routeScope.gateways, http };
  }

  private renderHttpRoute(): any {
    const gateway = this.routeScope.gateways?.[0];
    const parentRefs = gateway
      ? this.gatewayParents(gateway)
      : [{ group: '', kind: 'Service', name: this.service.host, port: this.service.port }];
    const hostnames = this.routeScope.gateways && !this.routeScope.hosts.includes('*') ? this.routeScope.hosts : undefined;
    return { parentRefs, hostnames, rules: this.orderedRoutes().map(r => httpRouteRule(r.by, r.value, this.behaviourOf(r.value), this.service)) };
  }

  private gatewayParents(gateway: string): any[] {
    return [{ name: gateway, sectionName: this.gatewaySection }];
  }

  /**
   * The listener of the Gateway that the route attaches to (`https` when the ingress redirects HTTP).
   *
   * @internal
   */
  public gatewaySection?: string;

  private renderHttp(route: RouteContribution): VirtualServiceSpecHttp {
    const behaviour = this.behaviourOf(route);
    const weighted = route.targets.length > 1;
    const mirror = behaviour('mirror') as HttpBehaviour['mirror'];
    return {
      match: route.matches.length > 0 ? route.matches.map(m => m._toIstio()) : undefined,
      route: route.targets.map(t => ({
        destination: { host: t.service.host, subset: t.subset, port: t.port !== undefined ? { number: t.port } : undefined },
        weight: weighted ? t.weight : undefined,
      })),
      timeout: behaviour('timeout'),
      retries: behaviour('retries'),
      fault: behaviour('fault'),
      mirror: mirror && { host: this.service.host, subset: mirror.subset },
      mirrorPercentage: mirror && { value: mirror.percentage },
    };
  }

  private renderPolicy(): any {
    const policyOf = (subset?: string): DestinationRuleSpecTrafficPolicy | undefined => {
      const entries = [...this.policies.entries()]
        .filter(([key]) => key.startsWith(`${subset ?? ''}/`))
        .map(([key, c]) => [key.slice(key.indexOf('/') + 1), c.value]);
      return entries.length > 0 ? Object.fromEntries(entries) : undefined;
    };
    return {
      host: this.service.host,
      trafficPolicy: policyOf(),
      subsets: this.subsetDefs.length > 0
        ? this.subsetDefs.map(s => ({ name: s.value.name, labels: s.value.labels, trafficPolicy: policyOf(s.value.name) }))
        : undefined,
    };
  }

  // The model makes one VirtualService per host; this catches a second one written by hand (or with
  // the escape hatch) in the same chart. One grouping per validation pass keeps it linear; a model's own
  // VirtualService is keyed without rendering it unless a JSON patch could have changed its hosts.
  private duplicateHosts(): string[] {
    const chart = Chart.of(this);
    const index = SynthIndex.of(this);
    const groups = index.memo('virtual-services-by-host', () => {
      const byKey = new Map<string, IConstruct[]>();
      for (const object of index.apiObjectsOf('VirtualService')) {
        const owner = OWNERS.get(object);
        const keys = owner && !PATCHED.has(object)
          ? owner.routeKeys()
          : routeKeys(Chart.of(object), object.toJson());
        for (const key of keys) {
          byKey.set(key, [...(byKey.get(key) ?? []), object]);
        }
      }
      return byKey;
    });
    const mine = this.routeKeys();
    return this.routeScope.hosts.flatMap((host, i) => (groups.get(mine[i]) ?? [])
      .filter(o => o !== this.vs)
      .map(o => `host '${host}' is routed by two VirtualServices in chart '${chart.node.id}' `
        + `(${this.vs!.node.path} and ${o.node.path}); Istio merges neither predictably, so define one route per host`));
  }

  private routeKeys(): string[] {
    return routeKeys(Chart.of(this), { metadata: { namespace: this.routeScope.namespace }, spec: this.routeScope });
  }
}

/**
 * The model's construct id under the block that contributes first: `HostTraffic`, qualified by the host
 * only when that scope already holds the model of another host.
 *
 * The id is the first child of most blocks, and constructs keeps children in a plain object, so it is the
 * first property name of an empty object. V8 shares hidden classes through at most 1,536 distinct first
 * names; an id per host (`HostTraffic.mesh.svc-42.mesh`) used them up past about 1,500 hosts, after which
 * an empty object given a first key V8 had not yet seen (cdk8s's YAML writer builds many) got a hidden
 * class of its own, and their garbage filled the old generation: 5,000 services took 6.2 s and 500 MiB
 * instead of 5.0 s and 340 MiB.
 */
function modelId(scope: IConstruct, key: string): string {
  return scope.node.tryFindChild('HostTraffic') ? `HostTraffic.${key.replace(/\//g, '.')}` : 'HostTraffic';
}

/** One key per host of a VirtualService: chart, namespace, host and the gateways it binds to. */
function routeKeys(chart: Chart, manifest: any): string[] {
  const gateways = [...(manifest.spec?.gateways ?? ['mesh'])].sort().join(',');
  return (manifest.spec?.hosts ?? []).map((host: string) => [chart.node.path, manifest.metadata?.namespace ?? '', host, gateways].join('|'));
}

function seconds(duration: string): number {
  return Number(duration.replace(/s$/, ''));
}

function subsetError(service: MeshService, prop: string, subset: string): string[] {
  const error = service._subsetError(prop, subset);
  return error === undefined ? [] : [error];
}

function sameMatches(a: HttpMatch[], b: HttpMatch[]): boolean {
  return describeMatches(a) === describeMatches(b);
}

function describeMatches(matches: HttpMatch[]): string {
  return JSON.stringify(matches.map(m => m._toIstio()));
}

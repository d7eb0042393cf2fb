import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { HTTPRoute } from '../../imports/gateway-api';
import { DestinationRule, VirtualService } from '../../imports/networking.istio.io';
import { EXTERNAL_SUBSETS } from '../private/mesh-defaults';
import { SynthIndex } from '../private/synth-index';
import { MeshService } from '../service';
import { subsetErrors } from './host/checks';
import {
  HttpBehaviour, MirrorSettings, RouteContribution, RouteTarget, SubsetContribution, TrafficPolicyContribution,
} from './host/contributions';
import { GatewayApiRenderer } from './host/gateway-api';
import { IstioRenderer } from './host/istio';
import { Contributed, HostRenderer, HostView, RouteScope, Sourced, SourcedBehaviour } from './host/renderer';
import { HttpMatch } from './http-match';
import { TrafficApi, trafficApiOf } from './traffic-api';

/**
 * Options for `HostTraffic.ofGateway`.
 */
export interface GatewayRouteOptions {
  /** Names of the gateways the route binds to. */
  readonly gateways: string[];

  /** Hosts the route matches at the gateway (`*`: any). */
  readonly hosts: string[];

  /**
   * Namespace of the route.
   *
   * @default - the chart's namespace
   */
  readonly namespace?: string;

  /**
   * With the Gateway API, the listener of the gateway the route attaches to.
   *
   * @default - every listener that admits it
   */
  readonly sectionName?: string;
}

type BehaviourSlot = keyof HttpBehaviour;
type PolicySlot = keyof TrafficPolicyContribution;

const BEHAVIOUR_SLOTS: BehaviourSlot[] = ['timeout', 'retries', 'fault', 'mirror', 'headers', 'cors'];
const POLICY_SLOTS: PolicySlot[] = ['loadBalancer', 'outlierDetection', 'connectionPool', 'tls', 'retryBudget', 'localityLbSetting'];

const SLOT_NOUN: Record<BehaviourSlot | PolicySlot, string> = {
  timeout: 'timeouts',
  retries: 'retry policies',
  fault: 'fault injections',
  mirror: 'mirrors',
  headers: 'header policies',
  cors: 'CORS policies',
  loadBalancer: 'load balancers',
  connectionPool: 'connection pools',
  outlierDetection: 'outlier detections',
  tls: 'TLS settings',
  retryBudget: 'retry budgets',
  localityLbSetting: 'locality load balancing settings',
};

const MODELS = new WeakMap<Chart, Map<string, HostTraffic>>();

/**
 * The one route (VirtualService or HTTPRoute) and one policy (DestinationRule) of a host in a chart.
 *
 * Istio applies one VirtualService per host and merges several unpredictably, so building blocks do not
 * own whole objects: a `Canary` contributes a weighted default route, `Retries` a retry policy,
 * `CircuitBreaker` outlier detection, and so on. The host model keeps the contributions of every block
 * in the chart as typed values, orders the routes (matched routes in the order they were added, the
 * default route last), rejects contributions that conflict (naming both constructs), and hands them to
 * the renderer of the chart's API family (`useTrafficApi`), which writes each object once, at synth.
 *
 * A block finds the model with `HostTraffic.of(scope, service)` and contributes with `addRoute`,
 * `addBehaviour`, `addSubsets` and `addPolicy`; contributions are taken as validated by the block, which
 * knows the props its user wrote. Users reach the objects through the blocks (`canary.virtualService`)
 * or here. The model is one per chart, whatever the construct tree; it sits under the block that
 * contributed first, so the YAML keeps that block's order.
 *
 * @see https://istio.io/latest/docs/ops/best-practices/traffic-management/#split-virtual-services
 */
export class HostTraffic extends Construct {
  /** The model of `service`'s mesh traffic in the chart of `scope`, created on first use. */
  public static of(scope: IConstruct, service: MeshService): HostTraffic {
    return HostTraffic.lookup(scope, service, { namespace: service.namespace, hosts: [service.host] });
  }

  /** The model of the route that binds `service` to gateways for `options.hosts`, in the chart of `scope`. */
  public static ofGateway(scope: IConstruct, service: MeshService, options: GatewayRouteOptions): HostTraffic {
    return HostTraffic.lookup(scope, service, options);
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

  /** The service the model routes; its host is the route's host for mesh routes. */
  public readonly service: MeshService;

  private readonly routeScope: RouteScope;
  private renderer: HostRenderer;
  private readonly hostView: HostView;
  private deliveredBy?: Contributed<string>;
  private readonly routes: Array<Contributed<RouteContribution>> = [];
  private readonly behaviours: SourcedBehaviour = {};
  /** By subset; the host's own under ''. */
  private readonly policies = new Map<string, Sourced<TrafficPolicyContribution>>();
  private readonly subsetDefs: Array<Contributed<SubsetContribution>> = [];
  private readonly externalSubsets = new Map<string, Set<string>>();
  private routeName?: Contributed<string>;
  private policyName?: Contributed<string>;
  private routeBy?: IConstruct;
  private policyBy?: IConstruct;

  private constructor(scope: Construct, id: string, service: MeshService, routeScope: RouteScope) {
    super(scope, id);
    this.service = service;
    this.routeScope = routeScope;
    service._checkAgainstApp(scope);
    this.hostView = this.view();
    this.renderer = trafficApiOf(scope) === TrafficApi.GATEWAY_API ? new GatewayApiRenderer(this, this.hostView) : new IstioRenderer(this, this.hostView);
  }

  /** The host's VirtualService, or `undefined` until a block contributes a route or when the chart uses the Gateway API. */
  public get virtualService(): VirtualService | undefined {
    return this.renderer.virtualService;
  }

  /** The host's HTTPRoute when the chart uses the Gateway API, or `undefined` until a block contributes a route or with Istio's APIs. */
  public get httpRoute(): HTTPRoute | undefined {
    return this.renderer.httpRoute;
  }

  /** The host's DestinationRule, or `undefined` until a block contributes subsets or a policy, or with the Gateway API. */
  public get destinationRule(): DestinationRule | undefined {
    return this.renderer.destinationRule;
  }

  /** With the Gateway API, the Service of each subset (`reviews-v1`), which routes send traffic to; otherwise empty. */
  public get versionServices(): ApiObject[] {
    return [...this.renderer.versionServices];
  }

  /**
   * Adds a route. `by` is the construct the user wrote, which conflicts and reference errors name.
   *
   * Fails if another block routes the same matches (two default routes included), or sets a behaviour
   * of the route for the whole host.
   */
  public addRoute(by: IConstruct, route: RouteContribution): void {
    this.renderer.checkRoute(by, route);
    for (const other of this.routes) {
      if (sameMatches(other.value.matches, route.matches)) {
        throw new Error(this.conflict(route.matches.length === 0
          ? 'two default routes (two weight splits or subsets for every request)'
          : `two routes for the same match ${describeMatches(route.matches)}, so the second could never be reached`, other.by, by));
      }
    }
    this.routes.push({ by, value: route });
    for (const slot of setSlots(route.behaviour ?? {}, BEHAVIOUR_SLOTS)) {
      const hostWide = this.behaviours[slot];
      if (hostWide) {
        throw new Error(this.conflict(`two ${SLOT_NOUN[slot]}`, hostWide.by, by));
      }
    }
    this.checkFaultAgainstTimeouts();
    this.checkRetriesAgainstTimeouts();
    SynthIndex.addCheck(by, () => route.targets.flatMap(t => t.subset === undefined ? [] : subsetErrors(t.service, t.prop, t.subset)));
    if (route.behaviour?.mirror) {
      this.checkMirror(by, route.behaviour.mirror);
    }
    this.ensureRoute(by);
    this.recordExternalSubsets(route.targets);
  }

  /**
   * Applies HTTP behaviour (timeout, retries, fault, mirror) to every route of the host.
   *
   * Fails if another block sets the same behaviour, for the host or on one of its routes.
   */
  public addBehaviour(by: IConstruct, behaviour: HttpBehaviour): void {
    this.renderer.checkBehaviour(by, behaviour);
    for (const slot of setSlots(behaviour, BEHAVIOUR_SLOTS)) {
      const other = this.behaviours[slot] ?? this.routes.find(r => r.value.behaviour?.[slot] !== undefined);
      if (other) {
        throw new Error(this.conflict(`two ${SLOT_NOUN[slot]}`, other.by, by));
      }
      contribute(this.behaviours, slot, by, behaviour);
    }
    this.checkFaultAgainstTimeouts();
    this.checkRetriesAgainstTimeouts();
    if (behaviour.mirror) {
      this.checkMirror(by, behaviour.mirror);
    }
    this.ensureRoute(by);
  }

  /**
   * Hands the host's traffic to a delivery controller that writes its routes and rules itself (Flagger):
   * `render` makes the renderer that replaces the API family's. Every later contribution goes through it,
   * so what the controller has no field for fails at the block that asked for it.
   *
   * Call it before any block contributes to the host: the objects those contributions made would
   * otherwise compete with the controller's.
   *
   * @param controller the controller's name, for messages (`Flagger`)
   * @internal
   */
  public _deliverWith(by: IConstruct, controller: string, render: (scope: Construct, view: HostView) => HostRenderer): void {
    if (this.deliveredBy) {
      throw new Error(this.conflict(`two delivery controllers (${this.deliveredBy.value} and ${controller})`, this.deliveredBy.by, by));
    }
    const earlier = this.routes[0]?.by ?? this.subsetDefs[0]?.by ?? this.routeBy ?? this.policyBy;
    if (earlier) {
      throw new Error(`host '${this.service.host}' is handed to ${controller} by ${by.node.path} after ${earlier.node.path} contributed to it: `
        + `create ${by.node.path} before the host's other blocks, since ${controller} writes the host's routes and rules and takes their settings from the blocks that follow`);
    }
    this.deliveredBy = { by, value: controller };
    this.renderer = render(this, this.hostView);
  }

  /**
   * Names the route object (default: the service's host); call before contributing a route.
   */
  public nameRoute(by: IConstruct, name: string): void {
    this.routeName = this.renamed('VirtualService', this.routeName, this.routeBy && this.renderer.route?.name, this.routeBy, by, name);
  }

  /**
   * Names the DestinationRule (default: the service's host); call before contributing subsets or a policy.
   */
  public namePolicy(by: IConstruct, name: string): void {
    this.policyName = this.renamed('DestinationRule', this.policyName, this.policyBy && this.renderer.destinationRule?.name, this.policyBy, by, name);
  }

  /** Defines subsets of the host, which routes may then name. */
  public addSubsets(by: IConstruct, subsets: SubsetContribution[]): void {
    for (const subset of subsets) {
      this.service._addSubset(subset.name, subset.labels, by.node.path);
      this.subsetDefs.push({ by, value: subset });
    }
    this.policyBy = this.policyBy ?? by;
    this.renderer.addSubsets(by, subsets);
  }

  /**
   * Sets connection-level policy of the host, or of one of its subsets.
   *
   * Fails if another block sets the same field for the same host or subset; a subset policy requires the
   * subset to be defined in this chart.
   *
   * @param subset the subset the policy applies to
   */
  public addPolicy(by: IConstruct, policy: TrafficPolicyContribution, subset?: string): void {
    this.renderer.checkPolicy(by, policy);
    const slots = this.policies.get(subset ?? '') ?? {};
    this.policies.set(subset ?? '', slots);
    for (const slot of setSlots(policy, POLICY_SLOTS)) {
      const other = slots[slot];
      if (other) {
        throw new Error(this.conflict(`two ${SLOT_NOUN[slot]}${subset ? ` for subset '${subset}'` : ''}`, other.by, by));
      }
      contribute(slots, slot, by, policy);
    }
    if (subset !== undefined) {
      SynthIndex.addCheck(by, () => this.subsetDefs.some(s => s.value.name === subset) ? [] : [
        `'subset' names '${subset}', which the DestinationRule of host '${this.service.host}' in this chart does not define `
        + `(defined here: ${this.subsetDefs.map(s => s.value.name).join(', ') || 'none'}); a subset policy lives beside its subset`,
      ]);
    }
    this.policyBy = this.policyBy ?? by;
    this.renderer.ensurePolicy(subset);
  }

  /**
   * The connection-level policy contributed so far to the host, or to one of its subsets: what its
   * DestinationRule will hold, which blocks whose settings depend on others' read at synth.
   */
  public policyOf(subset?: string): TrafficPolicyContribution | undefined {
    return this.trafficPolicy(subset);
  }

  private view(): HostView {
    return {
      service: this.service,
      routeScope: this.routeScope,
      routeName: () => this.routeName?.value ?? this.service.host,
      policyName: () => this.policyName?.value ?? this.service.host,
      orderedRoutes: () => this.orderedRoutes(),
      behaviourOf: route => this.behaviourOf(route),
      trafficPolicy: subset => this.trafficPolicy(subset),
      subsets: () => this.subsetDefs.map(s => s.value),
    };
  }

  private ensureRoute(by: IConstruct): void {
    this.routeBy = this.routeBy ?? by;
    this.renderer.ensureRoute(this.routeBy);
  }

  private renamed(kind: string, current: Contributed<string> | undefined, existing: string | undefined, creator: IConstruct | undefined, by: IConstruct, name: string): Contributed<string> {
    const named = existing ?? current?.value;
    // a route or policy contributed before any name took the default name
    const first = current?.by ?? creator;
    if (first && named !== undefined && named !== name) {
      throw new Error(this.conflict(`two names for its ${kind} ('${named}' and '${name}')`, first, by));
    }
    return { by, value: name };
  }

  private conflict(what: string, first: IConstruct, second: IConstruct): string {
    return `host '${this.routeScope.hosts.join(', ')}' gets ${what} from ${first.node.path} and ${second.node.path}; `
      + 'Istio applies one route and one policy per host, so each must come from one block';
  }

  // Envoy skips the timeout and retry policy of a route that injects a fault (the tutorial sets the
  // timeout on the caller's route for that reason), so a fault beside either is a silent no-op.
  private checkFaultAgainstTimeouts(): void {
    const routes: Array<Contributed<RouteContribution> | undefined> = this.routes.length > 0 ? this.routes : [undefined];
    for (const route of routes) {
      const { fault, timeout, retries } = this.behaviourOf(route);
      const other = timeout ?? retries;
      if (fault && other) {
        throw new Error(`host '${this.routeScope.hosts.join(', ')}' gets a fault from ${fault.by.node.path} and ${timeout ? 'a timeout' : 'retries'} `
          + `from ${other.by.node.path} on the same route; Istio disables timeouts and retries on a route that injects a fault, `
          + 'so put the timeout or retries on the caller\'s route instead');
      }
    }
  }

  // The request timeout bounds every try: retries whose tries add up past it are cut short, so the
  // policy promises what the route never does (in either family: istiod and HTTPRoute mean the same).
  private checkRetriesAgainstTimeouts(): void {
    const routes: Array<Contributed<RouteContribution> | undefined> = this.routes.length > 0 ? this.routes : [undefined];
    for (const route of routes) {
      const { timeout, retries } = this.behaviourOf(route);
      const perTry = retries?.value.perTryTimeout;
      if (!timeout || !retries || !perTry) {
        continue;
      }
      const needed = retries.value.attempts * perTry.toMilliseconds({ integral: false });
      const allowed = timeout.value.toMilliseconds({ integral: false });
      if (needed > allowed) {
        throw new Error(`host '${this.routeScope.hosts.join(', ')}' gets retries from ${retries.by.node.path} (${retries.value.attempts} attempts × ${perTry.toMilliseconds() / 1000}s per try = `
          + `${needed / 1000}s) and a timeout of ${allowed / 1000}s from ${timeout.by.node.path}: the timeout ends the request before the retries can run; `
          + 'raise the timeout, or lower attempts or perTryTimeout');
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
      this.renderer.route!.metadata.addAnnotation(EXTERNAL_SUBSETS, value);
    }
  }

  private checkMirror(by: IConstruct, mirror: MirrorSettings): void {
    SynthIndex.addCheck(by, () => subsetErrors(this.service, mirror.prop, mirror.subset));
  }

  private orderedRoutes(): Array<Contributed<RouteContribution>> {
    const ordered = [...this.routes.filter(r => r.value.matches.length > 0), ...this.routes.filter(r => r.value.matches.length === 0)];
    // a block that only shapes behaviour (a timeout) routes every request to the host as before
    return ordered.length > 0 ? ordered : [{ by: this, value: { matches: [], targets: [{ service: this.service, prop: 'service' }] } }];
  }

  private behaviourOf(route: Contributed<RouteContribution> | undefined): SourcedBehaviour {
    const own: SourcedBehaviour = {};
    for (const slot of setSlots(route?.value.behaviour ?? {}, BEHAVIOUR_SLOTS)) {
      contribute(own, slot, route!.by, route!.value.behaviour!);
    }
    return { ...this.behaviours, ...own };
  }

  private trafficPolicy(subset?: string): TrafficPolicyContribution | undefined {
    const slots = this.policies.get(subset ?? '') ?? {};
    const entries = setSlots(slots, POLICY_SLOTS).map(slot => [slot, slots[slot]!.value]);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
}

/**
 * The model's construct id under the block that contributes first: `HostTraffic`, qualified by the host
 * only beside another host's model. An id per host would use up V8's budget of distinct first property
 * names, which the library's objects share hidden classes through (see test/scale.test.ts).
 */
function modelId(scope: IConstruct, key: string): string {
  return scope.node.tryFindChild('HostTraffic') ? `HostTraffic.${key.replace(/\//g, '.')}` : 'HostTraffic';
}

function setSlots<T extends object, K extends keyof T>(value: T, slots: K[]): K[] {
  return slots.filter(slot => value[slot] !== undefined);
}

/** Records field `slot` of `value`, which is set, as contributed by `by`. */
function contribute<T extends object, K extends keyof T>(into: Sourced<T>, slot: K, by: IConstruct, value: T): void {
  into[slot] = { by, value: value[slot]! };
}

function sameMatches(a: HttpMatch[], b: HttpMatch[]): boolean {
  return describeMatches(a) === describeMatches(b);
}

function describeMatches(matches: HttpMatch[]): string {
  return matches.map(m => `(${m.description})`).join(' or ');
}

import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { HTTPRoute } from '../../../imports/gateway-api';
import { DestinationRule, VirtualService } from '../../../imports/networking.istio.io';
import { MeshService } from '../../service';
import { HttpBehaviour, RouteContribution, SubsetContribution, TrafficPolicyContribution } from './contributions';

/**
 * Where a host's route lives: the mesh (sidecars, waypoints) or gateways, with the hosts it matches.
 *
 * @internal
 */
export interface RouteScope {
  readonly namespace?: string;
  readonly hosts: string[];
  /** Gateways the route binds to; none: the mesh. */
  readonly gateways?: string[];
  /** The listener of the (Gateway API) gateway the route attaches to. */
  readonly sectionName?: string;
}

/**
 * A contribution together with the construct that made it, which conflicts and reference errors name.
 *
 * @internal
 */
export interface Contributed<T> {
  readonly by: IConstruct;
  readonly value: T;
}

/**
 * The fields of a contribution, each with the block that set it.
 *
 * @internal
 */
export type Sourced<T> = { -readonly [K in keyof T]?: Contributed<NonNullable<T[K]>> };

/**
 * A route's behaviour field by field, each with the block that set it: the route's own, else the host's.
 *
 * @internal
 */
export type SourcedBehaviour = Sourced<HttpBehaviour>;

/**
 * What a renderer reads of a host model, in the model's order and with its conflicts resolved.
 *
 * @internal
 */
export interface HostView {
  readonly service: MeshService;
  readonly routeScope: RouteScope;
  /** The name of the route object (default: the host). */
  routeName(): string;
  /** The name of the policy object (default: the host). */
  policyName(): string;
  /**
   * The routes in the order the proxy tries them: matched routes as added, the default route last; a
   * host with behaviour but no route has one default route to the host, contributed by the model.
   */
  orderedRoutes(): Array<Contributed<RouteContribution>>;
  /** A route's behaviour: each slot its own, else the host-wide one. */
  behaviourOf(route: Contributed<RouteContribution>): SourcedBehaviour;
  /** The connection-level policy of the host (no subset) or of one subset. */
  trafficPolicy(subset?: string): TrafficPolicyContribution | undefined;
  /** The subsets, in the order they were added. */
  subsets(): SubsetContribution[];
}

/**
 * Writes a host model as the objects of one API family, chosen once per host.
 *
 * A renderer refuses, at the construct that made it, a contribution its family cannot express (naming
 * what to do instead), creates its objects on first use under the model's construct, and renders their
 * specs lazily at synth from the `HostView`.
 *
 * @internal
 */
export interface HostRenderer {
  /** The route object once created: the annotation and messages name it. */
  readonly route?: ApiObject;
  readonly virtualService?: VirtualService;
  readonly httpRoute?: HTTPRoute;
  readonly destinationRule?: DestinationRule;
  /** With the Gateway API, the Service of each subset; otherwise empty. */
  readonly versionServices: ApiObject[];

  checkRoute(by: IConstruct, route: RouteContribution): void;
  checkBehaviour(by: IConstruct, behaviour: HttpBehaviour): void;
  checkPolicy(by: IConstruct, policy: TrafficPolicyContribution): void;

  /** Creates the route object if there is none yet; `by` contributed first, and is blamed for the route's checks. */
  ensureRoute(by: IConstruct): void;
  /** Creates the policy objects a contribution to the host's (or a subset's) policy needs, if there are none yet. */
  ensurePolicy(subset?: string): void;
  /** Defines subsets: in the policy object, or as objects of their own. */
  addSubsets(by: IConstruct, subsets: SubsetContribution[]): void;
}

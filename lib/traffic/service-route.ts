import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { HTTPRoute } from '../../imports/gateway-api';
import { VirtualService } from '../../imports/networking.istio.io';
import { assertDnsLabel, assertIntegerInRange, validDuration } from '../private/validate';
import { MeshService } from '../service';
import { HostTraffic } from './host-traffic';
import { CorsSettings, HeaderSettings, RouteContribution, RouteTarget } from './host/contributions';
import { corsSettings } from './cors-policy';
import { headerSettings } from './header-policy';
import { HttpMatch } from './http-match';
import { faultSettings, RetryPolicy, retrySettings } from './policies';

/**
 * A destination of an HTTP route: one subset of the routed service, with its share of the traffic.
 */
export interface RouteDestination {
  /**
   * Subset that receives the traffic; a DestinationRule must define it.
   *
   * @default - every endpoint of the service (a route to a host without subsets); required when a route has several destinations
   */
  readonly subset?: string;

  /**
   * Share of the route's traffic, an integer percentage; the weights of a route sum to 100.
   *
   * @default 100 when the route has one destination; required when it has several
   */
  readonly weight?: number;
}

/**
 * A fixed delay injected before requests are forwarded.
 */
export interface FaultDelay {
  /** How long requests are held. */
  readonly fixedDelay: Duration;

  /**
   * Percentage of requests delayed.
   *
   * @default 100
   */
  readonly percentage?: number;
}

/**
 * Requests answered at once with an HTTP error instead of being forwarded.
 */
export interface FaultAbort {
  /** HTTP status returned, 200..599. */
  readonly httpStatus: number;

  /**
   * Percentage of requests aborted.
   *
   * @default 100
   */
  readonly percentage?: number;
}

/**
 * One HTTP route of a `ServiceRoute`.
 */
export interface HttpRouteOptions {
  /**
   * Conditions, any of which selects this route.
   *
   * @default - every request (a catch-all route; only the last route may be one)
   */
  readonly matches?: HttpMatch[];

  /** Where matching requests go. */
  readonly destinations: RouteDestination[];

  /**
   * Timeout for the whole request, retries included.
   *
   * @default - no timeout: Istio's default of none for HTTP routes
   */
  readonly timeout?: Duration;

  /**
   * Delay injected into matching requests.
   *
   * @default - no delay
   */
  readonly delay?: FaultDelay;

  /**
   * Abort injected into matching requests.
   *
   * @default - no abort
   */
  readonly abort?: FaultAbort;

  /**
   * How failed requests are retried.
   *
   * @default - Istio's default retry policy
   */
  readonly retries?: RetryPolicy;

  /**
   * Header changes of this route's requests and responses.
   *
   * @default - none
   */
  readonly headers?: HeaderSettings;

  /**
   * The CORS policy of this route.
   *
   * @default - none
   */
  readonly cors?: CorsSettings;
}

/**
 * Properties for `ServiceRoute`.
 */
export interface ServiceRouteProps {
  /** The service whose traffic is routed; the VirtualService's host. */
  readonly service: MeshService;

  /** HTTP routes, evaluated in order; the first match wins. */
  readonly routes: HttpRouteOptions[];

  /**
   * Name of the VirtualService.
   *
   * @default - the service's host
   */
  readonly name?: string;
}

/**
 * Routes one mesh service's HTTP traffic to its subsets with an explicit list of routes.
 *
 * The general building block: `BlueGreen`, `Canary` and `FaultyTimeout` are patterns over the same host
 * model (`HostTraffic`), so a `ServiceRoute` composes with them and with `Retries`, `RequestTimeout` and
 * the other blocks on the same host. It checks at synth time what Istio would only show as 503s: weights
 * that do not sum to 100, and subsets that no DestinationRule defines.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
export class ServiceRoute extends Construct {
  /** The host's VirtualService, shared with the other blocks on the host in this chart; `undefined` when the chart uses the Gateway API. */
  public readonly virtualService?: VirtualService;

  /** The host's HTTPRoute, shared with the other blocks on the host in this chart; `undefined` with Istio's APIs. */
  public readonly httpRoute?: HTTPRoute;

  /** Name of the VirtualService. */
  public readonly name: string;

  /** The routed service. */
  public readonly service: MeshService;

  public constructor(scope: Construct, id: string, props: ServiceRouteProps) {
    super(scope, id);
    this.service = props.service;
    this.name = props.name ?? props.service.host;
    assertDnsLabel('name', this.name);
    if (props.routes.length === 0) {
      throw new Error(`'routes' must hold at least one route for host '${props.service.host}'`);
    }
    const contributions = props.routes.map((route, i) => routeContribution(`routes[${i}]`, route, props.service, i < props.routes.length - 1));
    const model = HostTraffic.of(this, props.service);
    model.nameRoute(this, this.name);
    contributions.forEach(c => model.addRoute(this, c));
    this.virtualService = model.virtualService;
    this.httpRoute = model.httpRoute;
  }
}

/**
 * Validates one route of a block's props and turns it into a contribution to the host model.
 *
 * @param prop how the user wrote the route (`routes[0]`), prefixed to every message
 * @internal
 */
export function routeContribution(prop: string, route: HttpRouteOptions, service: MeshService, hasLaterRoutes: boolean): RouteContribution {
  const matches = route.matches ?? [];
  if (matches.length === 0 && hasLaterRoutes) {
    throw new Error(`'${prop}' has no matches, so the routes after it are unreachable; only the last route may match every request`);
  }
  const fault = faultSettings({
    delay: route.delay && { prop: `${prop}.delay.fixedDelay`, fixedDelay: route.delay.fixedDelay, percentage: route.delay.percentage, percentageProp: `${prop}.delay.percentage` },
    abort: route.abort && { prop: `${prop}.abort.httpStatus`, httpStatus: route.abort.httpStatus, percentage: route.abort.percentage, percentageProp: `${prop}.abort.percentage` },
  });
  const behaviour = {
    timeout: route.timeout && validDuration(`${prop}.timeout`, route.timeout),
    retries: route.retries && retrySettings(`${prop}.retries.`, route.retries),
    fault,
    headers: route.headers && headerSettings(`${prop}.headers.`, route.headers),
    cors: route.cors && corsSettings(`${prop}.cors.`, route.cors),
  };
  return {
    matches,
    targets: routeTargets(`${prop}.destinations`, route.destinations, service),
    behaviour: Object.fromEntries(Object.entries(behaviour).filter(([, v]) => v !== undefined)),
  };
}

/**
 * Validates weighted destinations: integers 0..100 that sum to 100, a weight on each when there are several.
 *
 * @internal
 */
export function routeTargets(prop: string, destinations: RouteDestination[], service: MeshService, subsetProps?: string[]): RouteTarget[] {
  if (destinations.length === 0) {
    throw new Error(`'${prop}' must hold at least one destination`);
  }
  const weighted = destinations.length > 1;
  destinations.forEach((d, i) => {
    if (d.weight === undefined && weighted) {
      throw new Error(`'${prop}[${i}].weight' is required when a route has several destinations`);
    }
    if (d.subset === undefined && weighted) {
      throw new Error(`'${prop}[${i}].subset' is required when a route has several destinations: a weighted split is between subsets`);
    }
    if (d.weight !== undefined) {
      assertIntegerInRange(`${prop}[${i}].weight`, d.weight, 0, 100);
    }
  });
  const total = destinations.reduce((sum, d) => sum + (d.weight ?? 100), 0);
  if (total !== 100) {
    throw new Error(`'${prop}' weights must sum to 100, got ${total} (${destinations.map(d => `${d.subset ?? 'any endpoint'}=${d.weight}`).join(', ')})`);
  }
  return destinations.map((d, i) => ({ service, subset: d.subset, weight: d.weight, prop: subsetProps?.[i] ?? `${prop}[${i}].subset` }));
}

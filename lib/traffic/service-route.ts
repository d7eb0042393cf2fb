import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { VirtualService, VirtualServiceSpecHttp } from '../../imports/networking.istio.io';
import { renderedObjects } from '../private/objects';
import { assertDnsLabel, assertIntegerInRange, assertPercentage, istioDuration } from '../private/validate';
import { MeshService } from '../service';
import { HttpMatch } from './http-match';

/**
 * A destination of an HTTP route: one subset of the routed service, with its share of the traffic.
 */
export interface RouteDestination {
  /** Subset that receives the traffic; a DestinationRule must define it. */
  readonly subset: string;

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
 * Defines the VirtualService that routes one mesh service's HTTP traffic to its subsets.
 *
 * The building block under `BlueGreen`, `Canary` and `FaultyTimeout`. It checks at synth time what
 * Istio would only show as 503s: weights that do not sum to 100, subsets that no DestinationRule
 * defines, and a second VirtualService for the same host in the chart.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
export class ServiceRoute extends Construct {
  /** The generated VirtualService: the escape hatch. */
  public readonly virtualService: VirtualService;

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
    const http = props.routes.map((route, i) => this.renderRoute(route, i, props.routes.length));
    this.virtualService = new VirtualService(this, 'Resource', {
      metadata: { name: this.name, namespace: props.service.namespace },
      spec: { hosts: [props.service.host], http },
    });
    this.node.addValidation({ validate: () => this.validateReferences(props.routes) });
  }

  private renderRoute(route: HttpRouteOptions, index: number, count: number): VirtualServiceSpecHttp {
    const prop = `routes[${index}]`;
    const matches = route.matches ?? [];
    if (matches.length === 0 && index < count - 1) {
      throw new Error(`'${prop}' has no matches, so the routes after it are unreachable; only the last route may match every request`);
    }
    return {
      match: matches.length > 0 ? matches.map(m => m._toIstio()) : undefined,
      route: renderDestinations(prop, route.destinations, this.service),
      timeout: route.timeout && istioDuration(`${prop}.timeout`, route.timeout),
      fault: renderFault(prop, route),
    };
  }

  private validateReferences(routes: HttpRouteOptions[]): string[] {
    const errors = routes.flatMap((route, i) => route.destinations
      .map(d => this.service._subsetError(`routes[${i}].destinations`, d.subset))
      .filter((e): e is string => e !== undefined));
    return [...errors, ...this.duplicateHosts()];
  }

  private duplicateHosts(): string[] {
    const own = this.virtualService.toJson();
    const others = renderedObjects(Chart.of(this), 'VirtualService')
      .filter(vs => vs.object !== this.virtualService)
      .filter(vs => sameKey(vs.manifest.spec?.gateways) === sameKey(own.spec.gateways))
      .filter(vs => (vs.manifest.metadata?.namespace) === own.metadata.namespace)
      .filter(vs => (vs.manifest.spec?.hosts ?? []).includes(this.service.host));
    return others.map(vs => `host '${this.service.host}' is routed by two VirtualServices in chart '${Chart.of(this).node.id}' `
      + `(${this.virtualService.node.path} and ${vs.object.node.path}); Istio merges neither predictably, so define one route per host`);
  }
}

function sameKey(gateways: string[] | undefined): string {
  return [...(gateways ?? ['mesh'])].sort().join(',');
}

function renderDestinations(prop: string, destinations: RouteDestination[], service: MeshService) {
  if (destinations.length === 0) {
    throw new Error(`'${prop}.destinations' must hold at least one destination`);
  }
  const weighted = destinations.length > 1;
  destinations.forEach((d, i) => {
    if (d.weight === undefined && weighted) {
      throw new Error(`'${prop}.destinations[${i}].weight' is required when a route has several destinations`);
    }
    if (d.weight !== undefined) {
      assertIntegerInRange(`${prop}.destinations[${i}].weight`, d.weight, 0, 100);
    }
  });
  const total = destinations.reduce((sum, d) => sum + (d.weight ?? 100), 0);
  if (total !== 100) {
    throw new Error(`'${prop}.destinations' weights must sum to 100, got ${total} (${destinations.map(d => `${d.subset}=${d.weight}`).join(', ')})`);
  }
  return destinations.map(d => ({
    destination: { host: service.host, subset: d.subset },
    weight: weighted ? d.weight : undefined,
  }));
}

function renderFault(prop: string, route: HttpRouteOptions) {
  if (!route.delay && !route.abort) {
    return undefined;
  }
  return {
    delay: route.delay && {
      fixedDelay: istioDuration(`${prop}.delay.fixedDelay`, route.delay.fixedDelay),
      percentage: { value: percentage(`${prop}.delay.percentage`, route.delay.percentage) },
    },
    abort: route.abort && {
      httpStatus: httpStatus(`${prop}.abort.httpStatus`, route.abort.httpStatus),
      percentage: { value: percentage(`${prop}.abort.percentage`, route.abort.percentage) },
    },
  };
}

function percentage(prop: string, value: number | undefined): number {
  const resolved = value ?? 100;
  assertPercentage(prop, resolved);
  return resolved;
}

function httpStatus(prop: string, value: number): number {
  assertIntegerInRange(prop, value, 200, 599);
  return value;
}

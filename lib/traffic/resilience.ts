import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { HTTPRoute } from '../../imports/gateway-api';
import { DestinationRule, VirtualService } from '../../imports/networking.istio.io';
import { assertPercentage, validDuration } from '../private/validate';
import { MeshService } from '../service';
import { HostTraffic } from './host-traffic';
import {
  ConnectionPool, LoadBalancer, OutlierDetection, RetryPolicy,
  faultSettings, renderConnectionPool, renderOutlierDetection, retrySettings,
} from './policies';

/**
 * Properties for `Retries`.
 */
export interface RetriesProps extends RetryPolicy {
  /** The service whose callers retry. */
  readonly service: MeshService;

  /**
   * Cap on concurrent retries to the host, as a percentage of its active and pending requests
   * (Envoy's retry budget; a DestinationRule field in Istio 1.30), so retries cannot multiply an outage.
   *
   * @default - no budget: Envoy's default of 3 concurrent retries
   */
  readonly budgetPercent?: number;

  /**
   * Concurrent retries always allowed under the budget, whatever the percentage.
   *
   * @default - Envoy's default, 3 (only with `budgetPercent`)
   */
  readonly minRetryConcurrency?: number;
}

/**
 * Retries failed requests to a service: attempts, a timeout per try, and the conditions that retry.
 *
 * Applies to every route of the host in this chart (a `Canary` split, header routes, ...).
 *
 * @example new Retries(chart, 'reviews-retries', { service: bookinfo.reviews, attempts: 2, perTryTimeout: Duration.millis(300), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE] })
 * @see https://istio.io/latest/docs/concepts/traffic-management/#retries
 */
export class Retries extends Construct {
  /** The host's VirtualService, shared with the other blocks on the host in this chart; `undefined` when the chart uses the Gateway API. */
  public readonly virtualService?: VirtualService;

  /** The host's HTTPRoute, shared with the other blocks on the host in this chart; `undefined` with Istio's APIs. */
  public readonly httpRoute?: HTTPRoute;

  /** The host's DestinationRule, when a retry budget is set. */
  public readonly destinationRule?: DestinationRule;

  public constructor(scope: Construct, id: string, props: RetriesProps) {
    super(scope, id);
    const retries = retrySettings('', props);
    if (props.minRetryConcurrency !== undefined && props.budgetPercent === undefined) {
      throw new Error(`'minRetryConcurrency' is set but 'budgetPercent' is not`);
    }
    const model = HostTraffic.of(this, props.service);
    model.addBehaviour(this, { retries });
    this.virtualService = model.virtualService;
    this.httpRoute = model.httpRoute;
    if (props.budgetPercent !== undefined) {
      assertPercentage('budgetPercent', props.budgetPercent);
      if (props.minRetryConcurrency !== undefined && (!Number.isInteger(props.minRetryConcurrency) || props.minRetryConcurrency < 0)) {
        throw new Error(`'minRetryConcurrency' must be a non-negative integer, got ${props.minRetryConcurrency}`);
      }
      model.addPolicy(this, { retryBudget: { percent: props.budgetPercent, minRetryConcurrency: props.minRetryConcurrency } });
      this.destinationRule = model.destinationRule;
    }
  }
}

/**
 * Properties for `RequestTimeout`.
 */
export interface RequestTimeoutProps {
  /** The service whose callers give up. */
  readonly service: MeshService;

  /** Time allowed for the whole request, retries included; at least 1 ms. */
  readonly timeout: Duration;
}

/**
 * Sets a request timeout on every route of a service; callers get 504 when it expires.
 *
 * @example new RequestTimeout(chart, 'reviews-timeout', { service: bookinfo.reviews, timeout: Duration.millis(500) })
 * @see https://istio.io/latest/docs/tasks/traffic-management/request-timeouts/
 */
export class RequestTimeout extends Construct {
  /** The host's VirtualService, shared with the other blocks on the host in this chart; `undefined` when the chart uses the Gateway API. */
  public readonly virtualService?: VirtualService;

  /** The host's HTTPRoute, shared with the other blocks on the host in this chart; `undefined` with Istio's APIs. */
  public readonly httpRoute?: HTTPRoute;

  public constructor(scope: Construct, id: string, props: RequestTimeoutProps) {
    super(scope, id);
    const timeout = validDuration('timeout', props.timeout);
    const model = HostTraffic.of(this, props.service);
    model.addBehaviour(this, { timeout });
    this.virtualService = model.virtualService;
    this.httpRoute = model.httpRoute;
  }
}

/**
 * Properties for `FaultInjection`.
 */
export interface FaultInjectionProps {
  /** The service whose requests fail. */
  readonly service: MeshService;

  /**
   * Fixed delay before requests are forwarded, at least 1 ms.
   *
   * @default - no delay
   */
  readonly delay?: Duration;

  /**
   * Percentage of requests delayed, 0..100.
   *
   * @default 100
   */
  readonly delayPercentage?: number;

  /**
   * HTTP status (200..599) that requests are aborted with.
   *
   * @default - no abort
   */
  readonly abortHttpStatus?: number;

  /**
   * Percentage of requests aborted, 0..100.
   *
   * @default 100
   */
  readonly abortPercentage?: number;
}

/**
 * Injects a delay and/or an abort into every route of a service, to test how its callers cope.
 *
 * Envoy ignores the timeout and retries of a route that injects a fault, so a timeout or retries on the
 * same host fail synth: set them on the caller's route (see `FaultyTimeout`).
 *
 * @example new FaultInjection(chart, 'ratings-delay', { service: bookinfo.ratings, delay: Duration.seconds(2) })
 * @see https://istio.io/latest/docs/tasks/traffic-management/fault-injection/
 */
export class FaultInjection extends Construct {
  /** The host's VirtualService, shared with the other blocks on the host in this chart; `undefined` when the chart uses the Gateway API. */
  public readonly virtualService?: VirtualService;

  /** The host's HTTPRoute, shared with the other blocks on the host in this chart; `undefined` with Istio's APIs. */
  public readonly httpRoute?: HTTPRoute;

  public constructor(scope: Construct, id: string, props: FaultInjectionProps) {
    super(scope, id);
    if (props.delay === undefined && props.abortHttpStatus === undefined) {
      throw new Error(`one of 'delay' or 'abortHttpStatus' must be set: a fault injection without a fault does nothing`);
    }
    if (props.delay === undefined && props.delayPercentage !== undefined) {
      throw new Error(`'delayPercentage' is set but 'delay' is not`);
    }
    if (props.abortHttpStatus === undefined && props.abortPercentage !== undefined) {
      throw new Error(`'abortPercentage' is set but 'abortHttpStatus' is not`);
    }
    const fault = faultSettings({
      delay: props.delay && { prop: 'delay', fixedDelay: props.delay, percentage: props.delayPercentage, percentageProp: 'delayPercentage' },
      abort: props.abortHttpStatus !== undefined
        ? { prop: 'abortHttpStatus', httpStatus: props.abortHttpStatus, percentage: props.abortPercentage, percentageProp: 'abortPercentage' }
        : undefined,
    });
    const model = HostTraffic.of(this, props.service);
    model.addBehaviour(this, { fault });
    this.virtualService = model.virtualService;
    this.httpRoute = model.httpRoute;
  }
}

/**
 * Properties for `TrafficMirror`.
 */
export interface TrafficMirrorProps {
  /** The service whose requests are copied. */
  readonly service: MeshService;

  /** Subset that receives the copies (its responses are discarded). */
  readonly subset: string;

  /**
   * Percentage of requests copied, 0..100.
   *
   * @default 100
   */
  readonly percentage?: number;
}

/**
 * Mirrors a share of a service's requests to a subset (a dark launch): the copies' responses are discarded.
 *
 * @example new TrafficMirror(chart, 'reviews-v3-shadow', { service: bookinfo.reviews, subset: 'v3', percentage: 10 })
 * @see https://istio.io/latest/docs/tasks/traffic-management/mirroring/
 */
export class TrafficMirror extends Construct {
  /** The host's VirtualService, shared with the other blocks on the host in this chart; `undefined` when the chart uses the Gateway API. */
  public readonly virtualService?: VirtualService;

  /** The host's HTTPRoute, shared with the other blocks on the host in this chart; `undefined` with Istio's APIs. */
  public readonly httpRoute?: HTTPRoute;

  public constructor(scope: Construct, id: string, props: TrafficMirrorProps) {
    super(scope, id);
    const percentage = props.percentage ?? 100;
    assertPercentage('percentage', percentage);
    const model = HostTraffic.of(this, props.service);
    model.addBehaviour(this, { mirror: { subset: props.subset, percentage, prop: 'subset' } });
    this.virtualService = model.virtualService;
    this.httpRoute = model.httpRoute;
  }
}

/**
 * Properties for `CircuitBreaker`.
 */
export interface CircuitBreakerProps {
  /** The service that is protected from its callers' excess and from its own failing endpoints. */
  readonly service: MeshService;

  /**
   * Ejects endpoints that keep failing.
   *
   * @default - no outlier detection
   */
  readonly outlierDetection?: OutlierDetection;

  /**
   * Limits connections and requests; requests beyond them fail fast.
   *
   * @default - no limits beyond Istio's defaults
   */
  readonly connectionPool?: ConnectionPool;

  /**
   * Subset the settings apply to (it must be defined by a `ServiceSubsets` in the same chart).
   *
   * @default - every endpoint of the host
   */
  readonly subset?: string;
}

/**
 * Circuit breaking for a service: outlier detection and connection-pool limits in its DestinationRule.
 *
 * @example new CircuitBreaker(chart, 'ratings-breaker', { service: bookinfo.ratings, outlierDetection: { consecutive5xxErrors: 5 }, connectionPool: { http1MaxPendingRequests: 10 } })
 * @see https://istio.io/latest/docs/tasks/traffic-management/circuit-breaking/
 */
export class CircuitBreaker extends Construct {
  /** The host's DestinationRule: the escape hatch. */
  public readonly destinationRule: DestinationRule;

  public constructor(scope: Construct, id: string, props: CircuitBreakerProps) {
    super(scope, id);
    if (!props.outlierDetection && !props.connectionPool) {
      throw new Error(`one of 'outlierDetection' or 'connectionPool' must be set: a circuit breaker without either does nothing`);
    }
    const outlier = props.outlierDetection && renderOutlierDetection('outlierDetection.', props.outlierDetection);
    const pool = props.connectionPool && renderConnectionPool('connectionPool.', props.connectionPool);
    const model = HostTraffic.of(this, props.service);
    model.addPolicy(this, { outlierDetection: outlier, connectionPool: pool }, props.subset);
    // the Gateway API renderer refuses the policy, so there is a DestinationRule here
    this.destinationRule = model.destinationRule!;
  }
}

/**
 * Properties for `LoadBalancing`.
 */
export interface LoadBalancingProps {
  /** The service whose endpoints share the load. */
  readonly service: MeshService;

  /** The algorithm, or sticky sessions by consistent hash. */
  readonly loadBalancer: LoadBalancer;

  /**
   * Subset the algorithm applies to (it must be defined by a `ServiceSubsets` in the same chart).
   *
   * @default - every endpoint of the host
   */
  readonly subset?: string;
}

/**
 * Chooses how callers spread requests over a service's endpoints, for the host or one subset.
 *
 * @example new LoadBalancing(chart, 'cart-sticky', { service: cart, loadBalancer: LoadBalancer.consistentHashCookie('session', Duration.hours(1)) })
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings
 */
export class LoadBalancing extends Construct {
  /** The host's DestinationRule: the escape hatch. */
  public readonly destinationRule: DestinationRule;

  public constructor(scope: Construct, id: string, props: LoadBalancingProps) {
    super(scope, id);
    if (!(props.loadBalancer instanceof LoadBalancer)) {
      throw new Error(`'loadBalancer' must be a LoadBalancer (LoadBalancer.LEAST_REQUEST, LoadBalancer.consistentHashHeader('x-user'), ...), got ${JSON.stringify(props.loadBalancer)}`);
    }
    const model = HostTraffic.of(this, props.service);
    model.addPolicy(this, { loadBalancer: props.loadBalancer._toIstio() }, props.subset);
    this.destinationRule = model.destinationRule!;
  }
}

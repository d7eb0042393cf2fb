import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { VirtualService } from '../../imports/networking.istio.io';
import { MeshService } from '../service';
import { HostTraffic } from './host-traffic';
import { FaultInjection, RequestTimeout } from './resilience';

/**
 * Properties for `FaultyTimeout`.
 */
export interface FaultyTimeoutProps {
  /** The service that faults are injected into (ratings in the tutorial). */
  readonly service: MeshService;

  /** Subset of `service` that receives the traffic. */
  readonly subset: string;

  /**
   * Fixed delay injected before requests to `service` are forwarded.
   *
   * @default - no delay
   */
  readonly delay?: Duration;

  /**
   * Percentage of requests delayed.
   *
   * @default 100
   */
  readonly delayPercentage?: number;

  /**
   * HTTP status that requests to `service` are aborted with.
   *
   * @default - no abort
   */
  readonly abortHttpStatus?: number;

  /**
   * Percentage of requests aborted.
   *
   * @default 100
   */
  readonly abortPercentage?: number;

  /** The service that calls `service` and whose requests time out (reviews in the tutorial). */
  readonly caller: MeshService;

  /** Subset of `caller` that receives the traffic. */
  readonly callerSubset: string;

  /** Request timeout on `caller`. */
  readonly timeout: Duration;
}

/**
 * Injects a fault into one service and sets a request timeout on the service that calls it,
 * to show how the caller behaves when its dependency is slow or failing.
 *
 * The composition of `FaultInjection` on `service` and `RequestTimeout` on `caller`, with every request
 * of each routed to one subset. The timeout sits on the caller's route because Envoy ignores the timeout
 * of a route that injects a fault.
 *
 * The tutorial's experiment: ratings v1 delayed 2 s, reviews v2 timing out after 0.5 s.
 *
 * @example
 * new FaultyTimeout(chart, 'ratings-delay', {
 *   service: bookinfo.ratings, subset: 'v1', delay: Duration.seconds(2),
 *   caller: bookinfo.reviews, callerSubset: 'v2', timeout: Duration.millis(500),
 * });
 */
export class FaultyTimeout extends Construct {
  /** The VirtualService that injects the fault. */
  public readonly faultVirtualService: VirtualService;

  /** The VirtualService that sets the caller's timeout. */
  public readonly timeoutVirtualService: VirtualService;

  public constructor(scope: Construct, id: string, props: FaultyTimeoutProps) {
    super(scope, id);
    if (props.service.host === props.caller.host) {
      throw new Error(`'caller' must be another service than 'service', got host '${props.caller.host}' for both`);
    }
    new FaultInjection(this, 'Fault', {
      service: props.service,
      delay: props.delay,
      delayPercentage: props.delayPercentage,
      abortHttpStatus: props.abortHttpStatus,
      abortPercentage: props.abortPercentage,
    });
    // fault injection exists only in Istio's API: FaultInjection above has failed for a Gateway API chart
    const model = HostTraffic.of(this, props.service);
    model.addRoute(this, { matches: [], targets: [{ service: props.service, subset: props.subset, prop: 'subset' }] });
    this.faultVirtualService = model.virtualService!;
    HostTraffic.of(this, props.caller).addRoute(this, { matches: [], targets: [{ service: props.caller, subset: props.callerSubset, prop: 'callerSubset' }] });
    this.timeoutVirtualService = new RequestTimeout(this, 'Timeout', { service: props.caller, timeout: props.timeout }).virtualService!;
  }
}

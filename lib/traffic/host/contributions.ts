import { Duration } from 'cdk8s';
import {
  DestinationRuleSpecTrafficPolicyConnectionPool, DestinationRuleSpecTrafficPolicyLoadBalancer, DestinationRuleSpecTrafficPolicyLoadBalancerLocalityLbSetting,
  DestinationRuleSpecTrafficPolicyOutlierDetection, DestinationRuleSpecTrafficPolicyRetryBudget,
  DestinationRuleSpecTrafficPolicyTls,
} from '../../../imports/networking.istio.io';
import { MeshService } from '../../service';
import { HttpMatch, StringMatch } from '../http-match';

/**
 * One destination of a contributed route.
 *
 * Contributions are taken as validated by the construct that makes them, which knows the props the
 * user wrote; the host model checks only how they combine.
 */
export interface RouteTarget {
  /** The service requests go to. */
  readonly service: MeshService;

  /**
   * The subset of `service`.
   *
   * @default - any endpoint of the service
   */
  readonly subset?: string;

  /**
   * Share of the route's requests, an integer percentage; a route's weights sum to 100.
   *
   * @default - all of them (a route's only destination)
   */
  readonly weight?: number;

  /**
   * Port of the service.
   *
   * @default - the service's only port
   */
  readonly port?: number;

  /** The prop of the contributing construct that named the subset, for messages (`canary`). */
  readonly prop: string;
}

/**
 * How a route retries failed requests.
 */
export interface RetrySettings {
  /** Retries per request, not counting the first try. */
  readonly attempts: number;

  /**
   * Time allowed for each try.
   *
   * @default - the route's timeout
   */
  readonly perTryTimeout?: Duration;

  /**
   * Conditions (`gateway-error`) and status codes (`503`) that retry, in the order the user wrote them.
   *
   * @default - Istio's default conditions
   */
  readonly retryOn?: string[];
}

/**
 * A delay injected into requests.
 */
export interface DelaySettings {
  /** How long requests wait before they are forwarded. */
  readonly fixedDelay: Duration;
  /** Percentage of requests delayed. */
  readonly percentage: number;
}

/**
 * An abort injected into requests.
 */
export interface AbortSettings {
  /** The status requests are answered with. */
  readonly httpStatus: number;
  /** Percentage of requests aborted. */
  readonly percentage: number;
}

/**
 * Faults injected into a route's requests.
 */
export interface FaultSettings {
  /**
   * The delay.
   *
   * @default - no delay
   */
  readonly delay?: DelaySettings;

  /**
   * The abort.
   *
   * @default - no abort
   */
  readonly abort?: AbortSettings;
}

/**
 * A copy of a share of a route's requests to a subset of its host.
 */
export interface MirrorSettings {
  /** The subset that receives the copies. */
  readonly subset: string;
  /** Percentage of requests copied. */
  readonly percentage: number;
  /** The prop of the contributing construct that named the subset, for messages. */
  readonly prop: string;
}

/**
 * Changes to the headers of a request or of a response.
 */
export interface HeaderOperations {
  /**
   * Headers set, replacing any of the same name.
   *
   * @default - none
   */
  readonly set?: Record<string, string>;

  /**
   * Headers added beside any of the same name.
   *
   * @default - none
   */
  readonly add?: Record<string, string>;

  /**
   * Headers removed.
   *
   * @default - none
   */
  readonly remove?: string[];
}

/**
 * Header changes of a route: on the request before it is forwarded, on the response before it is returned.
 */
export interface HeaderSettings {
  /**
   * Changes to the request.
   *
   * @default - none
   */
  readonly request?: HeaderOperations;

  /**
   * Changes to the response.
   *
   * @default - none
   */
  readonly response?: HeaderOperations;
}

/**
 * Which cross-origin requests browsers may make to a route (CORS).
 */
export interface CorsSettings {
  /** Origins allowed, each matched exactly, by prefix or by regular expression. */
  readonly allowOrigins: StringMatch[];

  /**
   * Methods allowed.
   *
   * @default - the browser's simple methods only
   */
  readonly allowMethods?: string[];

  /**
   * Request headers allowed.
   *
   * @default - the browser's simple headers only
   */
  readonly allowHeaders?: string[];

  /**
   * Response headers the browser may read.
   *
   * @default - the browser's simple response headers only
   */
  readonly exposeHeaders?: string[];

  /**
   * How long browsers may cache the preflight's answer.
   *
   * @default - the browser's default
   */
  readonly maxAge?: Duration;

  /**
   * Whether requests with credentials (cookies, authorization) are allowed.
   *
   * @default false
   */
  readonly allowCredentials?: boolean;
}

/**
 * HTTP behaviour of a route, or of every route of a host.
 */
export interface HttpBehaviour {
  /**
   * Time allowed for a request, retries included.
   *
   * @default - no timeout
   */
  readonly timeout?: Duration;

  /**
   * The retry policy.
   *
   * @default - the proxy's default retries
   */
  readonly retries?: RetrySettings;

  /**
   * Faults injected.
   *
   * @default - none
   */
  readonly fault?: FaultSettings;

  /**
   * Requests copied to a subset.
   *
   * @default - none
   */
  readonly mirror?: MirrorSettings;

  /**
   * Header changes.
   *
   * @default - none
   */
  readonly headers?: HeaderSettings;

  /**
   * The CORS policy.
   *
   * @default - none: browsers refuse cross-origin requests the service's own headers do not allow
   */
  readonly cors?: CorsSettings;
}

/**
 * A route contributed to a host: its matches (none: the default route) and where it sends requests.
 */
export interface RouteContribution {
  /** Conditions, any of which selects the route; empty for the default route. */
  readonly matches: HttpMatch[];

  /** The destinations, with weights when there are several. */
  readonly targets: RouteTarget[];

  /**
   * The route's name (a VirtualService route's `name`, an HTTPRoute rule's), which a controller that
   * edits the route finds it by.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * The route's own behaviour.
   *
   * @default - the host-wide behaviour only
   */
  readonly behaviour?: HttpBehaviour;
}

/**
 * A subset of a host: a name for the endpoints whose pods carry its labels.
 */
export interface SubsetContribution {
  /** The subset's name, as routes name it. */
  readonly name: string;
  /** The pod labels of its endpoints. */
  readonly labels: Record<string, string>;
}

/**
 * Connection-level policy of a host or of one of its subsets, as the fields of a DestinationRule's
 * `trafficPolicy`: the form Istio applies in either family (a client's sidecar, or in ambient mode
 * the waypoint).
 */
export interface TrafficPolicyContribution {
  /**
   * How requests are spread over endpoints.
   *
   * @default - not set by this contribution
   */
  readonly loadBalancer?: DestinationRuleSpecTrafficPolicyLoadBalancer;

  /**
   * Connection and request limits.
   *
   * @default - not set by this contribution
   */
  readonly connectionPool?: DestinationRuleSpecTrafficPolicyConnectionPool;

  /**
   * Ejection of failing endpoints.
   *
   * @default - not set by this contribution
   */
  readonly outlierDetection?: DestinationRuleSpecTrafficPolicyOutlierDetection;

  /**
   * TLS from the client to the host.
   *
   * @default - not set by this contribution
   */
  readonly tls?: DestinationRuleSpecTrafficPolicyTls;

  /**
   * Cap on concurrent retries.
   *
   * @default - not set by this contribution
   */
  readonly retryBudget?: DestinationRuleSpecTrafficPolicyRetryBudget;

  /**
   * Locality-aware load balancing (`loadBalancer.localityLbSetting`), beside the load balancer's algorithm.
   *
   * @default - not set by this contribution
   */
  readonly localityLbSetting?: DestinationRuleSpecTrafficPolicyLoadBalancerLocalityLbSetting;
}

// The tutorial's app: Bookinfo's deployed state (dist/) and its numbered release steps (dist/steps/).
// An example app built on the library, not library API: main.ts and the tests use it.
import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AccessLogs, BlueGreen, BookinfoApp, Canary, CircuitBreaker, DataplaneMode, Delivery, FaultyTimeout, HttpMatch, JwtEdge, MeshTelemetry,
  MtlsPolicy, RequestTimeout, Retries, RetryOn, ReviewsDeployment, ServiceRoute, StringMatch, TrafficApi, trafficApiOf, useTrafficApi,
  WorkloadIdentity, ZeroTrust,
} from '../lib';

/**
 * The tutorial's release steps for reviews, in the order it applies them.
 *
 * The tutorial's 50/50 YAML names v3 while its prose and final step say v2; these follow the prose.
 */
export enum TutorialStep {
  /** Blue: every request to reviews v1 (no stars). */
  BLUE = '01-blue',
  /** Green: every request switched to reviews v2 (black stars). */
  GREEN = '02-green',
  /** Back to round-robin over v1, v2 and v3, as without a route. */
  ROUND_ROBIN = '03-round-robin',
  /** Canary: 90% v1, 10% v2. */
  CANARY_10 = '04-canary-10',
  /** Canary: 50% v1, 50% v2. */
  CANARY_50 = '05-canary-50',
  /** Canary done: 100% v2. */
  CANARY_100 = '06-canary-100',
  /** Test version by header: iPhone user agents to v2, everyone else to v1. */
  IPHONE = '07-iphone',
  /** Fault: ratings delayed 2 s; reviews v2 times out after 0.5 s, so the page shows an error for reviews. */
  FAULT = '08-fault',
}

/** Every step, in the order the tutorial applies them. */
export const TUTORIAL_STEPS: readonly TutorialStep[] = Object.values(TutorialStep);

const CANARY_WEIGHTS: Partial<Record<TutorialStep, number>> = {
  [TutorialStep.CANARY_10]: 10,
  [TutorialStep.CANARY_50]: 50,
  [TutorialStep.CANARY_100]: 100,
};

/**
 * Adds the routes of one release step: the VirtualServices of reviews and ratings.
 *
 * Every step writes the same two objects, so applying steps in order replaces the routes and leaves
 * nothing stale, and applying the previous step rolls back. The blocks sit under a construct named after
 * the step, so a conflict names the step.
 */
export function addRelease(scope: Construct, bookinfo: BookinfoApp, step: TutorialStep): void {
  const release = new Construct(scope, step);
  const { reviews, ratings } = bookinfo;
  const gatewayApi = trafficApiOf(scope) === TrafficApi.GATEWAY_API;
  // every release keeps the retry policy of productpage -> reviews (docs/resilience.md); HTTPRoute
  // retries on status codes only. In the fault step both tries must fit the 0.5 s timeout on reviews.
  const perTry = step === TutorialStep.FAULT ? Duration.millis(250) : gatewayApi ? Duration.millis(500) : Duration.seconds(1);
  new Retries(release, 'reviews-retries', {
    service: reviews, attempts: 2, perTryTimeout: perTry,
    retryOn: gatewayApi ? [RetryOn.GATEWAY_ERROR] : [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE, RetryOn.REFUSED_STREAM],
  });
  const weight = CANARY_WEIGHTS[step];
  if (step === TutorialStep.BLUE || step === TutorialStep.GREEN) {
    new BlueGreen(release, 'reviews', { service: reviews, active: step === TutorialStep.BLUE ? 'v1' : 'v2' });
  } else if (weight !== undefined) {
    new Canary(release, 'reviews', { service: reviews, stable: 'v1', canary: 'v2', canaryWeight: weight });
  } else if (step === TutorialStep.IPHONE) {
    new Canary(release, 'reviews', {
      service: reviews, stable: 'v1', canary: 'v2', canaryWeight: 0,
      canaryMatch: [HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'))],
    });
  }
  if (step === TutorialStep.FAULT && gatewayApi) {
    // HTTPRoute has no fault injection (docs/gateway-api.md): the step keeps the 0.5 s timeout on reviews v2 alone
    new BlueGreen(release, 'reviews', { service: reviews, active: 'v2' });
    new RequestTimeout(release, 'reviews-timeout', { service: reviews, timeout: Duration.millis(500) });
    new ServiceRoute(release, 'ratings', { service: ratings, routes: [{ destinations: [{ subset: 'v1' }] }] });
  } else if (step === TutorialStep.FAULT) {
    new FaultyTimeout(release, 'ratings-delay', {
      service: ratings, subset: 'v1', delay: Duration.seconds(2), delayPercentage: 100,
      caller: reviews, callerSubset: 'v2', timeout: Duration.millis(500),
    });
  } else {
    new ServiceRoute(release, 'ratings', { service: ratings, routes: [{ destinations: [{ subset: 'v1' }] }] });
  }
}

/**
 * Properties for `BookinfoStateChart`.
 */
export interface BookinfoStateChartProps extends ChartProps {
  /** The release of reviews that the deployed state carries. */
  readonly release: TutorialStep;

  /**
   * The API family: Istio's APIs with sidecars in namespace `bookinfo`, or the Gateway API in ambient
   * mode (with a waypoint) in namespace `bookinfo-ambient`.
   *
   * @default TrafficApi.ISTIO
   */
  readonly api?: TrafficApi;
}

/**
 * The deployed state of `dist/`: Bookinfo hardened in namespace `bookinfo`, with circuit breaking on
 * ratings, strict mTLS, the zero-trust call graph, and one release of reviews.
 */
export class BookinfoStateChart extends Chart {
  /** The app, whose service handles the release steps route. */
  public readonly bookinfo: BookinfoApp;

  public constructor(scope: Construct, id: string, props: BookinfoStateChartProps) {
    super(scope, id, props);
    const ambient = (props.api ?? TrafficApi.ISTIO) === TrafficApi.GATEWAY_API;
    if (ambient) {
      useTrafficApi(this, TrafficApi.GATEWAY_API);
    }
    const namespace = ambient ? 'bookinfo-ambient' : 'bookinfo';
    this.bookinfo = new BookinfoApp(this, 'bookinfo', {
      namespace, hardening: true,
      dataplaneMode: ambient ? DataplaneMode.AMBIENT : undefined,
      waypoint: ambient ? WAYPOINT : undefined,
    });
    // with the Gateway API, a DestinationRule for ratings and for its version Service, which the waypoint applies
    new CircuitBreaker(this, 'ratings-breaker', {
      service: this.bookinfo.ratings,
      outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 100 },
      connectionPool: { http1MaxPendingRequests: 100, maxRequestsPerConnection: 10 },
    });
    new MtlsPolicy(this, 'mtls', { namespace });
    // the Gateway API ingress runs in the app's namespace, under the namespace's policies, as <gateway>-istio
    const gatewayApiIngress = ambient ? this.bookinfo.ingress : undefined;
    new ZeroTrust(this, 'zero-trust', {
      namespace, edges: this.bookinfo.callGraph(gatewayApiIngress?.identity ?? WorkloadIdentity.ingressGateway()),
      dataplaneMode: ambient ? DataplaneMode.AMBIENT : undefined, waypoint: ambient ? WAYPOINT : undefined,
      ingressGateways: gatewayApiIngress ? [gatewayApiIngress] : undefined,
    });
    addRelease(this, this.bookinfo, props.release);
  }
}

/** Mesh-wide telemetry in `istio-system`: Prometheus metrics, access logs for errors, 10% of requests traced. */
export class MeshTelemetryChart extends Chart {
  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new MeshTelemetry(this, 'mesh', { accessLogs: AccessLogs.ERRORS_ONLY, tracingSamplingPercentage: 10 });
  }
}

/**
 * Properties for `ReleaseStepChart`.
 */
export interface ReleaseStepChartProps extends ChartProps {
  /** The deployed app whose routes the step replaces. */
  readonly bookinfo: BookinfoApp;

  /**
   * The API family of the deployed state.
   *
   * @default TrafficApi.ISTIO
   */
  readonly api?: TrafficApi;
}

/** One release step, applied on top of the deployed state: its chart id is the step. */
export class ReleaseStepChart extends Chart {
  public constructor(scope: Construct, step: TutorialStep, props: ReleaseStepChartProps) {
    super(scope, step, props);
    useTrafficApi(this, props.api ?? TrafficApi.ISTIO);
    addRelease(this, props.bookinfo, step);
  }
}

/**
 * Properties for `ProgressiveDeliveryChart`.
 */
export interface ProgressiveDeliveryChartProps extends ChartProps {
  /** The controller that steps the canary of reviews: `Delivery.flagger()` or `Delivery.argoRollouts()`. */
  readonly delivery: Delivery;

  /** Namespace of the app. */
  readonly namespace: string;
}

/**
 * The tutorial's canary of reviews (10 → 50 → 100) handed to a delivery controller: Bookinfo with reviews
 * as one workload, which the controller promotes from one image to the next, beside the hardening of the
 * deployed state (circuit breaking on ratings, strict mTLS, the zero-trust call graph, retries from
 * productpage to reviews), without an ingress. Releasing v2 is a change of `reviewsVersions` to `[ReviewsVersion.V2]`.
 */
export class ProgressiveDeliveryChart extends Chart {
  /** The app. */
  public readonly bookinfo: BookinfoApp;

  /** The canary of reviews. */
  public readonly canary: Canary;

  public constructor(scope: Construct, id: string, props: ProgressiveDeliveryChartProps) {
    super(scope, id, props);
    const namespace = props.namespace;
    // no ingress: the deployed state's Gateway already binds Istio's ingress gateway on port 8080 for every host
    this.bookinfo = new BookinfoApp(this, 'bookinfo', { namespace, hardening: true, ingress: false, reviewsDeployment: ReviewsDeployment.ONE_WORKLOAD });
    // the controller is chosen before the host's other blocks, which then contribute to what it writes
    this.canary = new Canary(this, 'reviews', { service: this.bookinfo.reviews, delivery: props.delivery });
    new Retries(this, 'reviews-retries', {
      service: this.bookinfo.reviews, attempts: 2, perTryTimeout: Duration.seconds(1),
      retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE, RetryOn.REFUSED_STREAM],
    });
    new CircuitBreaker(this, 'ratings-breaker', {
      service: this.bookinfo.ratings,
      outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 100 },
      connectionPool: { http1MaxPendingRequests: 100, maxRequestsPerConnection: 10 },
    });
    new MtlsPolicy(this, 'mtls', { namespace });
    new ZeroTrust(this, 'zero-trust', { namespace, edges: this.bookinfo.callGraph(WorkloadIdentity.ingressGateway()) });
  }
}

/** The waypoint of the ambient flavour. */
const WAYPOINT = 'waypoint';

/**
 * JWT at the edge, left out of the deployed state: the tutorial has no identity provider, Istio's test
 * issuer signs tokens with a key published on GitHub (anyone can mint one), and istiod would fetch the
 * JWKS from GitHub at run time. An example in `dist/optional/`, applied by hand.
 */
export class JwtEdgeChart extends Chart {
  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new JwtEdge(this, 'ingress', {
      issuer: 'testing@secure.istio.io',
      jwksUri: 'https://raw.githubusercontent.com/istio/istio/release-1.30/security/tools/jwt/samples/jwks.json',
      paths: ['/api/v1/products*'],
    });
  }
}

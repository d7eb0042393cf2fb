import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { BookinfoApp, BookinfoAppProps } from './apps/bookinfo';
import { JwtEdge } from './security/jwt-edge';
import { MtlsPolicy } from './security/mtls-policy';
import { ZeroTrust } from './security/zero-trust';
import { AccessLogs, MeshTelemetry } from './telemetry';
import { BlueGreen } from './traffic/blue-green';
import { Canary } from './traffic/canary';
import { FaultyTimeout } from './traffic/faulty-timeout';
import { HttpMatch, StringMatch } from './traffic/http-match';

/**
 * Properties for `BookinfoChart`.
 */
export interface BookinfoChartProps extends ChartProps, BookinfoAppProps {}

/**
 * The base chart of the tutorial: Bookinfo in namespace `bookinfo`, hardened, with DestinationRules and ingress.
 */
export class BookinfoChart extends Chart {
  /** The app, whose service handles the scenario charts route. */
  public readonly bookinfo: BookinfoApp;

  public constructor(scope: Construct, id: string, props: BookinfoChartProps = {}) {
    super(scope, id, props);
    this.bookinfo = new BookinfoApp(this, 'bookinfo', { namespace: 'bookinfo', hardening: true, ...props });
  }
}

/**
 * Properties for the scenario charts, which are applied on top of a `BookinfoChart`.
 */
export interface ScenarioChartProps extends ChartProps {
  /** The Bookinfo app the scenario routes. */
  readonly bookinfo: BookinfoApp;
}

/** Blue/green: all reviews traffic to v1. */
export class BlueGreenChart extends Chart {
  public constructor(scope: Construct, id: string, props: ScenarioChartProps) {
    super(scope, id, props);
    new BlueGreen(this, 'reviews', { service: props.bookinfo.reviews, active: 'v1' });
  }
}

/** Properties for `CanaryChart`. */
export interface CanaryChartProps extends ScenarioChartProps {
  /**
   * Percentage of reviews traffic sent to v2.
   *
   * @default 10
   */
  readonly canaryWeight?: number;
}

/** Weighted canary: reviews 90% v1 / 10% v2 (the tutorial's first step). */
export class CanaryChart extends Chart {
  public constructor(scope: Construct, id: string, props: CanaryChartProps) {
    super(scope, id, props);
    new Canary(this, 'reviews', {
      service: props.bookinfo.reviews,
      stable: 'v1',
      canary: 'v2',
      canaryWeight: props.canaryWeight ?? 10,
    });
  }
}

/** Header canary: iPhone user agents to reviews v2, everyone else to v1. */
export class CanaryByHeaderChart extends Chart {
  public constructor(scope: Construct, id: string, props: ScenarioChartProps) {
    super(scope, id, props);
    new Canary(this, 'reviews', {
      service: props.bookinfo.reviews,
      stable: 'v1',
      canary: 'v2',
      canaryWeight: 0,
      canaryMatch: [HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'))],
    });
  }
}

/** Fault injection: ratings v1 delayed 2 s for every request; reviews v2 times out after 0.5 s. */
export class FaultyTimeoutChart extends Chart {
  public constructor(scope: Construct, id: string, props: ScenarioChartProps) {
    super(scope, id, props);
    new FaultyTimeout(this, 'ratings-delay', {
      service: props.bookinfo.ratings,
      subset: 'v1',
      delay: Duration.seconds(2),
      delayPercentage: 100,
      caller: props.bookinfo.reviews,
      callerSubset: 'v2',
      timeout: Duration.millis(500),
    });
  }
}

/** Strict mTLS: every Bookinfo workload accepts only mutual TLS. */
export class MtlsStrictChart extends Chart {
  public constructor(scope: Construct, id: string, props: ScenarioChartProps) {
    super(scope, id, props);
    new MtlsPolicy(this, 'mtls', { namespace: props.bookinfo.namespace });
  }
}

/** Zero trust: allow nothing in `bookinfo`, then exactly Bookinfo's call graph. */
export class ZeroTrustChart extends Chart {
  public constructor(scope: Construct, id: string, props: ScenarioChartProps) {
    super(scope, id, props);
    new ZeroTrust(this, 'zero-trust', { namespace: props.bookinfo.namespace ?? 'default', edges: props.bookinfo.callGraph() });
  }
}

/** JWT at the edge: the products API behind the ingress gateway requires a token from Istio's test issuer. */
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

/** Telemetry: Prometheus metrics, access logs for errors, 10% of requests traced, mesh-wide. */
export class TelemetryChart extends Chart {
  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new MeshTelemetry(this, 'mesh', { accessLogs: AccessLogs.ERRORS_ONLY, tracingSamplingPercentage: 10 });
  }
}

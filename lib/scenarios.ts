import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { BookinfoApp, BookinfoAppProps } from './apps/bookinfo';
import { BlueGreen } from './traffic/blue-green';
import { Canary } from './traffic/canary';
import { FaultyTimeout } from './traffic/faulty-timeout';
import { HttpMatch, StringMatch } from './traffic/http-match';

/**
 * Properties for `BookinfoChart`.
 */
export interface BookinfoChartProps extends ChartProps, BookinfoAppProps {}

/**
 * The base chart of the tutorial: Bookinfo in namespace `bookinfo`, with DestinationRules and ingress.
 */
export class BookinfoChart extends Chart {
  /** The app, whose service handles the scenario charts route. */
  public readonly bookinfo: BookinfoApp;

  public constructor(scope: Construct, id: string, props: BookinfoChartProps = {}) {
    super(scope, id, props);
    this.bookinfo = new BookinfoApp(this, 'bookinfo', { namespace: 'bookinfo', ...props });
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

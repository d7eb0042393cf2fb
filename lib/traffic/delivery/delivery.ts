import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { TrafficApi, trafficApiOf } from '../traffic-api';
import { assertIntegerInRange, validDuration } from '../../private/validate';

/**
 * Who moves a release's traffic.
 */
export enum DeliveryController {
  /** The weights are in git: each release step is a commit of the app (the default). */
  STATIC = 'static',
  /** Flagger (`flagger.app/v1beta1` Canary), which creates and owns the host's routes and rules. */
  FLAGGER = 'flagger',
  /** Argo Rollouts (`argoproj.io/v1alpha1` Rollout), which sets the weights of a named route the app writes. */
  ARGO_ROLLOUTS = 'argo-rollouts',
}

/**
 * How a controller steps a release forward; shared by every controller.
 */
export interface ProgressiveDeliveryOptions {
  /**
   * The Deployment the controller promotes: it runs the current release, and a new pod template starts
   * the next one.
   *
   * A construct that is or holds one Deployment (a `KubeDeployment`, a cdk8s-plus `Deployment`, an `Include`).
   *
   * @default - the one Deployment of the app whose pods the service selects
   */
  readonly workload?: IConstruct;

  /**
   * The canary's share of requests at each step, integer percentages in ascending order; a last 100 is
   * the promotion both controllers make after the last step anyway.
   *
   * @default [10, 50, 100] (the tutorial's canary)
   */
  readonly steps?: number[];

  /**
   * Time at each step before the next: Flagger's analysis interval, the duration of Argo Rollouts' pauses.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;

  /**
   * Before the first step, copy this percentage of requests to the new release and discard its responses
   * (traffic shadowing), so it is checked on real requests before it answers any: Flagger's
   * `analysis.mirror`, Argo Rollouts' `setMirrorRoute`. Only for requests that are safe to process twice.
   *
   * @default - no mirroring
   */
  readonly mirrorPercentage?: number;
}

/**
 * Options for `Delivery.flagger`.
 */
export interface FlaggerDeliveryOptions extends ProgressiveDeliveryOptions {
  /**
   * Failed metric checks before Flagger rolls the release back.
   *
   * @default 5
   */
  readonly threshold?: number;

  /**
   * Lowest share of non-5xx responses of the canary (Flagger's built-in `request-success-rate`), a percentage.
   *
   * @default 99
   */
  readonly minSuccessRate?: number;

  /**
   * Highest P99 request duration of the canary (Flagger's built-in `request-duration`).
   *
   * @default Duration.millis(500)
   */
  readonly maxRequestDuration?: Duration;

  /**
   * Checks a blue/green release (or its header-matched preview: Flagger's A/B testing) runs before it
   * switches every request.
   *
   * @default 10
   */
  readonly iterations?: number;

  /**
   * Istio Gateways (`namespace/name`) at which Flagger's VirtualService routes `hosts` too, besides the
   * mesh, so requests from outside take part in the release (Flagger's `service.gateways`). Flagger then
   * writes the gateway's route for those hosts: no `IngressGateway` of the app routes the host.
   *
   * @default - the mesh only
   */
  readonly gateways?: string[];

  /**
   * Hostnames Flagger's VirtualService matches at `gateways` (`service.hosts`).
   *
   * @default - none; required with `gateways`
   */
  readonly hosts?: string[];
}

/**
 * Options for `Delivery.argoRollouts`.
 */
export interface ArgoRolloutsDeliveryOptions extends ProgressiveDeliveryOptions {
  /**
   * Name of the VirtualService route whose weights Argo Rollouts sets.
   *
   * @default 'primary'
   */
  readonly routeName?: string;
}

/**
 * Settings of a delivery, resolved once.
 *
 * @internal
 */
export interface DeliverySettings {
  readonly controller: DeliveryController;
  readonly workload?: IConstruct;
  /** The step weights below 100. */
  readonly steps: number[];
  readonly interval: Duration;
  readonly threshold: number;
  readonly minSuccessRate: number;
  readonly maxRequestDuration: Duration;
  readonly iterations: number;
  readonly routeName: string;
  readonly mirrorPercentage?: number;
  readonly gateways?: string[];
  readonly hosts?: string[];
}

/**
 * Who moves the weights of a `Canary` or the switch of a `BlueGreen`: the app in git (static), Flagger,
 * or Argo Rollouts. The same release intent renders for each.
 *
 * @example new Canary(chart, 'reviews', { service: reviews, delivery: Delivery.flagger({ steps: [10, 50, 100] }) })
 */
export class Delivery {
  /** The weights in git: each release step is a commit (the default). */
  public static readonly STATIC: Delivery = new Delivery(DeliveryController.STATIC, {});

  /**
   * Hands the release to Flagger: a `flagger.app/v1beta1` Canary targets the workload, with the step
   * weights and Flagger's built-in success-rate and latency checks; Flagger creates the host's
   * `-primary` and `-canary` Services, DestinationRules and VirtualService, so the app writes none.
   *
   * @see https://docs.flagger.app/tutorials/istio-progressive-delivery
   */
  public static flagger(options: FlaggerDeliveryOptions = {}): Delivery {
    return new Delivery(DeliveryController.FLAGGER, options);
  }

  /**
   * Hands the release to Argo Rollouts: a Rollout references the workload (`workloadRef`) and sets the
   * weights of a named route of the host's VirtualService, 100/0 at rest, over the DestinationRule's
   * `stable` and `canary` subsets.
   *
   * @see https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/istio/
   */
  public static argoRollouts(options: ArgoRolloutsDeliveryOptions = {}): Delivery {
    return new Delivery(DeliveryController.ARGO_ROLLOUTS, options);
  }

  /** The controller. */
  public readonly controller: DeliveryController;

  /** @internal */
  public readonly _settings: DeliverySettings;

  private constructor(controller: DeliveryController, options: FlaggerDeliveryOptions & ArgoRolloutsDeliveryOptions) {
    this.controller = controller;
    const steps = options.steps ?? [10, 50, 100];
    steps.forEach((w, i) => assertIntegerInRange(`steps[${i}]`, w, 1, 100));
    if (steps.some((w, i) => i > 0 && w <= steps[i - 1])) {
      throw new Error(`'steps' must rise at every step, got [${steps.join(', ')}]`);
    }
    const below = steps.filter(w => w < 100);
    if (controller !== DeliveryController.STATIC && below.length === 0) {
      throw new Error(`'steps' must hold a weight below 100, got [${steps.join(', ')}] (100 is the promotion the controller makes after the last step)`);
    }
    const threshold = options.threshold ?? 5;
    assertIntegerInRange('threshold', threshold, 1, 1000);
    const minSuccessRate = options.minSuccessRate ?? 99;
    if (!(minSuccessRate > 0 && minSuccessRate <= 100)) {
      throw new Error(`'minSuccessRate' must be a percentage above 0 and at most 100, got ${minSuccessRate}`);
    }
    const iterations = options.iterations ?? 10;
    assertIntegerInRange('iterations', iterations, 1, 1000);
    const routeName = options.routeName ?? 'primary';
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(routeName)) {
      throw new Error(`'routeName' must be lowercase letters, digits, '-' and '.', got '${routeName}'`);
    }
    const interval = validDuration('interval', options.interval ?? Duration.minutes(1));
    if (interval.toMilliseconds() % 1000 !== 0) {
      throw new Error(`'interval' must be a whole number of seconds (both controllers count in seconds), got ${interval.toHumanString()}`);
    }
    if ((options.gateways?.length ?? 0) > 0 !== (options.hosts?.length ?? 0) > 0) {
      throw new Error(`'gateways' and 'hosts' go together: Flagger routes the hosts at the gateways, got ${options.gateways?.length ?? 0} gateways and ${options.hosts?.length ?? 0} hosts`);
    }
    for (const gateway of options.gateways ?? []) {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(gateway)) {
        throw new Error(`'gateways' must name Istio Gateways as namespace/name, got '${gateway}'`);
      }
    }
    if (options.mirrorPercentage !== undefined) {
      assertIntegerInRange('mirrorPercentage', options.mirrorPercentage, 1, 100);
    }
    this._settings = {
      controller,
      mirrorPercentage: options.mirrorPercentage,
      gateways: options.gateways,
      hosts: options.hosts,
      workload: options.workload,
      steps: below,
      interval,
      threshold,
      minSuccessRate,
      maxRequestDuration: validDuration('maxRequestDuration', options.maxRequestDuration ?? Duration.millis(500)),
      iterations,
      routeName,
    };
  }
}

/**
 * A duration as both controllers accept it (Flagger's pattern is `^[0-9]+(m|s)`): `90s`, `1m`, `120m`.
 *
 * @internal
 */
export function controllerDuration(d: Duration): string {
  const seconds = d.toSeconds();
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/**
 * Throws unless the chart of `scope` uses Istio's APIs: both controllers drive a VirtualService and
 * DestinationRule here (their Gateway API modes are plugins of their own).
 *
 * @internal
 */
export function assertIstioApi(scope: IConstruct, controller: string): void {
  if (trafficApiOf(scope) !== TrafficApi.ISTIO) {
    throw new Error(`${controller} delivery drives Istio's VirtualService and DestinationRule, but this chart uses the Gateway API: `
      + 'release the host from a chart that keeps the Istio API (useTrafficApi(chart, TrafficApi.ISTIO))');
  }
}

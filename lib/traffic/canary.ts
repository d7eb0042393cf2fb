import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { HTTPRoute } from '../../imports/gateway-api';
import { VirtualService } from '../../imports/networking.istio.io';
import { assertIntegerInRange } from '../private/validate';
import { MeshService } from '../service';
import { argoRollout } from './delivery/argo-rollouts';
import { assertIstioApi, Delivery, DeliveryController } from './delivery/delivery';
import { handToFlagger } from './delivery/flagger';
import { targetWorkload } from './delivery/workload';
import { HttpMatch } from './http-match';
import { HostTraffic } from './host-traffic';
import { routeTargets } from './service-route';

/**
 * Properties for `Canary`.
 */
export interface CanaryProps {
  /** The service being released. */
  readonly service: MeshService;

  /**
   * Subset running the current release.
   *
   * @default - required with static delivery; `'stable'` with Argo Rollouts (a subset of the workload's
   * pods that Argo Rollouts narrows to the stable ReplicaSet); none with Flagger, which routes to the
   * `<host>-primary` Service it creates
   */
  readonly stable?: string;

  /**
   * Subset running the new release.
   *
   * @default - required with static delivery; `'canary'` with Argo Rollouts; none with Flagger, which
   * routes to the `<host>-canary` Service it creates
   */
  readonly canary?: string;

  /**
   * Integer percentage of traffic sent to the canary; the stable subset gets the rest.
   *
   * The tutorial's rollout is 10, then 50, then 100. With a controller, the controller sets the weights
   * (`steps` of `delivery`) and this prop is not used.
   *
   * @default 0
   */
  readonly canaryWeight?: number;

  /**
   * Requests that always go to the canary, whatever the weights (for example iPhone user agents).
   *
   * With Argo Rollouts, one match of headers, which the Rollout routes to the canary from its first step
   * (`setHeaderRoute`).
   *
   * @default - no request goes to the canary by match
   */
  readonly canaryMatch?: HttpMatch[];

  /**
   * Who moves the weights: the app (each step a commit), Flagger or Argo Rollouts.
   *
   * @default Delivery.STATIC
   */
  readonly delivery?: Delivery;
}

/**
 * Splits a service's traffic between a stable and a canary release by weight, optionally sending
 * matching requests to the canary.
 *
 * With static delivery both weights are emitted and sum to 100 by construction, so each rollout step is
 * a two-line diff. With `Delivery.flagger()` a Flagger Canary steps the weights and the app writes no
 * route or rule for the host; with `Delivery.argoRollouts()` a Rollout steps the weights of the host's
 * named route, which the app writes at 100/0.
 *
 * @example new Canary(chart, 'reviews', { service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight: 10 })
 */
export class Canary extends Construct {
  /** The host's VirtualService, shared with the other blocks on the host in this chart; `undefined` when the chart uses the Gateway API or Flagger owns the host. */
  public readonly virtualService?: VirtualService;

  /** The host's HTTPRoute, shared with the other blocks on the host in this chart; `undefined` with Istio's APIs. */
  public readonly httpRoute?: HTTPRoute;

  /** The `flagger.app/v1beta1` Canary, with `Delivery.flagger()`. */
  public readonly flaggerCanary?: ApiObject;

  /** The `argoproj.io/v1alpha1` Rollout, with `Delivery.argoRollouts()`. */
  public readonly rollout?: ApiObject;

  /** Percentage of unmatched traffic sent to the canary (at rest, with a controller: 0). */
  public readonly canaryWeight: number;

  /** Percentage of unmatched traffic sent to the stable subset. */
  public readonly stableWeight: number;

  /** Who moves the weights. */
  public readonly delivery: Delivery;

  public constructor(scope: Construct, id: string, props: CanaryProps) {
    super(scope, id);
    this.delivery = props.delivery ?? Delivery.STATIC;
    const controller = this.delivery.controller;
    if (props.canaryMatch !== undefined && props.canaryMatch.length === 0) {
      throw new Error(`'canaryMatch' must hold at least one match when set`);
    }
    if (controller !== DeliveryController.STATIC && props.canaryWeight !== undefined) {
      throw new Error(`'canaryWeight' is ${props.canaryWeight}, but ${controller} sets the weights: give the weights as 'steps' of the delivery`);
    }
    this.canaryWeight = props.canaryWeight ?? 0;
    assertIntegerInRange('canaryWeight', this.canaryWeight, 0, 100);
    this.stableWeight = 100 - this.canaryWeight;
    const model = HostTraffic.of(this, props.service);

    if (controller === DeliveryController.FLAGGER) {
      for (const prop of ['stable', 'canary'] as const) {
        if (props[prop] !== undefined) {
          throw new Error(`'${prop}' is '${props[prop]}', but Flagger routes to the ${props.service.host}-primary and ${props.service.host}-canary Services it creates: leave out 'stable' and 'canary'`);
        }
      }
      if (props.canaryMatch) {
        throw new Error(`'canaryMatch' has no weighted form in Flagger, whose match is A/B testing (matched requests to the new release during the analysis, `
          + 'every other request to the primary): use BlueGreen with \'previewMatch\' and Delivery.flagger() for that');
      }
      this.flaggerCanary = handToFlagger(this, model, props.service, this.delivery._settings, 'canary');
      return;
    }

    const stable = props.stable ?? (controller === DeliveryController.ARGO_ROLLOUTS ? 'stable' : undefined);
    const canary = props.canary ?? (controller === DeliveryController.ARGO_ROLLOUTS ? 'canary' : undefined);
    if (stable === undefined || canary === undefined) {
      throw new Error(`'${stable === undefined ? 'stable' : 'canary'}' is required with static delivery: name the subsets the weights split between`);
    }
    if (stable === canary) {
      throw new Error(`'canary' must differ from 'stable', got '${canary}' for both`);
    }

    if (controller === DeliveryController.ARGO_ROLLOUTS) {
      assertIstioApi(this, 'Argo Rollouts');
      const settings = this.delivery._settings;
      const workload = targetWorkload(this, props.service, settings.workload);
      // both subsets select every pod of the workload; Argo Rollouts adds each ReplicaSet's pod-template hash to them
      model.addSubsets(this, [{ name: stable, labels: workload.matchLabels }, { name: canary, labels: workload.matchLabels }]);
      const split = [{ subset: stable, weight: 100 }, { subset: canary, weight: 0 }];
      model.addRoute(this, { matches: [], name: settings.routeName, targets: routeTargets('steps', split, props.service, ['stable', 'canary']) });
      this.rollout = argoRollout(this, settings, workload, {
        strategy: 'canary',
        virtualService: () => model.virtualService!.name,
        destinationRule: () => model.destinationRule!.name,
        stableSubset: stable,
        canarySubset: canary,
        headerMatch: props.canaryMatch,
      });
    } else {
      if (props.canaryMatch) {
        model.addRoute(this, { matches: props.canaryMatch, targets: [{ service: props.service, subset: canary, prop: 'canary' }] });
      }
      const split = [{ subset: stable, weight: this.stableWeight }, { subset: canary, weight: this.canaryWeight }];
      model.addRoute(this, { matches: [], targets: routeTargets('canaryWeight', split, props.service, ['stable', 'canary']) });
    }
    this.virtualService = model.virtualService;
    this.httpRoute = model.httpRoute;
  }
}

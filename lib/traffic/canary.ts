import { Construct } from 'constructs';
import { HTTPRoute } from '../../imports/gateway-api';
import { VirtualService } from '../../imports/networking.istio.io';
import { assertIntegerInRange } from '../private/validate';
import { MeshService } from '../service';
import { HttpMatch } from './http-match';
import { HostTraffic } from './host-traffic';
import { routeTargets } from './service-route';

/**
 * Properties for `Canary`.
 */
export interface CanaryProps {
  /** The service being released. */
  readonly service: MeshService;

  /** Subset running the current release. */
  readonly stable: string;

  /** Subset running the new release. */
  readonly canary: string;

  /**
   * Integer percentage of traffic sent to the canary; the stable subset gets the rest.
   *
   * The tutorial's rollout is 10, then 50, then 100.
   *
   * @default 0
   */
  readonly canaryWeight?: number;

  /**
   * Requests that always go to the canary, whatever the weights (for example iPhone user agents).
   *
   * @default - no request goes to the canary by match
   */
  readonly canaryMatch?: HttpMatch[];
}

/**
 * Splits a service's traffic between a stable and a canary subset by weight, optionally sending
 * matching requests to the canary.
 *
 * Both weights are emitted and sum to 100 by construction, so each rollout step is a two-line diff.
 *
 * @example new Canary(chart, 'reviews', { service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight: 10 })
 */
export class Canary extends Construct {
  /** The host's VirtualService, shared with the other blocks on the host in this chart; `undefined` when the chart uses the Gateway API. */
  public readonly virtualService?: VirtualService;

  /** The host's HTTPRoute, shared with the other blocks on the host in this chart; `undefined` with Istio's APIs. */
  public readonly httpRoute?: HTTPRoute;

  /** Percentage of unmatched traffic sent to the canary. */
  public readonly canaryWeight: number;

  /** Percentage of unmatched traffic sent to the stable subset. */
  public readonly stableWeight: number;

  public constructor(scope: Construct, id: string, props: CanaryProps) {
    super(scope, id);
    if (props.stable === props.canary) {
      throw new Error(`'canary' must differ from 'stable', got '${props.canary}' for both`);
    }
    this.canaryWeight = props.canaryWeight ?? 0;
    assertIntegerInRange('canaryWeight', this.canaryWeight, 0, 100);
    this.stableWeight = 100 - this.canaryWeight;
    if (props.canaryMatch !== undefined && props.canaryMatch.length === 0) {
      throw new Error(`'canaryMatch' must hold at least one match when set`);
    }

    const model = HostTraffic.of(this, props.service);
    if (props.canaryMatch) {
      model.addRoute(this, { matches: props.canaryMatch, targets: [{ service: props.service, subset: props.canary, prop: 'canary' }] });
    }
    const split = [{ subset: props.stable, weight: this.stableWeight }, { subset: props.canary, weight: this.canaryWeight }];
    model.addRoute(this, { matches: [], targets: routeTargets('canaryWeight', split, props.service, ['stable', 'canary']) });
    this.virtualService = model.virtualService;
    this.httpRoute = model.httpRoute;
  }
}

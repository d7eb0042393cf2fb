import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The API family a chart's traffic blocks emit.
 *
 * The same building blocks write either family from the same props. With the Kubernetes Gateway API,
 * routes are HTTPRoutes whose parent is the Service (the GAMMA pattern Istio implements for sidecars and
 * ambient waypoints), versions are Services of their own, and ingress is a Gateway of class `istio`.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
 */
export enum TrafficApi {
  /** VirtualService and DestinationRule (Istio's own APIs, for sidecars): the default. */
  ISTIO = 'istio',
  /** HTTPRoute, Gateway and per-version Services (Kubernetes Gateway API v1), for ambient mode or sidecars. */
  GATEWAY_API = 'gateway-api',
}

/** The construct context key that chooses the family for an app or chart. */
export const TRAFFIC_API_CONTEXT = 'cdk8s-istio/traffic-api';

/**
 * Chooses the traffic API family for every block below `scope` (an App or a Chart).
 *
 * Call it before adding blocks: the host models read it when they are created.
 *
 * @example useTrafficApi(chart, TrafficApi.GATEWAY_API)
 */
export function useTrafficApi(scope: IConstruct, api: TrafficApi): void {
  TrafficApiScope.use(scope, api);
}

/**
 * Chooses the traffic API family of an app or chart, from any language; `useTrafficApi` is its
 * TypeScript shorthand.
 *
 * @example TrafficApiScope.use(chart, TrafficApi.GATEWAY_API)
 */
export class TrafficApiScope {
  /** The construct context key that holds the family (`cdk8s-istio/traffic-api`). */
  public static readonly CONTEXT_KEY: string = TRAFFIC_API_CONTEXT;

  /**
   * Chooses `api` for every block below `scope` (an App or a Chart).
   *
   * Call it before adding blocks: the host models read it when they are created.
   */
  public static use(scope: IConstruct, api: TrafficApi): void {
    useApi(scope, api);
  }

  /** The family that applies to `scope`: its chart's (or app's) choice, else Istio's APIs. */
  public static of(scope: IConstruct): TrafficApi {
    return trafficApiOf(scope);
  }

  private constructor() {}
}

function useApi(scope: IConstruct, api: TrafficApi): void {
  if (!Object.values(TrafficApi).includes(api)) {
    throw new Error(`'api' must be one of ${Object.values(TrafficApi).join(', ')}, got '${api}'`);
  }
  const children = scope.node.children.map(c => c.node.id);
  if (children.length > 0) {
    throw new Error(`useTrafficApi(${scope.node.path || 'app'}, ${api}) must come before any construct is added to it (it has ${children.join(', ')}): `
      + 'call it right after creating the app or chart, as the blocks below read it when they are created');
  }
  scope.node.setContext(TRAFFIC_API_CONTEXT, api);
}

/**
 * The family that applies to `scope`: its chart's (or app's) context, else Istio's APIs.
 *
 * @internal
 */
export function trafficApiOf(scope: IConstruct): TrafficApi {
  const value = Chart.of(scope).node.tryGetContext(TRAFFIC_API_CONTEXT);
  if (value !== undefined && !Object.values(TrafficApi).includes(value)) {
    throw new Error(`context '${TRAFFIC_API_CONTEXT}' must be one of ${Object.values(TrafficApi).join(', ')}, got '${value}'`);
  }
  return value ?? TrafficApi.ISTIO;
}

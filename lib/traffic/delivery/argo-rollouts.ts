import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { HttpMatch } from '../http-match';
import { controllerDuration, DeliverySettings } from './delivery';
import { TargetWorkload } from './workload';

/**
 * What a canary asks of Argo Rollouts: the route of the host's VirtualService whose weights it sets.
 *
 * @internal
 */
export interface ArgoCanary {
  readonly strategy: 'canary';
  /** The names are read at synth, so a later `nameRoute` or `namePolicy` is seen. */
  readonly virtualService: () => string;
  readonly destinationRule: () => string;
  readonly stableSubset: string;
  readonly canarySubset: string;
  /** Requests that reach the canary from the first step on (`setHeaderRoute`). */
  readonly headerMatch?: HttpMatch[];
}

/**
 * What a blue/green release asks of Argo Rollouts: the Services whose selectors it switches.
 *
 * @internal
 */
export interface ArgoBlueGreen {
  readonly strategy: 'blue-green';
  readonly activeService: string;
  readonly previewService?: string;
}

/** Name of the route Argo Rollouts adds for a header canary (`managedRoutes`). */
export const HEADER_ROUTE = 'canary-header';

/** Name of the route Argo Rollouts adds to mirror requests to the canary. */
const MIRROR_ROUTE = 'canary-mirror';

/**
 * The `argoproj.io/v1alpha1` Rollout of a release: it references the workload (`workloadRef`, which Argo
 * Rollouts scales down once the Rollout is healthy) and steps the weights of the named route, or switches
 * the active Service, as the release asks.
 *
 * @internal
 */
export function argoRollout(scope: Construct, settings: DeliverySettings, workload: TargetWorkload, release: ArgoCanary | ArgoBlueGreen): ApiObject {
  const header = release.strategy === 'canary' && release.headerMatch ? argoHeaderMatch(release.headerMatch) : undefined;
  return new ApiObject(scope, 'Rollout', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: workload.name, namespace: workload.namespace },
    spec: Lazy.any({
      produce: () => ({
        replicas: workload.replicas,
        selector: { matchLabels: workload.matchLabels },
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: workload.name, scaleDown: 'onsuccess' },
        strategy: release.strategy === 'canary' ? { canary: canary(settings, release, header) } : {
          blueGreen: {
            activeService: release.activeService,
            previewService: release.previewService,
            autoPromotionSeconds: settings.interval.toSeconds(),
          },
        },
      }),
    }),
  });
}

function canary(settings: DeliverySettings, release: ArgoCanary, header: unknown[] | undefined): unknown {
  const pause = { pause: { duration: controllerDuration(settings.interval) } };
  const mirror = settings.mirrorPercentage;
  const managed = [...header ? [HEADER_ROUTE] : [], ...mirror !== undefined ? [MIRROR_ROUTE] : []];
  return {
    trafficRouting: {
      managedRoutes: managed.length > 0 ? managed.map(name => ({ name })) : undefined,
      istio: {
        virtualService: { name: release.virtualService(), routes: [settings.routeName] },
        destinationRule: { name: release.destinationRule(), canarySubsetName: release.canarySubset, stableSubsetName: release.stableSubset },
      },
    },
    steps: [
      ...header ? [{ setHeaderRoute: { name: HEADER_ROUTE, match: header } }] : [],
      // every request (any path) is copied for one interval before the weights move
      ...mirror !== undefined ? [{ setMirrorRoute: { name: MIRROR_ROUTE, percentage: mirror, match: [{ path: { prefix: '/' } }] } }, pause] : [],
      ...settings.steps.flatMap(weight => [{ setWeight: weight }, pause]),
    ],
  };
}

/** Argo Rollouts matches a header route on headers alone, every one at once: one match of headers. */
function argoHeaderMatch(matches: HttpMatch[]): unknown[] {
  if (matches.length !== 1 || matches[0].uriMatch || matches[0].headers.length === 0) {
    throw new Error(`'canaryMatch' must be one HttpMatch of headers with Argo Rollouts, whose setHeaderRoute `
      + `matches headers only, all at once; got ${matches.map(m => `(${m.description})`).join(' or ')}`);
  }
  return matches[0].headers.map(h => ({ headerName: h.name, headerValue: { [h.value.type]: h.value.value } }));
}

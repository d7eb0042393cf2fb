import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SynthIndex } from '../../private/synth-index';
import { MeshService } from '../../service';
import { RouteScope } from './renderer';

// The synth-time checks of a host: what can only be judged once the whole app is built. Each reads the
// app through SynthIndex, so a check costs a lookup, not a walk of the tree.

/** A route's reference to a subset, checked against the subsets the app defines for the host. */
export function subsetErrors(service: MeshService, prop: string, subset: string): string[] {
  const error = service._subsetError(prop, subset);
  return error === undefined ? [] : [error];
}

/** The models' VirtualServices: the scope they route, so they are keyed without rendering them, and the block that made each. */
const MODEL_ROUTES = new WeakMap<IConstruct, { scope: RouteScope; by: IConstruct }>();

/** Models' VirtualServices that got a JSON patch, which may have changed their hosts. */
const PATCHED = new WeakSet<IConstruct>();

/** Records a model's VirtualService and the scope it routes, for `duplicateRouteHosts`. */
export function recordModelRoute(route: ApiObject, scope: RouteScope, by: IConstruct): void {
  MODEL_ROUTES.set(route, { scope, by });
}

/** Marks a model's VirtualService as patched: its hosts must be read from its manifest. */
export function markPatched(route: ApiObject): void {
  PATCHED.add(route);
}

/**
 * Another VirtualService of the chart routing one of the model's hosts (written by hand, or through an
 * escape hatch): Istio merges neither predictably. One grouping per validation pass keeps it linear.
 */
export function duplicateRouteHosts(route: ApiObject, scope: RouteScope): string[] {
  const chart = Chart.of(route);
  const index = SynthIndex.of(route);
  const groups = index.memo('virtual-services-by-host', () => {
    const byKey = new Map<string, IConstruct[]>();
    for (const object of index.apiObjectsOf('VirtualService')) {
      const model = MODEL_ROUTES.get(object);
      const keys = model && !PATCHED.has(object)
        ? scopeKeys(Chart.of(object), model.scope)
        : routeKeys(Chart.of(object), object.toJson());
      for (const key of keys) {
        byKey.set(key, [...(byKey.get(key) ?? []), object]);
      }
    }
    return byKey;
  });
  const mine = scopeKeys(chart, scope);
  // a model's route is named after the block that made it, a hand-written one after itself
  const author = (o: IConstruct) => MODEL_ROUTES.get(o)?.by.node.path ?? o.node.path;
  return scope.hosts.flatMap((host, i) => (groups.get(mine[i]) ?? [])
    .filter(o => o !== route)
    .map(o => `host '${host}' is routed by two VirtualServices in chart '${chart.node.id}' `
      + `(${author(route)} and ${author(o)}); Istio merges neither predictably, so define one route per host`));
}

function scopeKeys(chart: Chart, scope: RouteScope): string[] {
  return routeKeys(chart, { metadata: { namespace: scope.namespace }, spec: scope });
}

/** One key per host of a VirtualService: chart, namespace, host and the gateways it binds to. */
function routeKeys(chart: Chart, manifest: any): string[] {
  const gateways = [...(manifest.spec?.gateways ?? ['mesh'])].sort().join(',');
  return (manifest.spec?.hosts ?? []).map((host: string) => [chart.node.path, manifest.metadata?.namespace ?? '', host, gateways].join('|'));
}

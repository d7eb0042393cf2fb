import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  HTTPRoute, HTTPRouteSpec, HTTPRouteSpecParentRefs, HTTPRouteSpecRules, HTTPRouteSpecRulesFilters, HTTPRouteSpecRulesFiltersRequestHeaderModifier, HTTPRouteSpecRulesMatches,
  HTTPRouteSpecRulesRetry,
} from '../../../imports/gateway-api';
import { DestinationRule } from '../../../imports/networking.istio.io';
import { kubeService } from '../../private/k8s';
import { istioTrafficPolicy } from './istio';
import { MeshService } from '../../service';
import { HttpMatch } from '../http-match';
import { HeaderOperations, HttpBehaviour, RetrySettings, RouteContribution, SubsetContribution } from './contributions';
import { Contributed, HostRenderer, HostView } from './renderer';

// Everything here either has an exact Gateway API form or fails, naming the feature, the construct that
// asked for it and the way out; nothing is dropped.

/** How to keep a feature that only Istio's APIs have. */
const KEEP_ISTIO = 'keep the Istio API for this host (useTrafficApi(chart, TrafficApi.ISTIO) on the chart that routes it)';

/**
 * A host model as Kubernetes Gateway API objects: one HTTPRoute (`Route`) whose parent is the Service
 * (or a Gateway's listener), and a Service per subset (`Version.<subset>`), since HTTPRoutes cannot name
 * DestinationRule subsets (Istio's bookinfo-versions.yaml).
 *
 * Connection-level policy stays a DestinationRule, which Istio applies in both modes (the client's
 * sidecar, or in ambient mode the Service's waypoint): one for the host (`Policy`), and one per version
 * Service (`Policy.<subset>`) with the host's policy and the subset's, since requests routed to a version
 * Service are requests to that host.
 *
 * @internal
 */
export class GatewayApiRenderer implements HostRenderer {
  public httpRoute?: HTTPRoute;
  public readonly virtualService = undefined;
  public destinationRule?: DestinationRule;
  public readonly versionServices: ApiObject[] = [];
  private readonly subsets: string[] = [];
  private readonly subsetPolicies = new Set<string>();

  public constructor(private readonly scope: Construct, private readonly view: HostView) {}

  public get route(): ApiObject | undefined {
    return this.httpRoute;
  }

  public checkRoute(by: IConstruct, route: RouteContribution): void {
    const host = this.view.service.host;
    route.matches.forEach(m => gatewayMatch(m, by, host));
    route.targets.forEach(t => portOf(t.service, by));
    this.checkBehaviour(by, route.behaviour ?? {});
  }

  public checkBehaviour(by: IConstruct, behaviour: HttpBehaviour): void {
    const service = this.view.service;
    if (behaviour.fault) {
      throw unsupported('fault injection (delay, abort)', by, service.host,
        `${KEEP_ISTIO}; HTTPRoute has no fault filter, and mixing a VirtualService and an HTTPRoute for one host is unsupported`);
    }
    if (behaviour.retries) {
      gatewayRetry(behaviour.retries, by, service.host);
    }
    if (behaviour.mirror) {
      portOf(service, by);
    }
    if (behaviour.cors) {
      throw unsupported('a CORS policy', by, service.host,
        `${KEEP_ISTIO}; the Gateway API's CORS filter is experimental and istiod does not translate it here`);
    }
  }

  public checkPolicy(): void {}

  public ensureRoute(_by: IConstruct): void {
    if (this.httpRoute) {
      return;
    }
    this.httpRoute = new HTTPRoute(this.scope, 'Route', {
      metadata: { name: this.view.routeName(), namespace: this.view.routeScope.namespace },
      spec: Lazy.any({ produce: () => this.renderRoute() }),
    });
  }

  public ensurePolicy(subset?: string): void {
    if (subset !== undefined) {
      this.subsetPolicies.add(subset);
    }
    const service = this.view.service;
    this.destinationRule ??= new DestinationRule(this.scope, 'Policy', {
      metadata: { name: this.view.policyName(), namespace: service.namespace },
      spec: Lazy.any({ produce: () => ({ host: service.host, trafficPolicy: istioTrafficPolicy(this.view.trafficPolicy()) }) }),
    });
    this.subsets.forEach(s => this.ensureVersionPolicy(s));
  }

  /** The DestinationRule of a version Service, once the host or the subset has a policy. */
  private ensureVersionPolicy(subset: string): void {
    const id = `Policy.${subset}`;
    if (!this.destinationRule || this.scope.node.tryFindChild(id) || (!this.view.trafficPolicy() && !this.subsetPolicies.has(subset))) {
      return;
    }
    const service = this.view.service;
    const host = versionService(service.host, subset);
    new DestinationRule(this.scope, id, {
      metadata: { name: host, namespace: service.namespace },
      // a subset's setting of a field replaces the host's, as Istio merges a subset's trafficPolicy
      spec: Lazy.any({ produce: () => ({ host, trafficPolicy: istioTrafficPolicy({ ...this.view.trafficPolicy(), ...this.view.trafficPolicy(subset) }) }) }),
    });
  }

  public addSubsets(by: IConstruct, subsets: SubsetContribution[]): void {
    const service = this.view.service;
    for (const subset of subsets) {
      if (!service.selector) {
        throw new Error(`[${by.node.path}] with the Gateway API each subset of host '${service.host}' becomes a Service selecting its pods: `
          + `set 'selector' on the MeshService (the labels the host's Service selects)`);
      }
      const port = portOf(service, by);
      this.versionServices.push(kubeService(this.scope, `Version.${subset.name}`, { name: versionService(service.host, subset.name), namespace: service.namespace },
        { ports: [{ port, name: 'http' }], selector: { ...service.selector, ...subset.labels } }));
      this.subsets.push(subset.name);
      this.ensureVersionPolicy(subset.name);
    }
  }

  private renderRoute(): HTTPRouteSpec {
    const { gateways, hosts, sectionName } = this.view.routeScope;
    const service = this.view.service;
    const parentRefs: HTTPRouteSpecParentRefs[] = gateways
      ? [{ name: gateways[0], sectionName }]
      : [{ group: '', kind: 'Service', name: service.host, port: service.port }];
    const hostnames = gateways && !hosts.includes('*') ? hosts : undefined;
    return { parentRefs, hostnames, rules: this.view.orderedRoutes().map(r => this.renderRule(r)) };
  }

  /** One rule of the HTTPRoute: matches, backends (a version Service per subset), mirror, timeouts and retry. */
  private renderRule(route: Contributed<RouteContribution>): HTTPRouteSpecRules {
    const service = this.view.service;
    const { timeout, retries, mirror, headers } = this.view.behaviourOf(route);
    const retry = retries && gatewayRetry(retries.value, route.by, service.host);
    const { matches, targets } = route.value;
    const weighted = targets.length > 1;
    const timeouts = { request: timeout && gatewayDuration(timeout.value), backendRequest: retry?.backendRequest };
    return {
      name: route.value.name,
      matches: matches.length > 0 ? matches.map(m => gatewayMatch(m, route.by, service.host)) : undefined,
      backendRefs: targets.map(t => ({
        name: t.subset !== undefined ? versionService(t.service.host, t.subset) : t.service.host,
        port: t.port ?? t.service.port,
        weight: weighted ? t.weight : undefined,
      })),
      filters: filtersOf([
        ...mirror ? [{
          type: 'RequestMirror',
          requestMirror: { backendRef: { name: versionService(service.host, mirror.value.subset), port: service.port }, percent: mirror.value.percentage },
        }] : [],
        ...headers?.value.request ? [{ type: 'RequestHeaderModifier', requestHeaderModifier: gatewayHeaders(headers.value.request) }] : [],
        ...headers?.value.response ? [{ type: 'ResponseHeaderModifier', responseHeaderModifier: gatewayHeaders(headers.value.response) }] : [],
      ]),
      timeouts: timeouts.request || timeouts.backendRequest ? timeouts : undefined,
      retry: retry?.retry,
    };
  }
}

function unsupported(feature: string, by: IConstruct, host: string, wayOut: string): Error {
  return new Error(`${feature} has no Gateway API (HTTPRoute) form: ${by.node.path} asks for it on host '${host}'; ${wayOut}`);
}

/** The name of the Service that stands for one version (subset) of a host, as Istio's bookinfo-versions.yaml names them. */
function versionService(host: string, subset: string): string {
  return `${host}-${subset}`;
}

/** The port a backendRef or parentRef names: Gateway API requires one for a Service. */
function portOf(service: MeshService, by: IConstruct): number {
  if (service.port === undefined) {
    throw new Error(`[${by.node.path}] Gateway API routes name a Service port: set 'port' on the MeshService of host '${service.host}'`);
  }
  return service.port;
}

const HEADER_TYPES: Record<string, string | undefined> = { exact: 'Exact', regex: 'RegularExpression' };
const PATH_TYPES: Record<string, string> = { exact: 'Exact', prefix: 'PathPrefix', regex: 'RegularExpression' };

/** An HTTPRoute match; throws for conditions HTTPRoute cannot express. */
function gatewayMatch(match: HttpMatch, by: IConstruct, host: string): HTTPRouteSpecRulesMatches {
  const headers = match.headers.map(h => {
    const type = HEADER_TYPES[h.value.type];
    if (!type) {
      throw unsupported(`a ${h.value.type} match on header '${h.name}'`, by, host, `match it exactly or by regex, or ${KEEP_ISTIO}`);
    }
    return { type, name: h.name, value: h.value.value };
  });
  return {
    headers: headers.length > 0 ? headers : undefined,
    path: match.uriMatch && { type: PATH_TYPES[match.uriMatch.type], value: match.uriMatch.value },
  };
}

const CODE_CONDITIONS: Record<string, number[]> = {
  'gateway-error': [502, 503, 504],
  '5xx': Array.from({ length: 100 }, (_, i) => 500 + i),
  'retriable-4xx': [409],
};

/** An HTTPRoute retry: HTTPRoute retries on status codes only, and its per-try limit is `timeouts.backendRequest`. */
function gatewayRetry(retries: RetrySettings, by: IConstruct, host: string): { retry: HTTPRouteSpecRulesRetry; backendRequest?: string } {
  const conditions = (retries.retryOn ?? []).filter(c => c !== 'retriable-status-codes');
  const codes = new Set<number>();
  for (const condition of conditions) {
    if (/^\d+$/.test(condition)) {
      codes.add(Number(condition));
    } else if (CODE_CONDITIONS[condition]) {
      CODE_CONDITIONS[condition].forEach(c => codes.add(c));
    } else {
      throw unsupported(`retrying on '${condition}'`, by, host,
        `HTTPRoute retries on HTTP status codes only (RetryOn.GATEWAY_ERROR, FIVE_XX, RETRIABLE_4XX or retryOnStatusCodes), or ${KEEP_ISTIO}`);
    }
  }
  return {
    retry: { attempts: retries.attempts, codes: codes.size > 0 ? [...codes].sort((a, b) => a - b) : undefined },
    backendRequest: retries.perTryTimeout && gatewayDuration(retries.perTryTimeout),
  };
}

/** A Gateway API duration (`500ms`, `2s`, `1s500ms`): Go's duration syntax without fractions. */
function gatewayDuration(duration: Duration): string {
  const millis = Math.round(duration.toMilliseconds({ integral: false }));
  const seconds = Math.floor(millis / 1000);
  const rest = millis % 1000;
  return [seconds > 0 ? `${seconds}s` : '', rest > 0 ? `${rest}ms` : ''].join('') || '0s';
}

function filtersOf(filters: HTTPRouteSpecRulesFilters[]): HTTPRouteSpecRulesFilters[] | undefined {
  return filters.length > 0 ? filters : undefined;
}

/** Header operations as a header modifier filter: name/value lists, as istiod translates them back to the VirtualService form. */
function gatewayHeaders(ops: HeaderOperations): HTTPRouteSpecRulesFiltersRequestHeaderModifier {
  const pairs = (values?: Record<string, string>) => values && Object.entries(values).map(([name, value]) => ({ name, value }));
  return { set: pairs(ops.set), add: pairs(ops.add), remove: ops.remove };
}

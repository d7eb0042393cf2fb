import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  DestinationRule, DestinationRuleSpec, DestinationRuleSpecTrafficPolicy, VirtualService, VirtualServiceSpec,
  VirtualServiceSpecHttp, VirtualServiceSpecHttpCorsPolicy, VirtualServiceSpecHttpFault, VirtualServiceSpecHttpHeaders, VirtualServiceSpecHttpMatch, VirtualServiceSpecHttpRetries,
} from '../../../imports/networking.istio.io';
import { SynthIndex } from '../../private/synth-index';
import { istioDurationOf as istioDuration } from '../../private/validate';
import { HttpMatch, StringMatch } from '../http-match';
import { duplicateRouteHosts, markPatched, recordModelRoute } from './checks';
import { CorsSettings, FaultSettings, HeaderOperations, HeaderSettings, RetrySettings, RouteContribution, TrafficPolicyContribution } from './contributions';
import { Contributed, HostRenderer, HostView } from './renderer';

/**
 * A host model as Istio's APIs: one VirtualService (`Route`) and one DestinationRule (`Policy`), which
 * express every contribution.
 *
 * @internal
 */
export class IstioRenderer implements HostRenderer {
  public virtualService?: VirtualService;
  public destinationRule?: DestinationRule;
  public readonly httpRoute = undefined;
  public readonly versionServices: ApiObject[] = [];

  public constructor(private readonly scope: Construct, private readonly view: HostView) {}

  public get route(): ApiObject | undefined {
    return this.virtualService;
  }

  public checkRoute(): void {}

  public checkBehaviour(): void {}

  public checkPolicy(): void {}

  public ensureRoute(by: IConstruct): void {
    if (this.virtualService) {
      return;
    }
    const scope = this.view.routeScope;
    this.virtualService = new ModelVirtualService(this.scope, 'Route', {
      metadata: { name: this.view.routeName(), namespace: scope.namespace },
      spec: Lazy.any({ produce: () => this.renderRoute() }),
    });
    recordModelRoute(this.virtualService, scope, by);
    const route = this.virtualService;
    SynthIndex.addCheck(by, () => duplicateRouteHosts(route, scope));
  }

  public ensurePolicy(): void {
    if (this.destinationRule) {
      return;
    }
    this.destinationRule = new DestinationRule(this.scope, 'Policy', {
      metadata: { name: this.view.policyName(), namespace: this.view.service.namespace },
      spec: Lazy.any({ produce: () => this.renderPolicy() }),
    });
  }

  public addSubsets(): void {
    this.ensurePolicy();
  }

  private renderRoute(): VirtualServiceSpec {
    const { hosts, gateways } = this.view.routeScope;
    return { hosts, gateways, http: this.view.orderedRoutes().map(r => this.renderHttp(r)) };
  }

  private renderHttp(route: Contributed<RouteContribution>): VirtualServiceSpecHttp {
    const { timeout, retries, fault, mirror, headers, cors } = this.view.behaviourOf(route);
    const { matches, targets } = route.value;
    const weighted = targets.length > 1;
    return {
      name: route.value.name,
      match: matches.length > 0 ? matches.map(istioMatch) : undefined,
      route: targets.map(t => ({
        destination: { host: t.service.host, subset: t.subset, port: t.port !== undefined ? { number: t.port } : undefined },
        weight: weighted ? t.weight : undefined,
      })),
      timeout: timeout && istioDuration(timeout.value),
      retries: retries && istioRetries(retries.value),
      fault: fault && istioFault(fault.value),
      mirror: mirror && { host: this.view.service.host, subset: mirror.value.subset },
      mirrorPercentage: mirror && { value: mirror.value.percentage },
      headers: headers && istioHeaders(headers.value),
      corsPolicy: cors && istioCors(cors.value),
    };
  }

  private renderPolicy(): DestinationRuleSpec {
    const subsets = this.view.subsets();
    return {
      host: this.view.service.host,
      trafficPolicy: istioTrafficPolicy(this.view.trafficPolicy()),
      subsets: subsets.length > 0
        ? subsets.map(s => ({ name: s.name, labels: s.labels, trafficPolicy: istioTrafficPolicy(this.view.trafficPolicy(s.name)) }))
        : undefined,
    };
  }
}

/** A model's VirtualService: its hosts are the model's unless a JSON patch may have changed them. */
class ModelVirtualService extends VirtualService {
  public override addJsonPatch(...ops: JsonPatch[]): void {
    markPatched(this);
    super.addJsonPatch(...ops);
  }
}

function istioString(match: StringMatch): { exact?: string; prefix?: string; regex?: string } {
  return { [match.type]: match.value };
}

/** @internal */
export function istioMatch(match: HttpMatch): VirtualServiceSpecHttpMatch {
  return {
    headers: match.headers.length > 0 ? Object.fromEntries(match.headers.map(h => [h.name, istioString(h.value)])) : undefined,
    uri: match.uriMatch && istioString(match.uriMatch),
  };
}

function istioRetries(retries: RetrySettings): VirtualServiceSpecHttpRetries {
  return {
    attempts: retries.attempts,
    perTryTimeout: retries.perTryTimeout && istioDuration(retries.perTryTimeout),
    retryOn: retries.retryOn && retries.retryOn.length > 0 ? retries.retryOn.join(',') : undefined,
  };
}

function istioFault(fault: FaultSettings): VirtualServiceSpecHttpFault {
  return {
    delay: fault.delay && { fixedDelay: istioDuration(fault.delay.fixedDelay), percentage: { value: fault.delay.percentage } },
    abort: fault.abort && { httpStatus: fault.abort.httpStatus, percentage: { value: fault.abort.percentage } },
  };
}

/**
 * The contributed policy fields in a DestinationRule's `trafficPolicy`; locality settings go into the load
 * balancer, beside its algorithm.
 *
 * @internal
 */
export function istioTrafficPolicy(policy: TrafficPolicyContribution | undefined): DestinationRuleSpecTrafficPolicy | undefined {
  if (!policy || !Object.values(policy).some(v => v !== undefined)) {
    return undefined;
  }
  const { localityLbSetting, loadBalancer, ...rest } = policy;
  return { ...rest, loadBalancer: loadBalancer || localityLbSetting ? { ...loadBalancer, localityLbSetting } : undefined };
}

/** @internal */
export function istioHeaders(headers: HeaderSettings): VirtualServiceSpecHttpHeaders {
  const ops = (o?: HeaderOperations) => o && { set: o.set, add: o.add, remove: o.remove };
  return { request: ops(headers.request), response: ops(headers.response) };
}

/** @internal */
export function istioCors(cors: CorsSettings): VirtualServiceSpecHttpCorsPolicy {
  return {
    allowOrigins: cors.allowOrigins.map(istioString),
    allowMethods: cors.allowMethods,
    allowHeaders: cors.allowHeaders,
    exposeHeaders: cors.exposeHeaders,
    maxAge: cors.maxAge && istioDuration(cors.maxAge),
    allowCredentials: cors.allowCredentials,
  };
}

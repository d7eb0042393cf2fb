import { IConstruct } from 'constructs';
import { VirtualServiceSpecHttpMatch, VirtualServiceSpecHttpRetries } from '../../imports/networking.istio.io';
import { MeshService } from '../service';
import type { BehaviourSlot, HttpBehaviour, RouteContribution } from './host-traffic';

// Writing the host model as Kubernetes Gateway API objects (HTTPRoute, per-version Services).
// Everything here either has an exact Gateway API form or fails, naming the feature, the construct that
// asked for it and the way out; nothing is dropped.

/** @internal */
export function unsupported(feature: string, by: IConstruct, host: string, wayOut: string): Error {
  return new Error(`${feature} has no Gateway API (HTTPRoute) form: ${by.node.path} asks for it on host '${host}'; ${wayOut}`);
}

/** How to keep a feature that only Istio's APIs have. */
export const KEEP_ISTIO = 'keep the Istio API for this host (useTrafficApi(chart, TrafficApi.ISTIO) on the chart that routes it)';

/** The name of the Service that stands for one version (subset) of a host, as Istio's bookinfo-versions.yaml names them. */
export function versionService(host: string, subset: string): string {
  return `${host}-${subset}`;
}

/** The port a backendRef or parentRef names: Gateway API requires one for a Service. */
export function portOf(service: MeshService, by: IConstruct): number {
  if (service.port === undefined) {
    throw new Error(`[${by.node.path}] Gateway API routes name a Service port: set 'port' on the MeshService of host '${service.host}'`);
  }
  return service.port;
}

const STRING_TYPES: Record<string, { header?: string; path?: string }> = {
  exact: { header: 'Exact', path: 'Exact' },
  prefix: { path: 'PathPrefix' },
  regex: { header: 'RegularExpression', path: 'RegularExpression' },
};

/** An HTTPRoute match for an Istio match; throws for conditions HTTPRoute cannot express. */
export function gatewayMatch(match: VirtualServiceSpecHttpMatch, by: IConstruct, host: string): any {
  const result: any = {};
  for (const [name, value] of Object.entries(match.headers ?? {})) {
    const [kind, text] = Object.entries(value as object)[0];
    const type = STRING_TYPES[kind]?.header;
    if (!type) {
      throw unsupported(`a ${kind} match on header '${name}'`, by, host, `match it exactly or by regex, or ${KEEP_ISTIO}`);
    }
    result.headers = [...(result.headers ?? []), { type, name, value: text }];
  }
  if (match.uri) {
    const [kind, text] = Object.entries(match.uri)[0];
    result.path = { type: STRING_TYPES[kind].path, value: text };
  }
  const other = Object.keys(match).filter(k => k !== 'headers' && k !== 'uri');
  if (other.length > 0) {
    throw unsupported(`a match on ${other.join(', ')}`, by, host, KEEP_ISTIO);
  }
  return result;
}

const CODE_CONDITIONS: Record<string, number[]> = {
  'gateway-error': [502, 503, 504],
  '5xx': Array.from({ length: 100 }, (_, i) => 500 + i),
  'retriable-4xx': [409],
};

/**
 * An HTTPRoute retry for an Istio retry policy: HTTPRoute retries on status codes only, and its
 * per-try limit is `timeouts.backendRequest`.
 */
export function gatewayRetry(retries: VirtualServiceSpecHttpRetries, by: IConstruct, host: string): { retry: any; backendRequest?: string } {
  const conditions = (retries.retryOn ?? '').split(',').filter(c => c !== '' && c !== 'retriable-status-codes');
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

/**
 * A Gateway API duration (`500ms`, `2s`, `1s500ms`) for an Istio duration (`0.5s`): HTTPRoute timeouts
 * follow Go's duration syntax without fractions.
 */
export function gatewayDuration(istio: string): string {
  const millis = Math.round(Number(istio.replace(/s$/, '')) * 1000);
  const seconds = Math.floor(millis / 1000);
  const rest = millis % 1000;
  return [seconds > 0 ? `${seconds}s` : '', rest > 0 ? `${rest}ms` : ''].join('') || '0s';
}

/** Fails on what a route of the host model asks for that an HTTPRoute cannot express. @internal */
export function checkGatewayRoute(by: IConstruct, route: RouteContribution, service: MeshService): void {
  route.matches.forEach(m => gatewayMatch(m._toIstio(), by, service.host));
  route.targets.forEach(t => portOf(t.service, by));
  checkGatewayBehaviour(by, route.behaviour ?? {}, service);
}

/** Fails on HTTP behaviour an HTTPRoute cannot express. @internal */
export function checkGatewayBehaviour(by: IConstruct, behaviour: HttpBehaviour, service: MeshService): void {
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
}

/** One rule of the host's HTTPRoute: matches, backends (a version Service per subset), mirror, timeouts and retry. @internal */
export function httpRouteRule(by: IConstruct, route: RouteContribution, behaviour: (slot: BehaviourSlot) => any, service: MeshService): any {
  const retries = behaviour('retries') ? gatewayRetry(behaviour('retries'), by, service.host) : undefined;
  const mirror = behaviour('mirror') as HttpBehaviour['mirror'];
  const weighted = route.targets.length > 1;
  const timeouts = { request: behaviour('timeout') && gatewayDuration(behaviour('timeout')), backendRequest: retries?.backendRequest };
  return {
    matches: route.matches.length > 0 ? route.matches.map(m => gatewayMatch(m._toIstio(), by, service.host)) : undefined,
    backendRefs: route.targets.map(t => ({
      name: t.subset !== undefined ? versionService(t.service.host, t.subset) : t.service.host,
      port: t.port ?? t.service.port,
      weight: weighted ? t.weight : undefined,
    })),
    filters: mirror ? [{
      type: 'RequestMirror',
      requestMirror: { backendRef: { name: versionService(service.host, mirror.subset), port: service.port }, percent: mirror.percentage },
    }] : undefined,
    timeouts: timeouts.request || timeouts.backendRequest ? timeouts : undefined,
    retry: retries?.retry,
  };
}

import { Duration } from 'cdk8s';
import {
  DestinationRuleSpecTrafficPolicyConnectionPool, DestinationRuleSpecTrafficPolicyLoadBalancer,
  DestinationRuleSpecTrafficPolicyLoadBalancerSimple, DestinationRuleSpecTrafficPolicyOutlierDetection,
  DestinationRuleSpecTrafficPolicyTls, DestinationRuleSpecTrafficPolicyTlsMode,
} from '../../imports/networking.istio.io';
import { assertIntegerInRange, assertPercentage, istioDuration, validDuration } from '../private/validate';
import { FaultSettings, RetrySettings } from './host/contributions';

/**
 * A condition under which Envoy retries a request, as Istio's `retryOn` spells it.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry
 */
export enum RetryOn {
  /** The upstream answered 5xx, or did not answer (includes connect-failure and refused-stream). */
  FIVE_XX = '5xx',
  /** 502, 503 or 504. */
  GATEWAY_ERROR = 'gateway-error',
  /** The upstream did not respond at all (disconnect, reset, read timeout). */
  RESET = 'reset',
  /** The connection to the upstream could not be made. */
  CONNECT_FAILURE = 'connect-failure',
  /** The upstream reset the stream with REFUSED_STREAM. */
  REFUSED_STREAM = 'refused-stream',
  /** A 409 from the upstream. */
  RETRIABLE_4XX = 'retriable-4xx',
  /** One of the status codes listed in `retryOnStatusCodes`. */
  RETRIABLE_STATUS_CODES = 'retriable-status-codes',
  /** gRPC status CANCELLED. */
  CANCELLED = 'cancelled',
  /** gRPC status DEADLINE_EXCEEDED. */
  DEADLINE_EXCEEDED = 'deadline-exceeded',
  /** gRPC status INTERNAL. */
  INTERNAL = 'internal',
  /** gRPC status RESOURCE_EXHAUSTED. */
  RESOURCE_EXHAUSTED = 'resource-exhausted',
  /** gRPC status UNAVAILABLE. */
  UNAVAILABLE = 'unavailable',
}

/**
 * How failed requests are retried.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry
 */
export interface RetryPolicy {
  /** Retries allowed per request (not counting the first try), 0..100; 0 disables retries. */
  readonly attempts: number;

  /**
   * Timeout of each try, at least 1 ms.
   *
   * @default - the route's timeout; Istio's own default when the route has none
   */
  readonly perTryTimeout?: Duration;

  /**
   * Conditions that trigger a retry.
   *
   * @default - Istio's default, `connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes`
   */
  readonly retryOn?: RetryOn[];

  /**
   * HTTP status codes (400..599) that are retried as well.
   *
   * @default - none beyond the `retryOn` conditions
   */
  readonly retryOnStatusCodes?: number[];
}

/**
 * Validates a retry policy as the user wrote it, each message naming the prop under `prop`.
 *
 * @internal
 */
export function retrySettings(prop: string, policy: RetryPolicy): RetrySettings {
  assertIntegerInRange(`${prop}attempts`, policy.attempts, 0, 100);
  const conditions = [...(policy.retryOn ?? [])];
  const known = Object.values(RetryOn) as string[];
  conditions.forEach((c, i) => {
    if (!known.includes(c)) {
      throw new Error(`'${prop}retryOn[${i}]' must be one of ${known.join(', ')}, got '${c}'`);
    }
  });
  (policy.retryOnStatusCodes ?? []).forEach((code, i) => assertIntegerInRange(`${prop}retryOnStatusCodes[${i}]`, code, 400, 599));
  const retryOn = [...conditions, ...(policy.retryOnStatusCodes ?? []).map(String)];
  if (policy.retryOn !== undefined && retryOn.length === 0) {
    throw new Error(`'${prop}retryOn' must name at least one condition when set (leave it out for Istio's default)`);
  }
  // istiod refuses retry settings beside attempts 0 (which disables retries) at kubectl apply
  const settings = ['perTryTimeout', 'retryOn', 'retryOnStatusCodes'].filter(k => (policy as any)[k] !== undefined);
  if (policy.attempts === 0 && settings.length > 0) {
    throw new Error(`'${prop}attempts' is 0, which disables retries, but '${prop}${settings[0]}' is set: raise 'attempts' or leave ${settings.map(s => `'${s}'`).join(' and ')} out`);
  }
  return {
    attempts: policy.attempts,
    perTryTimeout: policy.perTryTimeout && validDuration(`${prop}perTryTimeout`, policy.perTryTimeout),
    retryOn: retryOn.length > 0 ? retryOn : undefined,
  };
}

/**
 * How a client spreads requests over a host's endpoints.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings
 */
export class LoadBalancer {
  /** Endpoints in turn. */
  public static readonly ROUND_ROBIN = new LoadBalancer({ simple: DestinationRuleSpecTrafficPolicyLoadBalancerSimple.ROUND_ROBIN }, 'ROUND_ROBIN');
  /** The endpoint with fewer outstanding requests of two picked at random (Istio's default). */
  public static readonly LEAST_REQUEST = new LoadBalancer({ simple: DestinationRuleSpecTrafficPolicyLoadBalancerSimple.LEAST_REQUEST }, 'LEAST_REQUEST');
  /** An endpoint at random. */
  public static readonly RANDOM = new LoadBalancer({ simple: DestinationRuleSpecTrafficPolicyLoadBalancerSimple.RANDOM }, 'RANDOM');
  /** Requests go to the endpoint the caller chose (the original destination). */
  public static readonly PASSTHROUGH = new LoadBalancer({ simple: DestinationRuleSpecTrafficPolicyLoadBalancerSimple.PASSTHROUGH }, 'PASSTHROUGH');

  /**
   * Sticky sessions on a request header: requests with the same value go to the same endpoint.
   *
   * @example LoadBalancer.consistentHashHeader('x-user-id')
   */
  public static consistentHashHeader(name: string): LoadBalancer {
    if (!/^[a-z0-9-_]+$/.test(name)) {
      throw new Error(`'consistentHashHeader' header name must be lowercase letters, digits, '-' or '_', got '${name}'`);
    }
    return new LoadBalancer({ consistentHash: { httpHeaderName: name } }, `consistent hash on header ${name}`);
  }

  /**
   * Sticky sessions on a cookie, which Envoy sets when the request lacks it.
   *
   * @param ttl lifetime of the generated cookie, at least 1 ms
   */
  public static consistentHashCookie(name: string, ttl: Duration, path?: string): LoadBalancer {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      throw new Error(`'consistentHashCookie' cookie name must be an RFC 6265 token, got '${name}'`);
    }
    return new LoadBalancer({ consistentHash: { httpCookie: { name, ttl: istioDuration('consistentHashCookie ttl', ttl), path } } }, `consistent hash on cookie ${name}`);
  }

  /** Sticky sessions on the caller's IP address. */
  public static consistentHashSourceIp(): LoadBalancer {
    return new LoadBalancer({ consistentHash: { useSourceIp: true } }, 'consistent hash on source IP');
  }

  private constructor(
    private readonly settings: DestinationRuleSpecTrafficPolicyLoadBalancer,
    /** What the load balancer does, as messages and `explain` print it. */
    public readonly description: string,
  ) {}

  /** @internal */
  public _toIstio(): DestinationRuleSpecTrafficPolicyLoadBalancer {
    return this.settings;
  }
}

/**
 * Ejection of endpoints that keep failing (passive health checking, the "circuit breaker" of Istio's docs).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection
 */
export interface OutlierDetection {
  /**
   * 5xx responses (and connect failures) in a row that eject an endpoint.
   *
   * @default - Istio's default, 5
   */
  readonly consecutive5xxErrors?: number;

  /**
   * 502/503/504 responses in a row that eject an endpoint.
   *
   * @default - not counted separately
   */
  readonly consecutiveGatewayErrors?: number;

  /**
   * How often endpoints are evaluated.
   *
   * @default - Istio's default, 10s
   */
  readonly interval?: Duration;

  /**
   * Minimum ejection time; it grows with each ejection of the same endpoint.
   *
   * @default - Istio's default, 30s
   */
  readonly baseEjectionTime?: Duration;

  /**
   * Largest percentage of endpoints that may be ejected at once, 0..100.
   *
   * @default - Istio's default, 10
   */
  readonly maxEjectionPercent?: number;
}

/** @internal */
export function renderOutlierDetection(prop: string, o: OutlierDetection): DestinationRuleSpecTrafficPolicyOutlierDetection {
  const count = (name: string, v?: number) => v === undefined ? undefined : (assertIntegerInRange(`${prop}${name}`, v, 0, 4294967295), v);
  if (Object.values(o).every(v => v === undefined)) {
    throw new Error(`'${prop.replace(/\.$/, '')}' must set at least one field (consecutive5xxErrors, consecutiveGatewayErrors, interval, baseEjectionTime, maxEjectionPercent)`);
  }
  // 0 turns a criterion off, and gateway errors are off unless set: nothing would ever be ejected
  if (o.consecutive5xxErrors === 0 && !o.consecutiveGatewayErrors) {
    throw new Error(`'${prop}consecutive5xxErrors' is 0 and 'consecutiveGatewayErrors' is not set: the outlier detection would eject no endpoint; `
      + 'set a positive count, or leave the circuit breaker out');
  }
  return {
    consecutive5xxErrors: count('consecutive5xxErrors', o.consecutive5xxErrors),
    consecutiveGatewayErrors: count('consecutiveGatewayErrors', o.consecutiveGatewayErrors),
    interval: o.interval && istioDuration(`${prop}interval`, o.interval),
    baseEjectionTime: o.baseEjectionTime && istioDuration(`${prop}baseEjectionTime`, o.baseEjectionTime),
    maxEjectionPercent: o.maxEjectionPercent === undefined ? undefined : (assertIntegerInRange(`${prop}maxEjectionPercent`, o.maxEjectionPercent, 0, 100), o.maxEjectionPercent),
  };
}

/**
 * Limits on connections and requests to each endpoint of a host; requests over them fail fast (503).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#ConnectionPoolSettings
 */
export interface ConnectionPool {
  /**
   * Maximum TCP connections to the host.
   *
   * @default - Istio's default, 2^32-1
   */
  readonly maxConnections?: number;

  /**
   * Maximum requests queued while waiting for a connection.
   *
   * @default - Istio's default, 2^32-1
   */
  readonly http1MaxPendingRequests?: number;

  /**
   * Maximum active requests to the host.
   *
   * @default - Istio's default, 2^32-1
   */
  readonly http2MaxRequests?: number;

  /**
   * Maximum requests per connection; 1 disables keep-alive.
   *
   * @default - unlimited
   */
  readonly maxRequestsPerConnection?: number;

  /**
   * Time an idle upstream connection is kept.
   *
   * @default - Istio's default, 1h
   */
  readonly idleTimeout?: Duration;

  /**
   * TCP connect timeout.
   *
   * @default - Istio's default, 10s
   */
  readonly connectTimeout?: Duration;
}

/** @internal */
export function renderConnectionPool(prop: string, p: ConnectionPool): DestinationRuleSpecTrafficPolicyConnectionPool {
  const count = (name: string, v?: number) => v === undefined ? undefined : (assertIntegerInRange(`${prop}${name}`, v, 1, 2147483647), v);
  if (Object.values(p).every(v => v === undefined)) {
    throw new Error(`'${prop.replace(/\.$/, '')}' must set at least one limit (maxConnections, http1MaxPendingRequests, http2MaxRequests, maxRequestsPerConnection, idleTimeout, connectTimeout)`);
  }
  const tcp = { maxConnections: count('maxConnections', p.maxConnections), connectTimeout: p.connectTimeout && istioDuration(`${prop}connectTimeout`, p.connectTimeout) };
  const http = {
    http1MaxPendingRequests: count('http1MaxPendingRequests', p.http1MaxPendingRequests),
    http2MaxRequests: count('http2MaxRequests', p.http2MaxRequests),
    maxRequestsPerConnection: count('maxRequestsPerConnection', p.maxRequestsPerConnection),
    idleTimeout: p.idleTimeout && istioDuration(`${prop}idleTimeout`, p.idleTimeout),
  };
  const some = (o: object) => Object.values(o).some(v => v !== undefined) ? o : undefined;
  return { tcp: some(tcp), http: some(http) };
}

/**
 * How a client's sidecar secures connections to a host.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings-TLSmode
 */
export enum ClientTlsMode {
  /** Plain text. */
  DISABLE = 'DISABLE',
  /** TLS that verifies the server (TLS origination toward a host outside the mesh). */
  SIMPLE = 'SIMPLE',
  /** Mutual TLS with a client certificate from `credentialName`. */
  MUTUAL = 'MUTUAL',
  /** Istio's own mutual TLS (what auto-mTLS does inside the mesh). */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
}

/**
 * TLS from the client's sidecar to a host, typically a host outside the mesh.
 */
export interface ClientTls {
  /** The TLS mode. */
  readonly mode: ClientTlsMode;

  /**
   * Secret (in the client's namespace, or the gateway's) holding the client certificate and key, and the CA
   * certificate; required for `MUTUAL`.
   *
   * @default - none: the system's CA certificates verify the server
   */
  readonly credentialName?: string;

  /**
   * Path, in the client's proxy, of the CA certificates that verify the server (mounted into the pod).
   * Without it, Istio 1.20+ proxies verify the server with the system's CA bundle, and `istioctl analyze`
   * warns (IST0128) that no CA is pinned.
   *
   * @default - none: the system's CA certificates
   */
  readonly caCertificates?: string;

  /**
   * Server name sent in the TLS handshake.
   *
   * @default - the host
   */
  readonly sni?: string;

  /**
   * Names the server certificate must carry.
   *
   * @default - the host name is verified
   */
  readonly subjectAltNames?: string[];
}

const TLS_MODES: Record<ClientTlsMode, DestinationRuleSpecTrafficPolicyTlsMode> = {
  [ClientTlsMode.DISABLE]: DestinationRuleSpecTrafficPolicyTlsMode.DISABLE,
  [ClientTlsMode.SIMPLE]: DestinationRuleSpecTrafficPolicyTlsMode.SIMPLE,
  [ClientTlsMode.MUTUAL]: DestinationRuleSpecTrafficPolicyTlsMode.MUTUAL,
  [ClientTlsMode.ISTIO_MUTUAL]: DestinationRuleSpecTrafficPolicyTlsMode.ISTIO_MUTUAL,
};

/** @internal */
export function renderClientTls(prop: string, tls: ClientTls): DestinationRuleSpecTrafficPolicyTls {
  if (!(tls.mode in TLS_MODES)) {
    throw new Error(`'${prop}mode' must be one of ${Object.keys(TLS_MODES).join(', ')}, got '${tls.mode}'`);
  }
  if (tls.mode === ClientTlsMode.MUTUAL && !tls.credentialName) {
    throw new Error(`'${prop}credentialName' is required when 'mode' is MUTUAL: the client certificate comes from that Secret`);
  }
  if (tls.credentialName && (tls.mode === ClientTlsMode.DISABLE || tls.mode === ClientTlsMode.ISTIO_MUTUAL)) {
    throw new Error(`'${prop}credentialName' is set but 'mode' is ${tls.mode}, which uses no credential`);
  }
  if (tls.credentialName !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(tls.credentialName)) {
    throw new Error(`'${prop}credentialName' must be a Secret name (lowercase letters, digits, '-' and '.'), got '${tls.credentialName}'`);
  }
  if (tls.caCertificates !== undefined && (tls.mode === ClientTlsMode.DISABLE || tls.mode === ClientTlsMode.ISTIO_MUTUAL || !tls.caCertificates.startsWith('/'))) {
    throw new Error(`'${prop}caCertificates' must be an absolute path in the proxy, with mode SIMPLE or MUTUAL; got '${tls.caCertificates}' with mode ${tls.mode}`);
  }
  return { mode: TLS_MODES[tls.mode], credentialName: tls.credentialName, caCertificates: tls.caCertificates, sni: tls.sni, subjectAltNames: tls.subjectAltNames };
}

/**
 * Faults injected into a host's requests, each with the props of the construct the user wrote.
 *
 * @internal
 */
export interface FaultProps {
  readonly delay?: { readonly prop: string; readonly fixedDelay: Duration; readonly percentage?: number; readonly percentageProp: string };
  readonly abort?: { readonly prop: string; readonly httpStatus: number; readonly percentage?: number; readonly percentageProp: string };
}

/**
 * Validates the faults a user wrote, each message naming its prop.
 *
 * @internal
 */
export function faultSettings(fault: FaultProps): FaultSettings | undefined {
  if (!fault.delay && !fault.abort) {
    return undefined;
  }
  const percentage = (prop: string, value?: number) => {
    const resolved = value ?? 100;
    assertPercentage(prop, resolved);
    return resolved;
  };
  if (fault.abort) {
    assertIntegerInRange(fault.abort.prop, fault.abort.httpStatus, 200, 599);
  }
  return {
    delay: fault.delay && {
      fixedDelay: validDuration(fault.delay.prop, fault.delay.fixedDelay),
      percentage: percentage(fault.delay.percentageProp, fault.delay.percentage),
    },
    abort: fault.abort && {
      httpStatus: fault.abort.httpStatus,
      percentage: percentage(fault.abort.percentageProp, fault.abort.percentage),
    },
  };
}

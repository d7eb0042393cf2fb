import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvoyFilter, EnvoyFilterSpecConfigPatches } from '../../imports/networking.istio.io';
import { ambientNamespace, SynthIndex } from '../private/synth-index';
import { assertDnsLabel, assertIntegerInRange, validDuration } from '../private/validate';
import { ROOT_NAMESPACE } from '../private/mesh-defaults';
import { MeshService } from '../service';
import { HttpMatch, StringMatch } from './http-match';
import { IngressGateway } from './ingress-gateway';

/**
 * A limit of its own for the requests of one route (Envoy's descriptor).
 */
export interface RouteRateLimit {
  /** The requests the limit counts: a path (`HttpMatch.uriPrefix('/productpage')`) and/or headers. */
  readonly match: HttpMatch;

  /** Requests allowed per `interval`, a positive integer. */
  readonly requests: number;

  /**
   * The interval the requests refill over.
   *
   * @default - the `interval` of the `RateLimit`
   */
  readonly interval?: Duration;
}

/**
 * Properties for `RateLimit`.
 */
export interface RateLimitProps {
  /**
   * The service whose workloads limit the requests they receive (its selector picks the pods).
   *
   * @default - required unless `ingress` is set
   */
  readonly service?: MeshService;

  /**
   * An ingress gateway whose proxy limits the requests it admits, before they enter the mesh.
   *
   * @default - required unless `service` is set
   */
  readonly ingress?: IngressGateway;

  /** Requests each workload accepts per `interval`, a positive integer: a token bucket of that size. */
  readonly requests: number;

  /**
   * The interval the tokens refill over; Envoy takes 50 ms at least.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;

  /**
   * Tighter limits for some requests, each counted on its own; the first that matches applies.
   *
   * @default - one limit for every request
   */
  readonly routes?: RouteRateLimit[];

  /**
   * Name of the EnvoyFilter.
   *
   * @default - `<host>-local-ratelimit`
   */
  readonly name?: string;
}

/**
 * Local rate limiting of a service's inbound requests at each of its workloads' sidecars, or of the requests
 * an ingress gateway admits: a token bucket per proxy, and buckets of their own for matched routes; a
 * request over the limit gets 429.
 *
 * Istio has no API for it: this writes the EnvoyFilter of Istio's local rate limit sample
 * (`samples/ratelimit/local-rate-limit-service.yaml`) from typed, validated props — the local_ratelimit
 * HTTP filter first in the inbound chain, its buckets on every inbound route of the workload.
 *
 * @example new RateLimit(chart, 'productpage-limit', { service: bookinfo.productpage, requests: 100, routes: [{ match: HttpMatch.uriPrefix('/productpage'), requests: 10 }] })
 * @see https://istio.io/latest/docs/tasks/policy-enforcement/rate-limit/
 */
export class RateLimit extends Construct {
  /** The EnvoyFilter. */
  public readonly envoyFilter: EnvoyFilter;

  /** Requests each workload accepts per interval. */
  public readonly requests: number;

  public constructor(scope: Construct, id: string, props: RateLimitProps) {
    super(scope, id);
    SynthIndex.watch(this);
    if ((props.service === undefined) === (props.ingress === undefined)) {
      throw new Error(`one of 'service' or 'ingress' must be set, got ${props.service ? 'both' : 'neither'}`);
    }
    const target = props.service ? sidecarTarget(props.service) : gatewayTarget(props.ingress!);
    this.requests = props.requests;
    const interval = props.interval ?? Duration.minutes(1);
    const bucket = tokenBucket('', props.requests, interval);
    const routes = (props.routes ?? []).map((r, i) => ({
      descriptor: `route-${i}`,
      headers: routeHeaders(r.match),
      bucket: tokenBucket(`routes[${i}].`, r.requests, r.interval ?? interval),
    }));
    const name = props.name ?? `${target.name}-local-ratelimit`;
    assertDnsLabel('name', name);
    if (props.service) {
      const service = props.service;
      SynthIndex.addCheck(this, () => {
        const ambient = ambientNamespace(this, service.namespace);
        return ambient ? [`${ambient}: the rate limit is an EnvoyFilter on the sidecars of '${service.host}' and would apply to nothing; `
          + 'keep the namespace on sidecars to rate-limit its inbound requests'] : [];
      });
    }
    this.envoyFilter = new EnvoyFilter(this, 'Resource', {
      metadata: { name, namespace: target.namespace },
      spec: {
        workloadSelector: { labels: target.selector },
        configPatches: [
          filterPatch(target.context),
          routePatch(target.context, bucket, routes),
        ],
      },
    });
  }
}

const LOCAL_RATE_LIMIT = 'envoy.filters.http.local_ratelimit';
const LOCAL_RATE_LIMIT_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit';
const STAT_PREFIX = 'http_local_rate_limiter';

interface TokenBucket {
  readonly max_tokens: number;
  readonly tokens_per_fill: number;
  readonly fill_interval: string;
}

function tokenBucket(prefix: string, requests: number, interval: Duration): TokenBucket {
  assertIntegerInRange(`${prefix}requests`, requests, 1, 1_000_000_000);
  const millis = validDuration(`${prefix}interval`, interval).toMilliseconds();
  if (millis < 50) {
    throw new Error(`'${prefix}interval' must be at least 50 ms (Envoy refuses a shorter fill interval), got ${interval.toHumanString()}`);
  }
  return { max_tokens: requests, tokens_per_fill: requests, fill_interval: `${millis / 1000}s` };
}

/** Whose proxies limit: a service's sidecars (their inbound), or an ingress gateway's proxy. */
interface LimitTarget {
  readonly name: string;
  readonly namespace?: string;
  readonly selector: Record<string, string>;
  readonly context: 'SIDECAR_INBOUND' | 'GATEWAY';
}

function sidecarTarget(service: MeshService): LimitTarget {
  if (!service.selector || Object.keys(service.selector).length === 0) {
    throw new Error(`'service' is '${service.host}', whose handle has no selector: the rate limit applies at its workloads' sidecars, which the selector picks`);
  }
  return { name: service.host, namespace: service.namespace, selector: service.selector, context: 'SIDECAR_INBOUND' };
}

function gatewayTarget(ingress: IngressGateway): LimitTarget {
  // an Istio-API Gateway configures the installer's gateway in the root namespace; a Gateway API Gateway runs its own proxy beside it
  return ingress.kubernetesGateway
    ? { name: ingress.name, namespace: ingress.namespace, selector: { 'gateway.networking.k8s.io/gateway-name': ingress.name }, context: 'GATEWAY' }
    : { name: ingress.name, namespace: ROOT_NAMESPACE, selector: ingress.selector ?? { istio: 'ingressgateway' }, context: 'GATEWAY' };
}

/** The local rate limit filter, first in the HTTP chain: it counts before anything else runs. */
function filterPatch(context: string): EnvoyFilterSpecConfigPatches {
  return {
    applyTo: 'HTTP_FILTER',
    match: { context, listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } } },
    patch: {
      operation: 'INSERT_FIRST',
      value: {
        name: LOCAL_RATE_LIMIT,
        typed_config: { '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct', 'type_url': LOCAL_RATE_LIMIT_TYPE, 'value': { stat_prefix: STAT_PREFIX } },
      },
    },
  };
}

/** The buckets, on every inbound route of the workload; a route limit is a descriptor its requests are tagged with. */
function routePatch(context: string, bucket: TokenBucket, routes: Array<{ descriptor: string; headers: unknown[]; bucket: TokenBucket }>): EnvoyFilterSpecConfigPatches {
  const enabled = (key: string) => ({ runtime_key: key, default_value: { numerator: 100, denominator: 'HUNDRED' } });
  return {
    applyTo: 'HTTP_ROUTE',
    match: { context, routeConfiguration: { vhost: { route: { action: 'ANY' } } } },
    patch: {
      operation: 'MERGE',
      value: {
        route: routes.length > 0 ? {
          rate_limits: routes.map(r => ({ actions: [{ header_value_match: { descriptor_value: r.descriptor, expect_match: true, headers: r.headers } }] })),
        } : undefined,
        typed_per_filter_config: {
          [LOCAL_RATE_LIMIT]: {
            '@type': LOCAL_RATE_LIMIT_TYPE,
            'stat_prefix': STAT_PREFIX,
            'token_bucket': bucket,
            'filter_enabled': enabled('local_rate_limit_enabled'),
            'filter_enforced': enabled('local_rate_limit_enforced'),
            'response_headers_to_add': [{ append_action: 'OVERWRITE_IF_EXISTS_OR_ADD', header: { key: 'x-local-rate-limit', value: 'true' } }],
            'descriptors': routes.length > 0
              ? routes.map(r => ({ entries: [{ key: 'header_match', value: r.descriptor }], token_bucket: r.bucket }))
              : undefined,
          },
        },
      },
    },
  };
}

/** An HttpMatch as Envoy's header matchers: the path as the `:path` pseudo-header, then the headers. */
function routeHeaders(match: HttpMatch): unknown[] {
  const matcher = (m: StringMatch) => ({ string_match: m.type === 'regex' ? { safe_regex: { regex: m.value } } : { [m.type]: m.value } });
  return [
    ...match.uriMatch ? [{ name: ':path', ...matcher(match.uriMatch) }] : [],
    ...match.headers.map(h => ({ name: h.name, ...matcher(h.value) })),
  ];
}

import { Construct } from 'constructs';
import { HTTPRoute } from '../../imports/gateway-api';
import { VirtualService } from '../../imports/networking.istio.io';
import { HEADER_NAME, validDuration } from '../private/validate';
import { MeshService } from '../service';
import { HostTraffic } from './host-traffic';
import { CorsSettings } from './host/contributions';

/**
 * Properties for `CorsPolicy`.
 */
export interface CorsPolicyProps extends CorsSettings {
  /** The service browsers call from other origins. */
  readonly service: MeshService;
}

/**
 * Which cross-origin requests browsers may make to a service (CORS), on every route of the host
 * (`corsPolicy` of a VirtualService route); for one route, give `cors` to that route of a `ServiceRoute`.
 * The Gateway API's CORS filter is experimental and not translated by istiod: it fails there, naming why.
 *
 * @example new CorsPolicy(chart, 'api-cors', { service: api, allowOrigins: [StringMatch.exact('https://shop.example.com')], allowMethods: ['GET', 'POST'] })
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#CorsPolicy
 */
export class CorsPolicy extends Construct {
  /** The host's VirtualService, shared with the other blocks on the host in this chart. */
  public readonly virtualService?: VirtualService;

  /** The host's HTTPRoute, with the Gateway API (never: CORS fails there). */
  public readonly httpRoute?: HTTPRoute;

  public constructor(scope: Construct, id: string, props: CorsPolicyProps) {
    super(scope, id);
    const { service: _service, ...settings } = props;
    const cors = corsSettings('', settings);
    const model = HostTraffic.of(this, props.service);
    model.addBehaviour(this, { cors });
    this.virtualService = model.virtualService;
    this.httpRoute = model.httpRoute;
  }
}

/**
 * Validates a CORS policy written under `prefix` (`routes[0].cors.`).
 *
 * @internal
 */
export function corsSettings(prefix: string, cors: CorsSettings): CorsSettings {
  if (cors.allowOrigins.length === 0) {
    throw new Error(`'${prefix}allowOrigins' must hold at least one origin: a CORS policy that allows none changes nothing`);
  }
  for (const [i, method] of (cors.allowMethods ?? []).entries()) {
    if (!/^[A-Z]+$/.test(method)) {
      throw new Error(`'${prefix}allowMethods[${i}]' must be an HTTP method in uppercase, got '${method}'`);
    }
  }
  for (const prop of ['allowHeaders', 'exposeHeaders'] as const) {
    for (const [i, header] of (cors[prop] ?? []).entries()) {
      if (header !== '*' && !HEADER_NAME.test(header)) {
        throw new Error(`'${prefix}${prop}[${i}]' must be a header name, got '${header}'`);
      }
    }
  }
  if (cors.maxAge) {
    validDuration(`${prefix}maxAge`, cors.maxAge);
  }
  if (cors.allowCredentials && cors.allowOrigins.some(o => o.type === 'exact' && o.value === '*')) {
    throw new Error(`'${prefix}allowCredentials' is true with the origin '*': browsers refuse credentials for any origin; name the origins`);
  }
  return cors;
}

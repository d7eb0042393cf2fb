import { Construct } from 'constructs';
import { HTTPRoute } from '../../imports/gateway-api';
import { VirtualService } from '../../imports/networking.istio.io';
import { HEADER_NAME } from '../private/validate';
import { MeshService } from '../service';
import { HostTraffic } from './host-traffic';
import { HeaderOperations, HeaderSettings } from './host/contributions';

/**
 * Properties for `HeaderPolicy`.
 */
export interface HeaderPolicyProps {
  /** The service whose requests and responses change. */
  readonly service: MeshService;

  /**
   * Changes to every request before it is forwarded.
   *
   * @default - none
   */
  readonly request?: HeaderOperations;

  /**
   * Changes to every response before it is returned.
   *
   * @default - none
   */
  readonly response?: HeaderOperations;
}

/**
 * Sets, adds and removes headers of a service's requests and responses, on every route of the host
 * (`headers` of a VirtualService route; the header modifier filters of an HTTPRoute rule). For one route
 * only, give `headers` to that route of a `ServiceRoute`.
 *
 * @example new HeaderPolicy(chart, 'frontend-headers', { service: frontend, response: { remove: ['server'], set: { 'x-frame-options': 'DENY' } } })
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers
 */
export class HeaderPolicy extends Construct {
  /** The host's VirtualService, shared with the other blocks on the host in this chart; `undefined` when the chart uses the Gateway API. */
  public readonly virtualService?: VirtualService;

  /** The host's HTTPRoute, shared with the other blocks on the host in this chart; `undefined` with Istio's APIs. */
  public readonly httpRoute?: HTTPRoute;

  public constructor(scope: Construct, id: string, props: HeaderPolicyProps) {
    super(scope, id);
    const headers = headerSettings('', { request: props.request, response: props.response });
    const model = HostTraffic.of(this, props.service);
    model.addBehaviour(this, { headers });
    this.virtualService = model.virtualService;
    this.httpRoute = model.httpRoute;
  }
}

/**
 * Validates header changes written under `prefix` (`routes[0].headers.`): names are header names, values
 * are not empty, a header is changed once per direction, and something changes.
 *
 * @internal
 */
export function headerSettings(prefix: string, settings: HeaderSettings): HeaderSettings {
  const directions = (['request', 'response'] as const).filter(d => settings[d] !== undefined);
  if (directions.length === 0) {
    throw new Error(`one of '${prefix}request' or '${prefix}response' must be set: a header policy without changes does nothing`);
  }
  for (const direction of directions) {
    const ops = settings[direction]!;
    const prop = `${prefix}${direction}`;
    const names = [...Object.keys(ops.set ?? {}), ...Object.keys(ops.add ?? {}), ...ops.remove ?? []];
    if (names.length === 0) {
      throw new Error(`'${prop}' must set, add or remove at least one header`);
    }
    for (const [op, values] of [['set', ops.set], ['add', ops.add]] as const) {
      for (const [name, value] of Object.entries(values ?? {})) {
        if (typeof value !== 'string' || value.length === 0) {
          throw new Error(`'${prop}.${op}' gives header '${name}' an empty value; remove it with '${prop}.remove' instead`);
        }
      }
    }
    for (const name of names) {
      if (!HEADER_NAME.test(name)) {
        throw new Error(`'${prop}' names header '${name}', which is not a header name (letters, digits and !#$%&'*+-.^_\`|~)`);
      }
    }
    const lower = names.map(n => n.toLowerCase());
    const twice = lower.find((n, i) => lower.indexOf(n) !== i);
    if (twice) {
      throw new Error(`'${prop}' changes header '${twice}' twice (header names are case-insensitive): set, add or remove it once`);
    }
  }
  return settings;
}

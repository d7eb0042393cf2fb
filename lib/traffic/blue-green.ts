import { Construct } from 'constructs';
import { HTTPRoute } from '../../imports/gateway-api';
import { VirtualService } from '../../imports/networking.istio.io';
import { MeshService } from '../service';
import { HttpMatch, StringMatch } from './http-match';
import { HostTraffic } from './host-traffic';

/**
 * Properties for `BlueGreen`.
 */
export interface BlueGreenProps {
  /** The service whose traffic switches between subsets. */
  readonly service: MeshService;

  /** Subset that receives all traffic; switching is a change of this prop alone. */
  readonly active: string;

  /**
   * Subset reachable only by requests that carry the preview match, for testing before the switch.
   *
   * @default - no preview route
   */
  readonly preview?: string;

  /**
   * Requests that go to the preview subset.
   *
   * @default - requests with header `x-preview: true`, when `preview` is set
   */
  readonly previewMatch?: HttpMatch;
}

/**
 * Sends all traffic for a service to one subset (`active`), optionally with a header-gated preview subset.
 *
 * @example new BlueGreen(chart, 'reviews', { service: bookinfo.reviews, active: 'v1' })
 */
export class BlueGreen extends Construct {
  /** The host's VirtualService, shared with the other blocks on the host in this chart; `undefined` when the chart uses the Gateway API. */
  public readonly virtualService?: VirtualService;

  /** The host's HTTPRoute, shared with the other blocks on the host in this chart; `undefined` with Istio's APIs. */
  public readonly httpRoute?: HTTPRoute;

  /** Subset that receives all traffic. */
  public readonly active: string;

  /** Subset reachable by the preview match, if any. */
  public readonly preview?: string;

  public constructor(scope: Construct, id: string, props: BlueGreenProps) {
    super(scope, id);
    if (props.previewMatch && !props.preview) {
      throw new Error(`'previewMatch' is set but 'preview' is not: name the subset that preview requests go to`);
    }
    if (props.preview !== undefined && props.preview === props.active) {
      throw new Error(`'preview' must differ from 'active', got '${props.preview}' for both`);
    }
    this.active = props.active;
    this.preview = props.preview;
    const model = HostTraffic.of(this, props.service);
    if (props.preview) {
      const match = props.previewMatch ?? HttpMatch.header('x-preview', StringMatch.exact('true'));
      model.addRoute(this, { matches: [match], targets: [{ service: props.service, subset: props.preview, prop: 'preview' }] });
    }
    model.addRoute(this, { matches: [], targets: [{ service: props.service, subset: props.active, prop: 'active' }] });
    this.virtualService = model.virtualService;
    this.httpRoute = model.httpRoute;
  }
}

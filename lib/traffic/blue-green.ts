import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { HTTPRoute } from '../../imports/gateway-api';
import { VirtualService } from '../../imports/networking.istio.io';
import { kubeService } from '../private/k8s';
import { MeshService } from '../service';
import { argoRollout } from './delivery/argo-rollouts';
import { assertIstioApi, Delivery, DeliveryController } from './delivery/delivery';
import { handToFlagger } from './delivery/flagger';
import { targetWorkload } from './delivery/workload';
import { HttpMatch, StringMatch } from './http-match';
import { HostTraffic } from './host-traffic';

/**
 * Properties for `BlueGreen`.
 */
export interface BlueGreenProps {
  /** The service whose traffic switches between releases. */
  readonly service: MeshService;

  /**
   * Subset that receives all traffic; switching is a change of this prop alone.
   *
   * @default - required with static delivery; with a controller, the controller switches the release
   */
  readonly active?: string;

  /**
   * Subset reachable only by requests that carry the preview match, for testing before the switch.
   *
   * @default - no preview route (with static delivery); with a controller, the new release it runs
   */
  readonly preview?: string;

  /**
   * Requests that go to the preview: the `preview` subset, the new release under test with Flagger (its
   * A/B testing), or the preview Service with Argo Rollouts.
   *
   * @default - requests with header `x-preview: true`, when `preview` is set; none with a controller
   */
  readonly previewMatch?: HttpMatch;

  /**
   * Who switches: the app (a commit of `active`), Flagger (after its checks pass) or Argo Rollouts
   * (which switches the selectors of the host's Service and of `<host>-preview`).
   *
   * @default Delivery.STATIC
   */
  readonly delivery?: Delivery;
}

/**
 * Sends all traffic for a service to one release (`active`), optionally with a header-gated preview.
 *
 * @example new BlueGreen(chart, 'reviews', { service: bookinfo.reviews, active: 'v1' })
 */
export class BlueGreen extends Construct {
  /** The host's VirtualService, shared with the other blocks on the host in this chart; `undefined` when the chart uses the Gateway API or Flagger owns the host. */
  public readonly virtualService?: VirtualService;

  /** The host's HTTPRoute, shared with the other blocks on the host in this chart; `undefined` with Istio's APIs. */
  public readonly httpRoute?: HTTPRoute;

  /** The `flagger.app/v1beta1` Canary, with `Delivery.flagger()`. */
  public readonly flaggerCanary?: ApiObject;

  /** The `argoproj.io/v1alpha1` Rollout, with `Delivery.argoRollouts()`. */
  public readonly rollout?: ApiObject;

  /** The Service of the preview release (`<host>-preview`), with `Delivery.argoRollouts()`. */
  public readonly previewService?: ApiObject;

  /** Subset that receives all traffic, with static delivery. */
  public readonly active?: string;

  /** Subset reachable by the preview match, if any. */
  public readonly preview?: string;

  /** Who switches. */
  public readonly delivery: Delivery;

  public constructor(scope: Construct, id: string, props: BlueGreenProps) {
    super(scope, id);
    this.delivery = props.delivery ?? Delivery.STATIC;
    const controller = this.delivery.controller;
    if (controller !== DeliveryController.STATIC) {
      for (const prop of ['active', 'preview'] as const) {
        if (props[prop] !== undefined) {
          throw new Error(`'${prop}' is '${props[prop]}', but ${controller} switches between the workload's releases itself: leave out 'active' and 'preview'`);
        }
      }
    } else if (props.active === undefined) {
      throw new Error(`'active' is required with static delivery: name the subset that receives all traffic`);
    }
    if (controller === DeliveryController.STATIC && props.previewMatch && !props.preview) {
      throw new Error(`'previewMatch' is set but 'preview' is not: name the subset that preview requests go to`);
    }
    if (props.preview !== undefined && props.preview === props.active) {
      throw new Error(`'preview' must differ from 'active', got '${props.preview}' for both`);
    }
    this.active = props.active;
    this.preview = props.preview;
    const model = HostTraffic.of(this, props.service);
    const service = props.service;

    if (controller === DeliveryController.FLAGGER) {
      this.flaggerCanary = handToFlagger(this, model, service, this.delivery._settings, 'blue-green', props.previewMatch && [props.previewMatch]);
      return;
    }

    if (controller === DeliveryController.ARGO_ROLLOUTS) {
      assertIstioApi(this, 'Argo Rollouts');
      const settings = this.delivery._settings;
      const workload = targetWorkload(this, service, settings.workload);
      const previewHost = `${service.host}-preview`;
      const ports: any[] = service._source?.toJson().spec?.ports ?? (service.port !== undefined ? [{ port: service.port, name: 'http' }] : []);
      if (ports.length === 0) {
        throw new Error(`host '${service.host}' needs a port for its preview Service: give its MeshService a 'port'`);
      }
      // Argo Rollouts adds the preview ReplicaSet's pod-template hash to this selector
      this.previewService = kubeService(this, 'PreviewService', { name: previewHost, namespace: service.namespace },
        { ports, selector: service.selector ?? workload.matchLabels });
      if (props.previewMatch) {
        const previewHandle = new MeshService({ host: previewHost, namespace: service.namespace, port: service.port, selector: service.selector });
        model.addRoute(this, { matches: [props.previewMatch], targets: [{ service: previewHandle, prop: 'previewMatch' }] });
      }
      model.addRoute(this, { matches: [], targets: [{ service, prop: 'service' }] });
      this.rollout = argoRollout(this, settings, workload, { strategy: 'blue-green', activeService: service.host, previewService: previewHost });
    } else {
      if (props.preview) {
        const match = props.previewMatch ?? HttpMatch.header('x-preview', StringMatch.exact('true'));
        model.addRoute(this, { matches: [match], targets: [{ service, subset: props.preview, prop: 'preview' }] });
      }
      model.addRoute(this, { matches: [], targets: [{ service, subset: props.active, prop: 'active' }] });
    }
    this.virtualService = model.virtualService;
    this.httpRoute = model.httpRoute;
  }
}

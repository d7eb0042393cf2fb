import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { FLAGGER_SELECTOR_LABELS } from '../../private/mesh-defaults';
import { formatLabels } from '../../private/objects';
import { SynthIndex } from '../../private/synth-index';
import { istioDurationOf } from '../../private/validate';
import { MeshService } from '../../service';
import { HostTraffic } from '../host-traffic';
import { HttpMatch } from '../http-match';
import { IngressGateway } from '../ingress-gateway';
import { HttpBehaviour, RouteContribution, TrafficPolicyContribution } from '../host/contributions';
import { istioCors, istioHeaders, istioMatch, istioTrafficPolicy } from '../host/istio';
import { HostRenderer, HostView } from '../host/renderer';
import { assertIstioApi, controllerDuration, DeliverySettings } from './delivery';
import { TargetWorkload, targetWorkload } from './workload';

/**
 * What a release asks of Flagger.
 *
 * @internal
 */
export interface FlaggerRelease {
  /** The Canary or BlueGreen construct that handed the host to Flagger. */
  readonly by: Construct;
  /** `canary`: step weights; `blue-green`: iterations, then every request at once. */
  readonly strategy: 'canary' | 'blue-green';
  /** Requests that reach the new release during the analysis (Flagger's A/B testing), for blue/green. */
  readonly match?: HttpMatch[];
  readonly settings: DeliverySettings;
  readonly workload: TargetWorkload;
}

/**
 * A host handed to Flagger: one `flagger.app/v1beta1` Canary (`FlaggerCanary`) and nothing that routes or
 * defines rules for the host, since Flagger creates the host's VirtualService, its `-primary` and
 * `-canary` DestinationRules and Services, and reverts whatever else edits them.
 *
 * The contributions Flagger's Canary has a field for go there: the host's timeout, retries and header
 * changes (`service.timeout`, `service.retries`, `service.headers`) and its DestinationRule policy (`service.trafficPolicy`, which
 * Flagger writes into both rules). Every other contribution fails, naming the block that made it.
 *
 * @internal
 */
export class FlaggerRenderer implements HostRenderer {
  public readonly virtualService = undefined;
  public readonly httpRoute = undefined;
  public readonly destinationRule = undefined;
  public readonly versionServices: ApiObject[] = [];
  public readonly canary: ApiObject;

  public constructor(scope: Construct, private readonly view: HostView, private readonly release: FlaggerRelease) {
    const service = view.service;
    const label = FLAGGER_SELECTOR_LABELS.find(l => release.workload.matchLabels[l] !== undefined);
    if (!label) {
      throw new Error(`Deployment ${release.workload.name} selects its pods by ${formatLabels(release.workload.matchLabels) || 'no label'}; Flagger finds a workload's pods `
        + `by one of ${FLAGGER_SELECTOR_LABELS.join(', ')} (its -selector-labels), so it could not take it over: add one to the Deployment's selector`);
    }
    if (service.selector?.[label] !== undefined) {
      // Flagger's primary pods carry the workload's labels with the selector label suffixed: policies that select the host's pods must select those too
      service._controllerPods = { labels: { ...service.selector, [label]: `${release.workload.matchLabels[label]}-primary` }, by: release.by.node.path };
    }
    SynthIndex.addCheck(release.by, () => this.ingressRoutes());
    this.canary = new ApiObject(scope, 'FlaggerCanary', {
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      metadata: { name: view.service.host, namespace: view.service.namespace },
      spec: Lazy.any({ produce: () => this.renderCanary() }),
    });
  }

  public get route(): ApiObject {
    return this.canary;
  }

  public checkRoute(by: IConstruct, route: RouteContribution): void {
    const what = route.matches.length === 0 ? 'a default route' : `a route for ${route.matches.map(m => `(${m.description})`).join(' or ')}`;
    throw new Error(this.owned(by, `adds ${what}`, 'Flagger writes every route of the host (the weights between -primary and -canary); '
      + 'route other hosts, or give the release\'s match to the Canary or BlueGreen that hands the host over'));
  }

  public checkBehaviour(by: IConstruct, behaviour: HttpBehaviour): void {
    if (behaviour.fault) {
      throw new Error(this.owned(by, 'injects a fault', 'Flagger\'s Canary has no fault field; inject it on a host Flagger does not own'));
    }
    if (behaviour.mirror) {
      throw new Error(this.owned(by, 'mirrors requests', 'Flagger mirrors to the canary itself (analysis.mirror), not to a subset'));
    }
  }

  public checkPolicy(by: IConstruct, policy: TrafficPolicyContribution): void {
    if (policy.retryBudget) {
      throw new Error(this.owned(by, 'sets a retry budget', 'Flagger\'s service.trafficPolicy takes connectionPool, loadBalancer, outlierDetection and tls only'));
    }
  }

  public addSubsets(by: IConstruct): void {
    throw new Error(this.owned(by, 'defines subsets', 'Flagger routes to the -primary and -canary Services it creates, so subsets of the host are never used'));
  }

  public ensureRoute(): void {}

  public ensurePolicy(): void {}

  // a gateway's own route to the host sends requests to the apex Service, which Flagger points at the
  // primary pods: they would never reach the canary, and its analysis would see none of them
  private ingressRoutes(): string[] {
    return IngressGateway._all(this.release.by).filter(i => i.service === this.view.service).map(i => `${i.node.path} routes requests to host '${i.service.host}', which Flagger delivers `
      + `(${this.release.by.node.path}): they would reach its primary pods alone, never the release; let Flagger route the gateway's hosts `
      + `with Delivery.flagger({ gateways: ['${i.namespace ?? 'default'}/${i.name}'], hosts: [...] }) and keep the Gateway without a route of the app`);
  }

  private owned(by: IConstruct, what: string, instead: string): string {
    return `host '${this.view.service.host}' is delivered by Flagger (${this.release.by.node.path}), but ${by.node.path} ${what}: ${instead}`;
  }

  private renderCanary(): unknown {
    const { service } = this.view;
    const { settings, workload, strategy, match } = this.release;
    const { timeout, retries, headers, cors } = this.view.behaviourOf(this.view.orderedRoutes()[0]);
    const policy = this.view.trafficPolicy();
    const interval = controllerDuration(settings.interval);
    const port = servicePort(this.view);
    return {
      provider: 'istio',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: workload.name },
      service: {
        name: service.host,
        port: port.port,
        // the mesh stays routed by Flagger when a gateway is added: in-mesh callers take part in the release too
        gateways: settings.gateways && [...settings.gateways, 'mesh'],
        hosts: settings.hosts,
        targetPort: port.targetPort,
        portName: port.name,
        timeout: timeout && istioDurationOf(timeout.value),
        retries: retries && {
          attempts: retries.value.attempts,
          perTryTimeout: retries.value.perTryTimeout && istioDurationOf(retries.value.perTryTimeout),
          retryOn: retries.value.retryOn && retries.value.retryOn.length > 0 ? retries.value.retryOn.join(',') : undefined,
        },
        headers: headers && istioHeaders(headers.value),
        corsPolicy: cors && istioCors(cors.value),
        trafficPolicy: istioTrafficPolicy(policy),
      },
      analysis: {
        interval,
        threshold: settings.threshold,
        ...strategy === 'canary' ? { stepWeights: settings.steps } : { iterations: settings.iterations },
        match: match?.map(istioMatch),
        mirror: settings.mirrorPercentage !== undefined ? true : undefined,
        mirrorWeight: settings.mirrorPercentage,
        metrics: [
          { name: 'request-success-rate', thresholdRange: { min: settings.minSuccessRate }, interval },
          { name: 'request-duration', thresholdRange: { max: settings.maxRequestDuration.toMilliseconds() }, interval },
        ],
      },
    };
  }
}

/** The Service port Flagger exposes on the Services it creates, with the target port and name of the app's Service. */
function servicePort(view: HostView): { port: number; targetPort?: number | string; name?: string } {
  const { service } = view;
  if (service.port === undefined) {
    throw new Error(`host '${service.host}' is delivered by Flagger, which needs the Service port: give its MeshService a 'port'`);
  }
  const ports: any[] = service._source?.toJson().spec?.ports ?? [];
  const entry = ports.find(p => p.port === service.port);
  return { port: service.port, targetPort: entry?.targetPort, name: entry?.name };
}

/**
 * Hands the host of `model` to Flagger for `by` (a Canary or BlueGreen): its chart must keep Istio's APIs,
 * the service's workload is the target, and Flagger's renderer replaces the family's. Returns the Canary.
 *
 * @internal
 */
export function handToFlagger(by: Construct, model: HostTraffic, service: MeshService, settings: DeliverySettings,
  strategy: FlaggerRelease['strategy'], match?: HttpMatch[]): ApiObject {
  assertIstioApi(by, 'Flagger');
  const workload = targetWorkload(by, service, settings.workload);
  let renderer: FlaggerRenderer | undefined;
  model._deliverWith(by, 'Flagger', (scope, view) => (renderer = new FlaggerRenderer(scope, view, { by, strategy, settings, workload, match })));
  return renderer!.canary;
}

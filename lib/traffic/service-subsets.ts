import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { DestinationRule } from '../../imports/networking.istio.io';
import { labelsMatch } from '../private/labels';
import { formatLabels } from '../private/objects';
import { SynthIndex } from '../private/synth-index';
import { assertDnsLabel } from '../private/validate';
import { MeshService } from '../service';
import { HostTraffic } from './host-traffic';

/**
 * A named subset of a service's endpoints.
 */
export interface SubsetDefinition {
  /** Subset name that routes refer to (`v1`). */
  readonly name: string;

  /**
   * Pod labels that select the subset's endpoints.
   *
   * @default - `{ version: <name> }`, Istio's convention
   */
  readonly labels?: Record<string, string>;
}

/**
 * Properties for `ServiceSubsets`.
 */
export interface ServiceSubsetsProps {
  /** The service whose subsets are defined; its handle learns them, so routes may name them. */
  readonly service: MeshService;

  /** The subsets: names (labelled `version: <name>`) or definitions with explicit labels. */
  readonly subsets: Array<string | SubsetDefinition>;

  /**
   * Name of the DestinationRule.
   *
   * @default - the service's host
   */
  readonly name?: string;
}

/**
 * Defines the DestinationRule that names the subsets of one service.
 *
 * Routes can only name subsets defined here (or declared with `MeshService.fromHost`). When the service's
 * workloads are defined in the app, every subset must select at least one of its Deployments.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/
 */
export class ServiceSubsets extends Construct {
  /** The host's DestinationRule, shared with the policy blocks on the host in this chart: the escape hatch; `undefined` with the Gateway API. */
  public readonly destinationRule?: DestinationRule;

  /** With the Gateway API, the Service of each subset (`reviews-v1`), which routes send traffic to; otherwise empty. */
  public readonly versionServices: ApiObject[];

  /** Name of the DestinationRule. */
  public readonly name: string;

  /** The subsets with their resolved labels. */
  public readonly subsets: Required<SubsetDefinition>[];

  public constructor(scope: Construct, id: string, props: ServiceSubsetsProps) {
    super(scope, id);
    this.name = props.name ?? props.service.host;
    assertDnsLabel('name', this.name);
    if (props.subsets.length === 0) {
      throw new Error(`'subsets' must name at least one subset for host '${props.service.host}'`);
    }
    this.subsets = props.subsets.map((s, i) => resolveSubset(`subsets[${i}]`, s));
    const model = HostTraffic.of(this, props.service);
    model.namePolicy(this, this.name);
    const before = model.versionServices.length;
    model.addSubsets(this, this.subsets);
    this.destinationRule = model.destinationRule;
    this.versionServices = model.versionServices.slice(before);
    SynthIndex.addCheck(this, () => this.unselectedSubsets(props.service));
  }

  private unselectedSubsets(service: MeshService): string[] {
    const selector = service.selector;
    if (!selector) {
      return [];
    }
    const podLabels = deploymentsSelectedBy(this, service.namespace, selector);
    return this.subsets
      .filter(s => !podLabels.some(d => labelsMatch(s.labels, d.labels)))
      .map(s => `subset '${s.name}' of host '${service.host}' selects no Deployment defined in the app `
        + `(subset labels: ${formatLabels(s.labels)}; deployments of the service: ${podLabels.map(d => d.name).join(', ') || 'none'})`);
  }
}

interface PodTemplate {
  readonly name: string;
  readonly labels?: Record<string, string>;
}

/**
 * The app's Deployments in `namespace` whose pod labels match `selector`.
 *
 * Deployments are indexed once per validation pass by namespace and pod label, so a lookup reads only
 * the Deployments that carry one of the selector's labels, not every Deployment of the app.
 */
function deploymentsSelectedBy(scope: Construct, namespace: string | undefined, selector: Record<string, string>): PodTemplate[] {
  const index = SynthIndex.of(scope);
  const byLabel = index.memo('deployments-by-label', () => {
    const map = new Map<string, PodTemplate[]>();
    for (const d of index.objectsOf('Deployment')) {
      const labels: Record<string, string> = d.manifest.spec?.template?.metadata?.labels ?? {};
      const template = { name: d.manifest.metadata?.name, labels };
      for (const [k, v] of Object.entries(labels)) {
        const key = labelKey(d.manifest.metadata?.namespace, k, v);
        const list = map.get(key) ?? [];
        list.push(template);
        map.set(key, list);
      }
    }
    return map;
  });
  const [first] = Object.entries(selector).map(([k, v]) => byLabel.get(labelKey(namespace, k, v)) ?? []).sort((a, b) => a.length - b.length);
  return first ? first.filter(d => labelsMatch(selector, d.labels)) : [];
}

function labelKey(namespace: string | undefined, key: string, value: string): string {
  return `${namespace ?? ''}\0${key}=${value}`;
}

function resolveSubset(prop: string, subset: string | SubsetDefinition): Required<SubsetDefinition> {
  const definition = typeof subset === 'string' ? { name: subset } : subset;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(definition.name)) {
    throw new Error(`'${typeof subset === 'string' ? prop : `${prop}.name`}' must be a subset name (lowercase letters, digits and '-'), got '${definition.name}'`);
  }
  const labels = definition.labels ?? { version: definition.name };
  if (Object.keys(labels).length === 0) {
    throw new Error(`'${prop}.labels' of subset '${definition.name}' must not be empty (an empty selector matches every endpoint)`);
  }
  return { name: definition.name, labels };
}

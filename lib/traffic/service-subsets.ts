import { Construct } from 'constructs';
import { DestinationRule } from '../../imports/networking.istio.io';
import { formatLabels, labelsMatch } from '../private/objects';
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
  /** The host's DestinationRule, shared with the policy blocks on the host in this chart: the escape hatch. */
  public readonly destinationRule: DestinationRule;

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
    this.subsets = props.subsets.map(s => resolveSubset(s));
    const model = HostTraffic.of(this, props.service);
    model._namePolicy(this, this.name);
    this.destinationRule = model._addSubsets(this, this.subsets);
    this.node.addValidation({ validate: () => this.unselectedSubsets(props.service) });
  }

  private unselectedSubsets(service: MeshService): string[] {
    const selector = service.selector;
    if (!selector) {
      return [];
    }
    const podLabels = deploymentsIn(this, service.namespace).filter(d => labelsMatch(selector, d.labels));
    return this.subsets
      .filter(s => !podLabels.some(d => labelsMatch(s.labels, d.labels)))
      .map(s => `subset '${s.name}' of host '${service.host}' selects no Deployment defined in the app `
        + `(subset labels: ${formatLabels(s.labels)}; deployments of the service: ${podLabels.map(d => d.name).join(', ') || 'none'})`);
  }
}

/** The pod labels of the app's Deployments in `namespace`, grouped once per validation pass. */
function deploymentsIn(scope: Construct, namespace: string | undefined): Array<{ name: string; labels?: Record<string, string> }> {
  const index = SynthIndex.of(scope);
  const byNamespace = index.memo('deployments-by-namespace', () => {
    const map = new Map<string, Array<{ name: string; labels?: Record<string, string> }>>();
    for (const d of index.objectsOf('Deployment')) {
      const ns = d.manifest.metadata?.namespace ?? '';
      const list = map.get(ns) ?? [];
      list.push({ name: d.manifest.metadata?.name, labels: d.manifest.spec?.template?.metadata?.labels });
      map.set(ns, list);
    }
    return map;
  });
  return byNamespace.get(namespace ?? '') ?? [];
}

function resolveSubset(subset: string | SubsetDefinition): Required<SubsetDefinition> {
  const definition = typeof subset === 'string' ? { name: subset } : subset;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(definition.name)) {
    throw new Error(`subset name must be lowercase letters, digits and '-', got '${definition.name}'`);
  }
  const labels = definition.labels ?? { version: definition.name };
  if (Object.keys(labels).length === 0) {
    throw new Error(`'labels' of subset '${definition.name}' must not be empty (an empty selector matches every endpoint)`);
  }
  return { name: definition.name, labels };
}

import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { DestinationRule } from '../../imports/networking.istio.io';
import { labelsMatch } from '../private/labels';
import { formatLabels } from '../private/objects';
import { SynthIndex } from '../private/synth-index';
import { workloadsSelectedBy } from '../private/workloads';
import { assertDnsLabel } from '../private/validate';
import { MeshService } from '../service';
import { HostTraffic } from './host-traffic';
import { SubsetContribution } from './host/contributions';

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

  /**
   * Subsets by name, each selecting the pods labelled `version: <name>`.
   *
   * @default - one per `version` label of the service's workloads (`service.versions`, for a handle from
   * `MeshService.fromService`), unless `definitions` are given
   */
  readonly subsets?: string[];

  /**
   * Subsets with labels of their own (`{ name: 'canary', labels: { track: 'canary' } }`), after `subsets`.
   *
   * @default - none
   */
  readonly definitions?: SubsetDefinition[];

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
  public readonly subsets: SubsetContribution[];

  public constructor(scope: Construct, id: string, props: ServiceSubsetsProps) {
    super(scope, id);
    this.name = props.name ?? props.service.host;
    assertDnsLabel('name', this.name);
    const named = props.subsets ?? (props.definitions ? [] : props.service.versions);
    if (props.subsets === undefined && props.definitions === undefined && named.length === 0) {
      throw new Error(`'subsets' must be given for host '${props.service.host}': its handle knows no workload versions `
        + '(a handle from MeshService.fromService learns them from the `version` labels of the workloads its Service selects)');
    }
    if (named.length + (props.definitions?.length ?? 0) === 0) {
      throw new Error(`'subsets' must name at least one subset for host '${props.service.host}'`);
    }
    this.subsets = [
      ...named.map((s, i) => resolveSubset(`subsets[${i}]`, { name: s })),
      ...(props.definitions ?? []).map((s, i) => resolveSubset(`definitions[${i}]`, s)),
    ];
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
    const workloads = workloadsSelectedBy(this, service.namespace, selector);
    return this.subsets
      .filter(s => !workloads.some(w => labelsMatch(s.labels, w.labels)))
      .map(s => `subset '${s.name}' of host '${service.host}' selects no workload defined in the app `
        + `(subset labels: ${formatLabels(s.labels)}; workloads of the service: ${workloads.map(w => w.name).join(', ') || 'none'})`);
  }
}

function resolveSubset(prop: string, definition: SubsetDefinition): SubsetContribution {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(definition.name)) {
    throw new Error(`'${prop.startsWith('subsets') ? prop : `${prop}.name`}' must be a subset name (lowercase letters, digits and '-'), got '${definition.name}'`);
  }
  const labels = definition.labels ?? { version: definition.name };
  if (Object.keys(labels).length === 0) {
    throw new Error(`'${prop}.labels' of subset '${definition.name}' must not be empty (an empty selector matches every endpoint)`);
  }
  return { name: definition.name, labels };
}

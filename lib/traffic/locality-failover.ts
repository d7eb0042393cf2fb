import { Construct } from 'constructs';
import { DestinationRule } from '../../imports/networking.istio.io';
import { SynthIndex } from '../private/synth-index';
import { MeshService } from '../service';
import { HostTraffic } from './host-traffic';

/**
 * Where requests go when the endpoints of a region are unhealthy.
 */
export interface RegionFailover {
  /** The region whose callers fail over (`us-east1`). */
  readonly region: string;

  /** The region their requests go to instead. */
  readonly toRegion: string;
}

/**
 * How the requests of callers in one locality are spread over localities.
 */
export interface LocalityDistribution {
  /** The callers' locality, `region/zone/subzone`, each part possibly `*` (`us-west/zone1/*`). */
  readonly locality: string;

  /** Integer percentages by destination locality, summing to 100 (`{ 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 }`). */
  readonly weights: Record<string, number>;
}

/**
 * Properties for `LocalityFailover`.
 */
export interface LocalityFailoverProps {
  /** The service whose endpoints are chosen by locality. */
  readonly service: MeshService;

  /**
   * Explicit region failover: callers in `region` go to `toRegion` when their own region's endpoints are
   * unhealthy.
   *
   * @default - Envoy's order: the caller's zone, its region, then any other region
   */
  readonly failover?: RegionFailover[];

  /**
   * Pod labels that order failover beyond locality (`topology.istio.io/network`, `topology.kubernetes.io/region`):
   * endpoints that share more of them with the caller come first.
   *
   * @default - locality alone
   */
  readonly failoverPriority?: string[];

  /**
   * Weighted distribution across localities instead of failover (Istio takes one of the two).
   *
   * @default - failover
   */
  readonly distribute?: LocalityDistribution[];

  /**
   * Subset the settings apply to (defined by a `ServiceSubsets` in the same chart).
   *
   * @default - every endpoint of the host
   */
  readonly subset?: string;
}

/**
 * Locality-aware load balancing of a service: requests stay in the caller's locality and fail over to the
 * next one (by explicit region pairs or label priority), or are distributed by weight across localities.
 *
 * Failover needs outlier detection on the host (or the subset), or Istio never sees an endpoint as
 * unhealthy and silently never fails over: synth fails until a `CircuitBreaker` sets it.
 *
 * @example new LocalityFailover(chart, 'helloworld-failover', { service: helloworld, failover: [{ region: 'region1', toRegion: 'region2' }] })
 * @see https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/failover/
 */
export class LocalityFailover extends Construct {
  /** The host's DestinationRule: the escape hatch. */
  public readonly destinationRule?: DestinationRule;

  public constructor(scope: Construct, id: string, props: LocalityFailoverProps) {
    super(scope, id);
    const failover = props.failover ?? [];
    const distribute = props.distribute ?? [];
    if (distribute.length > 0 && (failover.length > 0 || props.failoverPriority)) {
      throw new Error(`'distribute' and '${failover.length > 0 ? 'failover' : 'failoverPriority'}' are both set: Istio takes weighted distribution or failover, not both`);
    }
    failover.forEach((f, i) => {
      for (const [prop, region] of [['region', f.region], ['toRegion', f.toRegion]] as const) {
        if (!/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(region)) {
          throw new Error(`'failover[${i}].${prop}' must be a region name, got '${region}'`);
        }
      }
      if (f.region === f.toRegion) {
        throw new Error(`'failover[${i}]' fails region '${f.region}' over to itself`);
      }
    });
    if (props.failoverPriority !== undefined && props.failoverPriority.length === 0) {
      throw new Error(`'failoverPriority' must name at least one label when set`);
    }
    distribute.forEach((d, i) => {
      if (!/^[^/]+(\/[^/]+){0,2}$/.test(d.locality)) {
        throw new Error(`'distribute[${i}].locality' must be region[/zone[/subzone]], got '${d.locality}'`);
      }
      const weights = Object.values(d.weights);
      const total = weights.reduce((sum, w) => sum + w, 0);
      if (weights.some(w => !Number.isInteger(w) || w < 0) || total !== 100) {
        throw new Error(`'distribute[${i}].weights' must be integer percentages summing to 100, got ${JSON.stringify(d.weights)}`);
      }
    });
    const model = HostTraffic.of(this, props.service);
    model.addPolicy(this, {
      localityLbSetting: {
        enabled: true,
        failover: failover.length > 0 ? failover.map(f => ({ from: f.region, to: f.toRegion })) : undefined,
        failoverPriority: props.failoverPriority,
        distribute: distribute.length > 0 ? distribute.map(d => ({ from: d.locality, to: d.weights })) : undefined,
      },
    }, props.subset);
    this.destinationRule = model.destinationRule;
    if (distribute.length === 0) {
      // Envoy learns an endpoint is unhealthy only from outlier detection: without it, failover never happens
      SynthIndex.addCheck(this, () => model.policyOf(props.subset)?.outlierDetection || model.policyOf()?.outlierDetection ? [] : [
        `locality failover of host '${props.service.host}'${props.subset ? ` (subset '${props.subset}')` : ''} has no outlier detection, without which Istio `
        + 'never sees an endpoint as unhealthy and never fails over: add a CircuitBreaker with outlierDetection for the host',
      ]);
    }
  }
}

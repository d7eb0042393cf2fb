import { Construct } from 'constructs';
import { Sidecar } from '../../imports/networking.istio.io';
import { ROOT_NAMESPACE } from '../private/mesh-defaults';
import { ambientNamespace, SynthIndex } from '../private/synth-index';
import { assertDnsLabel } from '../private/validate';
import { MeshService } from '../service';
import { CallEdge } from './zero-trust';

/**
 * What a workload's sidecar does with a request to a host the mesh's registry does not know.
 */
export enum OutboundPolicy {
  /** Refuse it: only the Services and ServiceEntries of the registry are reachable (502). */
  REGISTRY_ONLY = 'REGISTRY_ONLY',
  /** Pass it through: any host on the internet is reachable (Istio's default). */
  ALLOW_ANY = 'ALLOW_ANY',
}

/**
 * Properties for `EgressScope`.
 */
export interface EgressScopeProps {
  /**
   * Namespace whose workloads are scoped; in the root namespace (`istio-system`), the scope without
   * edges is the whole mesh's default.
   */
  readonly namespace: string;

  /**
   * The call graph, as `ZeroTrust` takes it: each caller of the namespace may reach exactly the hosts it
   * calls (and `istio-system`); the namespace's other workloads reach only `istio-system`.
   *
   * @default - no scoping: every host of the registry is reachable
   */
  readonly edges?: CallEdge[];

  /**
   * What happens to requests for hosts outside the registry.
   *
   * @default OutboundPolicy.REGISTRY_ONLY
   */
  readonly outboundPolicy?: OutboundPolicy;
}

/**
 * Scopes the egress of a namespace's workloads with `Sidecar` resources: from a call graph, each
 * workload's sidecar knows exactly the hosts it calls (plus `istio-system`), which is both least
 * privilege and, at scale, the fix for sidecar memory (a sidecar otherwise holds every host of the
 * mesh); and the outbound policy (`REGISTRY_ONLY`: requests to hosts the mesh does not know fail).
 *
 * @example new EgressScope(chart, 'egress', { namespace: 'bookinfo', edges: bookinfo.callGraph() })
 * @see https://istio.io/latest/docs/reference/config/networking/sidecar/
 */
export class EgressScope extends Construct {
  /** The namespace's default Sidecar (no workload selector). */
  public readonly defaultSidecar: Sidecar;

  /** A Sidecar per calling service of the namespace, by host. */
  public readonly sidecars: Record<string, Sidecar> = {};

  public constructor(scope: Construct, id: string, props: EgressScopeProps) {
    super(scope, id);
    SynthIndex.watch(this);
    assertDnsLabel('namespace', props.namespace);
    const mode = props.outboundPolicy ?? OutboundPolicy.REGISTRY_ONLY;
    if (!Object.values(OutboundPolicy).includes(mode)) {
      throw new Error(`'outboundPolicy' must be one of ${Object.values(OutboundPolicy).join(', ')}, got '${mode}'`);
    }
    const outboundTrafficPolicy = { mode };
    SynthIndex.addCheck(this, () => {
      const ambient = ambientNamespace(this, props.namespace);
      return ambient ? [`${ambient}: Sidecar resources configure sidecars, so the egress scope would apply to nothing; `
        + 'in ambient mode, restrict egress with AuthorizationPolicies at an egress waypoint, or keep the namespace on sidecars'] : [];
    });
    const edges = props.edges ?? [];
    const callees = new Map<MeshService, Set<string>>();
    edges.forEach((edge, i) => {
      const caller = edge.caller ?? edge.from;
      // only the namespace's own services get a sidecar here; other callers (a gateway) are not its workloads
      if (!(caller instanceof MeshService) || caller.namespace !== props.namespace) {
        return;
      }
      if (!caller.selector) {
        throw new Error(`'edges[${i}]' starts at '${caller.host}', whose handle has no selector: its Sidecar could not select its pods`);
      }
      if (!edge.to.namespace) {
        throw new Error(`'edges[${i}]' goes to '${edge.to.host}', whose handle has no namespace: a Sidecar names hosts as namespace/host`);
      }
      const hosts = callees.get(caller) ?? new Set<string>();
      hosts.add(`${edge.to.namespace}/${edge.to.fqdn}`);
      callees.set(caller, hosts);
    });
    this.defaultSidecar = new Sidecar(this, 'Default', {
      metadata: { name: 'default', namespace: props.namespace },
      spec: {
        // with a graph, a workload that calls nothing reaches only the control plane; without one, every host
        egress: [{ hosts: edges.length > 0 ? [`${ROOT_NAMESPACE}/*`] : ['*/*'] }],
        outboundTrafficPolicy,
      },
    });
    for (const [caller, hosts] of callees) {
      this.sidecars[caller.host] = new Sidecar(this, caller.host, {
        metadata: { name: caller.host, namespace: props.namespace },
        spec: {
          workloadSelector: { labels: caller.selector },
          egress: [{ hosts: [...[...hosts].sort(), `${ROOT_NAMESPACE}/*`] }],
          outboundTrafficPolicy,
        },
      });
    }
  }
}

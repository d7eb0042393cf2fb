import { Construct } from 'constructs';
import { PeerAuthentication, PeerAuthenticationSpecMtlsMode, PeerAuthenticationSpecPortLevelMtlsMode } from '../../imports/security.istio.io';
import { ROOT_NAMESPACE } from '../private/mesh-defaults';
import { assertDnsLabel, assertIntegerInRange } from '../private/validate';
import { SynthIndex } from '../private/synth-index';

/** How workloads accept traffic from their peers. */
export enum MtlsMode {
  /** Only mutual TLS: plaintext connections are refused. */
  STRICT = 'STRICT',
  /** Mutual TLS and plaintext both: the step for migrating clients that have no sidecar yet. */
  PERMISSIVE = 'PERMISSIVE',
  /** Plaintext only. */
  DISABLE = 'DISABLE',
}

/**
 * Properties for `MtlsPolicy`.
 */
export interface MtlsPolicyProps {
  /**
   * Namespace the policy covers.
   *
   * @default - the whole mesh: the policy is created in Istio's root namespace, `istio-system`
   */
  readonly namespace?: string;

  /**
   * How workloads accept traffic.
   *
   * @default MtlsMode.STRICT
   */
  readonly mode?: MtlsMode;

  /**
   * Labels of the workloads the policy covers.
   *
   * @default - every workload of the namespace (or mesh)
   */
  readonly selector?: Record<string, string>;

  /**
   * Modes for individual container ports, overriding `mode`. Istio requires a `selector` for these.
   *
   * @default - no port-level exceptions
   */
  readonly portModes?: Record<string, MtlsMode>;
}

/**
 * Defines the PeerAuthentication that makes workloads accept only mutual TLS (or, while migrating, both).
 *
 * No DestinationRule TLS settings are emitted: Istio's auto mTLS already sends mTLS to sidecars, and an
 * explicit client mode that disagrees with this policy breaks traffic (IST0113).
 *
 * @see https://istio.io/latest/docs/reference/config/security/peer_authentication/
 */
export class MtlsPolicy extends Construct {
  /** The generated PeerAuthentication: the escape hatch. */
  public readonly peerAuthentication: PeerAuthentication;

  /** The mode workloads accept. */
  public readonly mode: MtlsMode;

  public constructor(scope: Construct, id: string, props: MtlsPolicyProps = {}) {
    super(scope, id);
    SynthIndex.watch(this);
    this.mode = props.mode ?? MtlsMode.STRICT;
    const ports = Object.entries(props.portModes ?? {});
    if (ports.length > 0 && !props.selector) {
      throw new Error(`'portModes' requires a 'selector': Istio applies port-level mTLS only to selected workloads, got ports ${ports.map(([p]) => p).join(', ')} without one`);
    }
    if (props.selector && Object.keys(props.selector).length === 0) {
      throw new Error(`'selector' must have at least one label; omit it to cover the whole namespace`);
    }
    ports.forEach(([port]) => assertIntegerInRange('portModes', Number(port), 1, 65535));
    const namespace = props.namespace ?? ROOT_NAMESPACE;
    assertDnsLabel('namespace', namespace);
    // Istio honours one selector-less policy per namespace, the one named `default` by convention
    const name = props.selector ? `${Object.values(props.selector).join('-')}-mtls` : 'default';
    this.peerAuthentication = new PeerAuthentication(this, 'Resource', {
      metadata: { name, namespace },
      spec: {
        selector: props.selector && { matchLabels: props.selector },
        mtls: { mode: this.mode as string as PeerAuthenticationSpecMtlsMode },
        portLevelMtls: ports.length > 0 ? Object.fromEntries(ports.map(([port, mode]) => [port, { mode: mode as string as PeerAuthenticationSpecPortLevelMtlsMode }])) : undefined,
      },
    });
  }
}

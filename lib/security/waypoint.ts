import { Construct } from 'constructs';
import { Gateway } from '../../imports/gateway-api';
import { assertDnsLabel } from '../private/validate';
import { SynthIndex } from '../private/synth-index';

/**
 * Properties for `Waypoint`.
 */
export interface WaypointProps {
  /** Namespace whose services the waypoint serves. */
  readonly namespace: string;

  /**
   * Name of the waypoint, as `MeshNamespace({ waypoint })` and policies refer to it.
   *
   * @default 'waypoint'
   */
  readonly name?: string;
}

/**
 * An ambient-mode waypoint: the Envoy proxy that handles the L7 traffic (HTTP routes, L7 authorization)
 * of the services that use it. A Gateway API `Gateway` of class `istio-waypoint` with the HBONE listener
 * on port 15008, for service traffic (`istio.io/waypoint-for: service`); Istio deploys the proxy.
 *
 * @see https://istio.io/latest/docs/ambient/usage/waypoint/
 */
export class Waypoint extends Construct {
  /** The waypoint's Gateway API Gateway (class `istio-waypoint`). */
  public readonly gateway: Gateway;

  /** Name of the waypoint. */
  public readonly name: string;

  /** Namespace of the waypoint. */
  public readonly namespace: string;

  public constructor(scope: Construct, id: string, props: WaypointProps) {
    super(scope, id);
    SynthIndex.watch(this);
    assertDnsLabel('namespace', props.namespace);
    this.name = props.name ?? 'waypoint';
    assertDnsLabel('name', this.name);
    this.namespace = props.namespace;
    this.gateway = new Gateway(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace, labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
  }
}

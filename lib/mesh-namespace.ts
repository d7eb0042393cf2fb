import { ApiObject } from 'cdk8s';
import { kubeNamespace } from './private/k8s';
import { Construct } from 'constructs';
import { assertDnsLabel } from './private/validate';
import { SynthIndex } from './private/synth-index';

/**
 * How the mesh reaches a namespace's pods.
 *
 * @see https://istio.io/latest/docs/overview/dataplane-modes/
 */
export enum DataplaneMode {
  /** An Envoy sidecar injected into every pod (label `istio-injection` or `istio.io/rev`). */
  SIDECAR = 'sidecar',
  /** No sidecars: ztunnel on each node carries L4 mTLS, waypoints add L7 (label `istio.io/dataplane-mode=ambient`). */
  AMBIENT = 'ambient',
}

/**
 * Properties for `MeshNamespace`.
 */
export interface MeshNamespaceProps {
  /** Name of the namespace. */
  readonly name: string;

  /**
   * Istio control-plane revision whose sidecars are injected (label `istio.io/rev`).
   *
   * Istio ignores `istio.io/rev` when `istio-injection` is also set (IST0123), so only one label is emitted.
   *
   * @default - label `istio-injection=enabled`: the default revision injects sidecars
   */
  readonly revision?: string;

  /**
   * Extra labels.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * Sidecars, or ambient mode.
   *
   * @default DataplaneMode.SIDECAR
   */
  readonly dataplaneMode?: DataplaneMode;

  /**
   * Name of the waypoint (a `Waypoint` in this namespace) that handles the L7 traffic of the namespace's
   * services (label `istio.io/use-waypoint`), ingress traffic included (`istio.io/ingress-use-waypoint`).
   * Ambient mode only.
   *
   * @default - no waypoint: ztunnel alone, L4 only (no HTTP routing or L7 authorization)
   */
  readonly waypoint?: string;
}

/**
 * Defines a namespace in the mesh: its pods get Istio sidecars injected, or join ambient mode.
 *
 * @see https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/
 */
export class MeshNamespace extends Construct {
  /** The generated Namespace: the escape hatch. */
  public readonly namespace: ApiObject;

  /** Name of the namespace. */
  public readonly name: string;

  public constructor(scope: Construct, id: string, props: MeshNamespaceProps) {
    super(scope, id);
    SynthIndex.watch(this);
    assertDnsLabel('name', props.name);
    const mode = props.dataplaneMode ?? DataplaneMode.SIDECAR;
    if (!Object.values(DataplaneMode).includes(mode)) {
      throw new Error(`'dataplaneMode' must be one of ${Object.values(DataplaneMode).join(', ')}, got '${mode}'`);
    }
    if (props.waypoint !== undefined && mode !== DataplaneMode.AMBIENT) {
      throw new Error(`'waypoint' is set but 'dataplaneMode' is ${mode}: waypoints serve ambient namespaces`);
    }
    if (props.revision !== undefined && mode === DataplaneMode.AMBIENT) {
      throw new Error(`'revision' chooses the sidecar injector; it does not apply with 'dataplaneMode' ambient`);
    }
    if (props.waypoint !== undefined) {
      assertDnsLabel('waypoint', props.waypoint);
    }
    const injection: Record<string, string> = mode === DataplaneMode.AMBIENT
      // with a waypoint, ingress traffic goes through it too, so the waypoint's policies see every caller
      ? { 'istio.io/dataplane-mode': 'ambient', ...(props.waypoint ? { 'istio.io/use-waypoint': props.waypoint, 'istio.io/ingress-use-waypoint': 'true' } : {}) }
      : props.revision !== undefined ? { 'istio.io/rev': props.revision } : { 'istio-injection': 'enabled' };
    for (const key of ['istio-injection', 'istio.io/rev', 'istio.io/dataplane-mode', 'istio.io/use-waypoint']) {
      if (props.labels?.[key] !== undefined) {
        throw new Error(`'labels' must not set '${key}': use 'dataplaneMode', 'waypoint' or 'revision'`);
      }
    }
    if (props.revision !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(props.revision)) {
      throw new Error(`'revision' must be a revision name (lowercase letters, digits and '-'), got '${props.revision}'`);
    }
    this.name = props.name;
    this.namespace = kubeNamespace(this, 'Resource', { name: props.name, labels: { ...props.labels, ...injection } });
  }
}

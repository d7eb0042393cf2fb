import { ApiObject } from 'cdk8s';
import { kubeNamespace } from './private/k8s';
import { Construct } from 'constructs';
import { assertDnsLabel } from './private/validate';

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
}

/**
 * Defines a namespace whose pods get Istio sidecars injected.
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
    assertDnsLabel('name', props.name);
    const injection: Record<string, string> = props.revision !== undefined
      ? { 'istio.io/rev': props.revision }
      : { 'istio-injection': 'enabled' };
    for (const key of ['istio-injection', 'istio.io/rev']) {
      if (props.labels?.[key] !== undefined) {
        throw new Error(`'labels' must not set '${key}': use 'revision' to choose how sidecars are injected`);
      }
    }
    if (props.revision !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(props.revision)) {
      throw new Error(`'revision' must be a revision name (lowercase letters, digits and '-'), got '${props.revision}'`);
    }
    this.name = props.name;
    this.namespace = kubeNamespace(this, 'Resource', { name: props.name, labels: { ...props.labels, ...injection } });
  }
}

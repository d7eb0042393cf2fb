import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Telemetry } from '../imports/telemetry.istio.io';
import { ROOT_NAMESPACE } from './private/mesh-defaults';
import { renderedObjects } from './private/objects';
import { assertDnsLabel, assertPercentage } from './private/validate';
import { SynthIndex } from './private/synth-index';

/** Which requests Envoy logs. */
export enum AccessLogs {
  /** Every request. */
  ALL = 'all',
  /** Only responses with status 400 and above. */
  ERRORS_ONLY = 'errors-only',
  /** No access logs. */
  NONE = 'none',
}

/**
 * Properties for `MeshTelemetry`.
 */
export interface MeshTelemetryProps {
  /**
   * Namespace the telemetry applies to.
   *
   * @default - the whole mesh: Istio's root namespace, `istio-system`
   */
  readonly namespace?: string;

  /**
   * Labels of the workloads it applies to.
   *
   * @default - every workload of the namespace (or mesh)
   */
  readonly selector?: Record<string, string>;

  /**
   * Whether Envoy's metrics are exported to Prometheus.
   *
   * @default true
   */
  readonly prometheus?: boolean;

  /**
   * Which requests Envoy writes access logs for.
   *
   * @default AccessLogs.NONE
   */
  readonly accessLogs?: AccessLogs;

  /**
   * Percentage of requests traced, 0..100.
   *
   * @default - tracing is left as the mesh config sets it
   */
  readonly tracingSamplingPercentage?: number;
}

/**
 * Configures metrics, access logs and tracing with the Telemetry API, mesh-wide or per workload.
 *
 * @see https://istio.io/latest/docs/reference/config/telemetry/
 */
export class MeshTelemetry extends Construct {
  /** The generated Telemetry: the escape hatch. */
  public readonly telemetry: Telemetry;

  public constructor(scope: Construct, id: string, props: MeshTelemetryProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? ROOT_NAMESPACE;
    assertDnsLabel('namespace', namespace);
    if (props.tracingSamplingPercentage !== undefined) {
      assertPercentage('tracingSamplingPercentage', props.tracingSamplingPercentage);
    }
    if (props.selector && Object.keys(props.selector).length === 0) {
      throw new Error(`'selector' must have at least one label; omit it to cover the whole namespace`);
    }
    const accessLogs = props.accessLogs ?? AccessLogs.NONE;
    this.telemetry = new Telemetry(this, 'Resource', {
      metadata: { name: props.selector ? `${Object.values(props.selector).join('-')}-telemetry` : namespace === ROOT_NAMESPACE ? 'mesh-default' : 'namespace-default', namespace },
      spec: {
        selector: props.selector && { matchLabels: props.selector },
        metrics: (props.prometheus ?? true) ? [{ providers: [{ name: 'prometheus' }] }] : undefined,
        accessLogging: accessLogs === AccessLogs.NONE ? undefined : [{
          providers: [{ name: 'envoy' }],
          filter: accessLogs === AccessLogs.ERRORS_ONLY ? { expression: 'response.code >= 400' } : undefined,
        }],
        tracing: props.tracingSamplingPercentage !== undefined ? [{ randomSamplingPercentage: props.tracingSamplingPercentage }] : undefined,
      },
    });
    if (!props.selector) {
      SynthIndex.addCheck(this, () => this.otherNamespaceWide(namespace));
    }
  }

  // Istio applies one selector-less Telemetry per namespace and ignores the others (IST0159/IST0160)
  private otherNamespaceWide(namespace: string): string[] {
    return renderedObjects(Chart.of(this), 'Telemetry')
      .filter(t => t.object !== this.telemetry && t.manifest.metadata?.namespace === namespace && !t.manifest.spec?.selector && !t.manifest.spec?.targetRefs)
      .map(t => `namespace '${namespace}' already has a Telemetry without selector (${t.object.node.path}); Istio would apply only one of them`);
  }
}

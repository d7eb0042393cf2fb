import { Construct } from 'constructs';
import { DestinationRule, ServiceEntry, ServiceEntrySpecLocation, ServiceEntrySpecResolution } from '../../imports/networking.istio.io';
import { assertDnsLabel, assertIntegerInRange } from '../private/validate';
import { MeshService } from '../service';
import { HostTraffic } from './host-traffic';
import { ClientTls, renderClientTls } from './policies';
import { SynthIndex } from '../private/synth-index';

/**
 * Properties for `ExternalService`.
 */
export interface ExternalServiceProps {
  /** DNS name of the service outside the mesh (`api.payments.example.com`). */
  readonly host: string;

  /**
   * Namespace of the ServiceEntry and DestinationRule.
   *
   * @default - no namespace: the namespace `kubectl apply` targets
   */
  readonly namespace?: string;

  /**
   * Port the workloads call. With `tls`, they call it in plain HTTP and the sidecar originates TLS to `tlsPort`;
   * without, they speak TLS themselves (protocol HTTPS).
   *
   * @default 80 with `tls`, 443 without
   */
  readonly port?: number;

  /**
   * Port of the external service that the sidecar's TLS connection goes to, with `tls`.
   *
   * @default 443
   */
  readonly tlsPort?: number;

  /**
   * TLS that the sidecar originates toward the service (SIMPLE, or MUTUAL with a client certificate).
   *
   * @default - the workloads do TLS themselves; the sidecar passes it through
   */
  readonly tls?: ClientTls;
}

/**
 * A service outside the mesh that workloads may call: its ServiceEntry, and the DestinationRule that
 * originates TLS toward it when `tls` is set. Its `service` handle takes routes and policies like any other.
 *
 * @example new ExternalService(chart, 'payments', { host: 'api.payments.example.com', tls: { mode: ClientTlsMode.SIMPLE } })
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-tls-origination/
 */
export class ExternalService extends Construct {
  /** The generated ServiceEntry: the escape hatch. */
  public readonly serviceEntry: ServiceEntry;

  /** The host's DestinationRule, when TLS is originated. */
  public readonly destinationRule?: DestinationRule;

  /** A handle on the service, for routes and policies. */
  public readonly service: MeshService;

  public constructor(scope: Construct, id: string, props: ExternalServiceProps) {
    super(scope, id);
    SynthIndex.watch(this);
    if (!/^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(props.host)) {
      throw new Error(`'host' must be a fully qualified DNS name in lowercase (api.example.com), got '${props.host}'`);
    }
    if (props.namespace !== undefined) {
      assertDnsLabel('namespace', props.namespace);
    }
    const port = props.port ?? (props.tls ? 80 : 443);
    assertIntegerInRange('port', port, 1, 65535);
    const tlsPort = props.tlsPort ?? 443;
    assertIntegerInRange('tlsPort', tlsPort, 1, 65535);
    if (props.tlsPort !== undefined && !props.tls) {
      throw new Error(`'tlsPort' is set but 'tls' is not: without TLS origination the workloads connect to 'port' directly`);
    }
    const tls = props.tls && renderClientTls('tls.', props.tls);
    this.service = MeshService._external(props.host, props.namespace, port);
    this.serviceEntry = new ServiceEntry(this, 'Resource', {
      metadata: { name: props.host.replace(/\./g, '-').slice(0, 63).replace(/-+$/, ''), namespace: props.namespace },
      spec: {
        hosts: [props.host],
        location: ServiceEntrySpecLocation.MESH_EXTERNAL,
        resolution: ServiceEntrySpecResolution.DNS,
        ports: [props.tls
          ? { number: port, name: `http-${port}`, protocol: 'HTTP', targetPort: port === tlsPort ? undefined : tlsPort }
          : { number: port, name: `https-${port}`, protocol: 'HTTPS' }],
      },
    });
    if (tls) {
      const model = HostTraffic.of(this, this.service);
      model.addPolicy(this, { tls });
      this.destinationRule = model.destinationRule;
    }
  }
}

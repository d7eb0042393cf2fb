import { Construct } from 'constructs';
import { isIP } from 'net';
import { DestinationRule, ServiceEntry, ServiceEntrySpecLocation, ServiceEntrySpecPorts, ServiceEntrySpecResolution } from '../../imports/networking.istio.io';
import { assertDnsLabel, assertIntegerInRange, DNS_NAME } from '../private/validate';
import { MeshService } from '../service';
import { HostTraffic } from './host-traffic';
import { ClientTls, renderClientTls } from './policies';
import { SynthIndex } from '../private/synth-index';

/**
 * Properties for `ExternalService`.
 */
/**
 * Protocols a port of an external service speaks.
 */
export enum ExternalProtocol {
  /** Plain HTTP/1.1 or HTTP/2: the sidecar sees (and can route and retry) each request. */
  HTTP = 'HTTP',
  /** TLS the workload opens itself, routed by SNI. */
  HTTPS = 'HTTPS',
  /** TLS the workload opens itself, for a protocol other than HTTP. */
  TLS = 'TLS',
  /** Opaque TCP. */
  TCP = 'TCP',
  /** gRPC over HTTP/2. */
  GRPC = 'GRPC',
}

/**
 * A port of a service outside the mesh.
 */
export interface ExternalServicePort {
  /** The port number. */
  readonly number: number;

  /** What the workloads speak on it. */
  readonly protocol: ExternalProtocol;

  /**
   * Name of the port.
   *
   * @default - the protocol in lowercase and the number (`https-443`)
   */
  readonly name?: string;
}

/**
 * Properties for `ExternalService`.
 */
export interface ExternalServiceProps {
  /**
   * DNS name of the service outside the mesh (`api.payments.example.com`).
   *
   * @default - required unless `hosts` is set
   */
  readonly host?: string;

  /**
   * DNS names of the service, when it has several; a name may start with a wildcard (`*.googleapis.com`).
   *
   * @default - `host`
   */
  readonly hosts?: string[];

  /**
   * IP addresses or CIDR blocks of the service (`169.254.169.254`), for hosts the workloads reach by address.
   *
   * @default - none: reached by name
   */
  readonly addresses?: string[];

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
   * @default 80 with `tls`, 443 without, unless `ports` is set
   */
  readonly port?: number;

  /**
   * The ports of the service, each with its protocol, when it has several or speaks other than HTTPS.
   *
   * @default - `port`
   */
  readonly ports?: ExternalServicePort[];

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

  /**
   * Name of the ServiceEntry.
   *
   * @default - the first host with '-' for '.'
   */
  readonly name?: string;
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
    if ((props.host === undefined) === (props.hosts === undefined)) {
      throw new Error(`one of 'host' or 'hosts' must be set, got ${props.host === undefined ? 'neither' : 'both'}`);
    }
    const hosts = props.hosts ?? [props.host!];
    if (hosts.length === 0) {
      throw new Error(`'hosts' must name at least one host`);
    }
    hosts.forEach((host, i) => {
      const wildcard = host.startsWith('*.');
      if (!DNS_NAME.test(wildcard ? host.slice(2) : host) || (wildcard && props.tls)) {
        throw new Error(`'${props.hosts ? `hosts[${i}]` : 'host'}' must be a fully qualified DNS name in lowercase (api.example.com${props.tls ? '' : ', or *.example.com'}), got '${host}'`);
      }
    });
    if (props.tls && hosts.length > 1) {
      throw new Error(`'tls' originates TLS to one host, got ${hosts.length} in 'hosts': give each host its own ExternalService`);
    }
    for (const [i, address] of (props.addresses ?? []).entries()) {
      if (!isAddress(address)) {
        throw new Error(`'addresses[${i}]' must be an IP address or CIDR block, got '${address}'`);
      }
    }
    if (props.namespace !== undefined) {
      assertDnsLabel('namespace', props.namespace);
    }
    if (props.ports && (props.port !== undefined || props.tls)) {
      throw new Error(`'ports' is set beside '${props.tls ? 'tls' : 'port'}': give the ports in 'ports' alone, or one 'port' (with 'tls' for TLS origination)`);
    }
    const listed = props.ports && externalPorts(props.ports);
    const port = props.port ?? listed?.[0].number ?? (props.tls ? 80 : 443);
    assertIntegerInRange('port', port, 1, 65535);
    const tlsPort = props.tlsPort ?? 443;
    assertIntegerInRange('tlsPort', tlsPort, 1, 65535);
    if (props.tlsPort !== undefined && !props.tls) {
      throw new Error(`'tlsPort' is set but 'tls' is not: without TLS origination the workloads connect to 'port' directly`);
    }
    const ports = listed ?? [props.tls
      ? { number: port, name: `http-${port}`, protocol: 'HTTP', targetPort: port === tlsPort ? undefined : tlsPort }
      : { number: port, name: `https-${port}`, protocol: 'HTTPS' }];
    const tls = props.tls && renderClientTls('tls.', props.tls);
    const name = props.name ?? hosts[0].replace(/^\*\./, 'wildcard.').replace(/\./g, '-').slice(0, 63).replace(/-+$/, '');
    assertDnsLabel('name', name);
    this.service = MeshService._external(hosts[0], props.namespace, port);
    // Istio resolves a wildcard host, or one given by address, with the address the workload dialed
    const resolution = hosts.some(h => h.startsWith('*.')) || props.addresses ? ServiceEntrySpecResolution.NONE : ServiceEntrySpecResolution.DNS;
    this.serviceEntry = new ServiceEntry(this, 'Resource', {
      metadata: { name, namespace: props.namespace },
      spec: {
        hosts,
        addresses: props.addresses,
        location: ServiceEntrySpecLocation.MESH_EXTERNAL,
        resolution,
        ports,
      },
    });
    if (tls) {
      const model = HostTraffic.of(this, this.service);
      model.addPolicy(this, { tls });
      this.destinationRule = model.destinationRule;
    }
  }
}

function isAddress(address: string): boolean {
  const [ip, bits, ...rest] = address.split('/');
  const version = isIP(ip);
  return rest.length === 0 && version !== 0 && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128)));
}

function externalPorts(ports: ExternalServicePort[]): Array<ServiceEntrySpecPorts & { number: number }> {
  if (ports.length === 0) {
    throw new Error(`'ports' must hold at least one port`);
  }
  const rendered = ports.map((p, i) => {
    assertIntegerInRange(`ports[${i}].number`, p.number, 1, 65535);
    if (!Object.values(ExternalProtocol).includes(p.protocol)) {
      throw new Error(`'ports[${i}].protocol' must be one of ${Object.values(ExternalProtocol).join(', ')}, got '${p.protocol}'`);
    }
    const name = p.name ?? `${p.protocol.toLowerCase()}-${p.number}`;
    assertDnsLabel(`ports[${i}].name`, name);
    return { number: p.number, protocol: p.protocol, name };
  });
  for (const key of ['number', 'name'] as const) {
    const values = rendered.map(p => p[key]);
    const twice = values.find((v, i) => values.indexOf(v) !== i);
    if (twice !== undefined) {
      throw new Error(`'ports' holds port ${key} ${twice} twice`);
    }
  }
  return rendered;
}

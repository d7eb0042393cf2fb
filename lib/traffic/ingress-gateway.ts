import { Construct } from 'constructs';
import { Gateway, GatewaySpecServers, GatewaySpecServersTlsMode, VirtualService } from '../../imports/networking.istio.io';
import { assertDnsLabel, assertIntegerInRange } from '../private/validate';
import { MeshService } from '../service';
import { HostTraffic } from './host-traffic';
import { HttpMatch } from './http-match';

/**
 * HTTPS termination at the ingress gateway.
 */
export interface IngressTlsOptions {
  /** Name of the Kubernetes TLS Secret holding the certificate and key, in the gateway workload's namespace (`istio-system`). */
  readonly credentialName: string;

  /**
   * Port of the HTTPS server on the gateway.
   *
   * @default 8443 (the port the default ingress gateway's container listens on for 443)
   */
  readonly port?: number;

  /**
   * Whether plain HTTP requests are redirected to HTTPS.
   *
   * @default true
   */
  readonly httpsRedirect?: boolean;
}

/**
 * Properties for `IngressGateway`.
 */
export interface IngressGatewayProps {
  /** Name of the Gateway. */
  readonly name: string;

  /**
   * Namespace of the Gateway and its VirtualService.
   *
   * @default - no namespace: the namespace `kubectl apply` targets
   */
  readonly namespace?: string;

  /** The service that requests are routed to. */
  readonly service: MeshService;

  /** Requests routed to the service (any of them); others get 404 from the gateway. */
  readonly matches: HttpMatch[];

  /**
   * Hosts the gateway serves.
   *
   * @default ['*']
   */
  readonly hosts?: string[];

  /**
   * Labels of the gateway workload that the Gateway configures.
   *
   * @default { istio: 'ingressgateway' }: Istio's default ingress gateway
   */
  readonly selector?: Record<string, string>;

  /**
   * Port of the plain HTTP server.
   *
   * @default 8080 (the default ingress gateway's container port behind Service port 80)
   */
  readonly httpPort?: number;

  /**
   * Terminate HTTPS at the gateway.
   *
   * @default - plain HTTP only
   */
  readonly tls?: IngressTlsOptions;

  /**
   * Name of the VirtualService bound to the gateway.
   *
   * @default - the service's host
   */
  readonly routeName?: string;
}

/**
 * Defines a Gateway on Istio's ingress gateway and the VirtualService that routes it to one service.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/
 */
export class IngressGateway extends Construct {
  /** The generated Gateway: the escape hatch. */
  public readonly gateway: Gateway;

  /** The generated VirtualService bound to the gateway. */
  public readonly virtualService: VirtualService;

  /** Name of the Gateway, as VirtualServices refer to it. */
  public readonly name: string;

  public constructor(scope: Construct, id: string, props: IngressGatewayProps) {
    super(scope, id);
    assertDnsLabel('name', props.name);
    if (props.matches.length === 0) {
      throw new Error(`'matches' must hold at least one match: an ingress that routes nothing serves only 404s`);
    }
    if (props.service.port === undefined) {
      throw new Error(`'service' must have a port for an ingress route (host '${props.service.host}')`);
    }
    this.name = props.name;
    const hosts = props.hosts ?? ['*'];
    const metadata = { name: props.name, namespace: props.namespace };
    this.gateway = new Gateway(this, 'Resource', {
      metadata,
      spec: { selector: props.selector ?? { istio: 'ingressgateway' }, servers: servers(hosts, props) },
    });
    const model = HostTraffic._ofGateway(this, props.service, { namespace: props.namespace, hosts, gateways: [props.name] });
    model._nameRoute(this, props.routeName ?? props.service.host);
    this.virtualService = model._addRoute(this, {
      matches: props.matches,
      targets: [{ service: props.service, port: props.service.port, prop: 'service' }],
    });
  }
}

function servers(hosts: string[], props: IngressGatewayProps): GatewaySpecServers[] {
  const httpPort = props.httpPort ?? 8080;
  assertIntegerInRange('httpPort', httpPort, 1, 65535);
  const http: GatewaySpecServers = {
    port: { number: httpPort, name: 'http', protocol: 'HTTP' },
    hosts,
    tls: props.tls && (props.tls.httpsRedirect ?? true) ? { httpsRedirect: true } : undefined,
  };
  if (!props.tls) {
    return [http];
  }
  assertDnsLabel('tls.credentialName', props.tls.credentialName);
  const httpsPort = props.tls.port ?? 8443;
  assertIntegerInRange('tls.port', httpsPort, 1, 65535);
  if (httpsPort === httpPort) {
    throw new Error(`'tls.port' must differ from 'httpPort', got ${httpsPort} for both`);
  }
  const https: GatewaySpecServers = {
    port: { number: httpsPort, name: 'https', protocol: 'HTTPS' },
    hosts,
    tls: { mode: GatewaySpecServersTlsMode.SIMPLE, credentialName: props.tls.credentialName },
  };
  return [http, https];
}

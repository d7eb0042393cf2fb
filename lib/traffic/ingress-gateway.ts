import { Construct } from 'constructs';
import { Gateway as KubernetesGateway, GatewaySpec as KubernetesGatewaySpec, GatewaySpecListeners, HTTPRoute } from '../../imports/gateway-api';
import { Gateway, GatewaySpecServers, GatewaySpecServersTlsMode, VirtualService } from '../../imports/networking.istio.io';
import { SynthIndex } from '../private/synth-index';
import { assertDnsLabel, assertIntegerInRange } from '../private/validate';
import { MeshService } from '../service';
import { HostTraffic } from './host-traffic';
import { TrafficApi, trafficApiOf } from './traffic-api';
import { HttpMatch } from './http-match';
import { WorkloadIdentity } from '../security/workload-identity';

/**
 * HTTPS termination at the ingress gateway.
 */
export interface IngressTlsOptions {
  /** Name of the Kubernetes TLS Secret holding the certificate and key: in the gateway workload's namespace (`istio-system`) with Istio's API, in the Gateway's namespace with the Gateway API. */
  readonly credentialName: string;

  /**
   * Port of the HTTPS server on the gateway.
   *
   * @default 8443 (the port the default ingress gateway's container listens on for 443); 443 with the Gateway API
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

  /**
   * Requests routed to the service (any of them); others get 404 from the gateway.
   *
   * @default - every request to the hosts
   */
  readonly matches?: HttpMatch[];

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
   * @default 8080 (the default ingress gateway's container port behind Service port 80); 80 with the Gateway API (the Gateway's own Service port)
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
 * With the Gateway API (`useTrafficApi`), a Gateway of class `istio` (Istio deploys its proxy) with an
 * `http` listener, plus `https` terminating with the `tls.credentialName` Secret in the Gateway's
 * namespace, and an HTTPRoute; with `tls`, a second HTTPRoute on the `http` listener redirects to HTTPS.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
 */
export class IngressGateway extends Construct {
  /**
   * Every IngressGateway of the app of `scope`, found once per synth-time validation pass.
   *
   * @internal
   */
  public static _all(scope: Construct): IngressGateway[] {
    return SynthIndex.of(scope).memo('ingress-gateways', () => scope.node.root.node.findAll().filter((c): c is IngressGateway => c instanceof IngressGateway));
  }

  /** The Istio Gateway (`networking.istio.io`); `undefined` with the Gateway API. */
  public readonly gateway?: Gateway;

  /** The Gateway API's Gateway (`gateway.networking.k8s.io`), of class `istio`; `undefined` with Istio's APIs. */
  public readonly kubernetesGateway?: KubernetesGateway;

  /** The route bound to the gateway, shared with the other blocks on it in this chart; `undefined` with the Gateway API. */
  public readonly virtualService?: VirtualService;

  /** The HTTPRoute bound to the gateway's listener, shared with the other blocks on it in this chart; `undefined` with Istio's APIs. */
  public readonly httpRoute?: HTTPRoute;

  /**
   * With the Gateway API and `tls`, the HTTPRoute on the `http` listener that redirects to HTTPS;
   * `undefined` otherwise (Istio's Gateway redirects with `httpsRedirect` on its server).
   */
  public readonly httpsRedirectRoute?: HTTPRoute;

  /** Name of the Gateway, as VirtualServices refer to it. */
  public readonly name: string;

  /** The service the gateway routes to. */
  public readonly service: MeshService;

  /** Namespace of the Gateway. */
  public readonly namespace?: string;

  /**
   * The identity the gateway's proxy runs as, with the Gateway API: Istio deploys a Gateway of class
   * `istio` as ServiceAccount `<name>-istio` in its namespace. `undefined` with Istio's API, whose Gateway
   * selects proxies deployed on their own (`WorkloadIdentity.ingressGateway()` is Istio's default one),
   * and without a namespace.
   */
  public readonly identity?: WorkloadIdentity;

  /** The labels of the proxies an Istio-API Gateway selects; `undefined` with the Gateway API, whose Gateway runs its own. */
  public readonly selector?: Record<string, string>;

  /**
   * The ports the gateway's proxy serves HTTP and HTTPS on, as AuthorizationPolicy `ports` match them: the
   * Gateway API listeners' ports, or the container ports of Istio's servers.
   */
  public readonly ports: number[];

  public constructor(scope: Construct, id: string, props: IngressGatewayProps) {
    super(scope, id);
    assertDnsLabel('name', props.name);
    if (props.matches !== undefined && props.matches.length === 0) {
      throw new Error(`'matches' must hold at least one match when set (leave it out to route every request): an ingress that routes nothing serves only 404s`);
    }
    this.name = props.name;
    this.service = props.service;
    this.namespace = props.namespace;
    const hosts = props.hosts ?? ['*'];
    const metadata = { name: props.name, namespace: props.namespace };
    const gatewayApi = trafficApiOf(this) === TrafficApi.GATEWAY_API;
    this.identity = gatewayApi && props.namespace ? WorkloadIdentity.fromServiceAccount(props.namespace, `${props.name}-istio`) : undefined;
    if (gatewayApi) {
      const spec = gatewaySpec(hosts, props);
      this.ports = spec.listeners.map(l => l.port);
      this.kubernetesGateway = new KubernetesGateway(this, 'Resource', { metadata, spec });
    } else {
      const gatewayServers = servers(hosts, props);
      this.ports = gatewayServers.map(server => server.port.number);
      this.selector = props.selector ?? { istio: 'ingressgateway' };
      this.gateway = new Gateway(this, 'Resource', { metadata, spec: { selector: this.selector, servers: gatewayServers } });
    }
    const model = HostTraffic.ofGateway(this, props.service, {
      namespace: props.namespace, hosts, gateways: [props.name], sectionName: gatewayApi && props.tls ? 'https' : undefined,
    });
    const routeName = props.routeName ?? props.service.host;
    model.nameRoute(this, routeName);
    const redirect = props.tls && (props.tls.httpsRedirect ?? true);
    if (gatewayApi && redirect) {
      this.httpsRedirectRoute = new HTTPRoute(this, 'Redirect', {
        metadata: { name: `${routeName}-https-redirect`, namespace: props.namespace },
        spec: {
          parentRefs: [{ name: props.name, sectionName: 'http' }],
          hostnames: hosts.includes('*') ? undefined : hosts,
          rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
        },
      });
    }
    model.addRoute(this, {
      matches: props.matches ?? [],
      targets: [{ service: props.service, port: props.service.port, prop: 'service' }],
    });
    this.virtualService = model.virtualService;
    this.httpRoute = model.httpRoute;
  }
}

function gatewaySpec(hosts: string[], props: IngressGatewayProps): KubernetesGatewaySpec {
  if (props.selector) {
    throw new Error(`'selector' has no Gateway API form: a Gateway of class 'istio' runs its own proxy; leave it out, or keep the Istio API for this ingress`);
  }
  const hostname = hosts.length === 1 && hosts[0] !== '*' ? hosts[0] : undefined;
  if (hosts.length > 1) {
    throw new Error(`'hosts' must hold one host with the Gateway API (a listener serves one hostname), got ${hosts.join(', ')}`);
  }
  const allowedRoutes = { namespaces: { from: 'Same' } };
  const httpPort = props.httpPort ?? 80;
  assertIntegerInRange('httpPort', httpPort, 1, 65535);
  const listeners: GatewaySpecListeners[] = [{ name: 'http', hostname, port: httpPort, protocol: 'HTTP', allowedRoutes }];
  if (props.tls) {
    assertDnsLabel('tls.credentialName', props.tls.credentialName);
    const httpsPort = props.tls.port ?? 443;
    assertIntegerInRange('tls.port', httpsPort, 1, 65535);
    if (httpsPort === httpPort) {
      throw new Error(`'tls.port' must differ from 'httpPort', got ${httpsPort} for both`);
    }
    listeners.push({
      name: 'https', hostname, port: httpsPort, protocol: 'HTTPS', allowedRoutes,
      tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: props.tls.credentialName }] },
    });
  }
  return { gatewayClassName: 'istio', listeners };
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

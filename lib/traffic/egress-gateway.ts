import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Gateway as KubernetesGateway, HTTPRoute } from '../../imports/gateway-api';
import { DestinationRule, Gateway, ServiceEntry, VirtualService } from '../../imports/networking.istio.io';
import { ROOT_NAMESPACE } from '../private/mesh-defaults';
import { SynthIndex } from '../private/synth-index';
import { assertDnsLabel, DNS_NAME } from '../private/validate';
import { TrafficApi, trafficApiOf } from './traffic-api';

/**
 * Properties for `EgressGateway`.
 */
export interface EgressGatewayProps {
  /** DNS name of the service outside the mesh whose requests leave through the gateway (`edition.cnn.com`). */
  readonly host: string;

  /**
   * Namespace of the objects (and, with the Gateway API, of the gateway's proxy).
   *
   * @default - no namespace: the namespace `kubectl apply` targets
   */
  readonly namespace?: string;

  /**
   * Whether the gateway originates TLS to the host's port 443, so workloads call `http://<host>` and
   * the request leaves the cluster encrypted; the hop from the sidecar to the gateway is then mutual TLS.
   *
   * @default false: plain HTTP to the host's port 80
   */
  readonly originateTls?: boolean;

  /**
   * Base name of the objects.
   *
   * @default - the host with '-' for '.'
   */
  readonly name?: string;
}

/** The egress gateway Istio's installer deploys, which Istio-API Gateways select. */
const EGRESS_SERVICE = `istio-egressgateway.${ROOT_NAMESPACE}.svc.cluster.local`;
const HTTP = 80;
const HTTPS = 443;

/**
 * Sends the mesh's requests to a host outside it through an egress gateway, so they leave the cluster
 * from known nodes under the gateway's policies, as Istio's egress gateway tasks write it: a ServiceEntry
 * for the host, a gateway for it, a route from the mesh to the gateway and one from the gateway to the
 * host; with `originateTls`, mutual TLS to the gateway and TLS from the gateway to the host.
 *
 * With Istio's APIs, the `istio-egressgateway` of Istio's installer serves it (a Gateway selecting
 * `istio: egressgateway`, a two-hop VirtualService); with the Gateway API (`useTrafficApi`), a Gateway of
 * class `istio` deploys its own proxy in the namespace, with HTTPRoutes from the ServiceEntry to it and
 * from it to the host.
 *
 * @example new EgressGateway(chart, 'cnn', { host: 'edition.cnn.com', originateTls: true })
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
 */
export class EgressGateway extends Construct {
  /** The ServiceEntry of the host. */
  public readonly serviceEntry: ServiceEntry;

  /** The Istio-API Gateway, with Istio's APIs. */
  public readonly gateway?: Gateway;

  /** The Gateway API Gateway, with the Gateway API. */
  public readonly kubernetesGateway?: KubernetesGateway;

  /** The route objects: the two-hop VirtualService, or the two HTTPRoutes. */
  public readonly routes: ApiObject[];

  /** The DestinationRules: the hop to the gateway, and the TLS origination to the host. */
  public readonly destinationRules: DestinationRule[];

  public constructor(scope: Construct, id: string, props: EgressGatewayProps) {
    super(scope, id);
    SynthIndex.watch(this);
    if (!DNS_NAME.test(props.host)) {
      throw new Error(`'host' must be a fully qualified DNS name in lowercase (edition.cnn.com), got '${props.host}'`);
    }
    if (props.namespace !== undefined) {
      assertDnsLabel('namespace', props.namespace);
    }
    const name = props.name ?? props.host.replace(/\./g, '-').slice(0, 40).replace(/-+$/, '');
    assertDnsLabel('name', name);
    const { host, namespace } = props;
    const tls = props.originateTls ?? false;
    const meta = (n: string) => ({ name: n, namespace });
    this.serviceEntry = new ServiceEntry(this, 'Entry', {
      metadata: meta(name),
      spec: {
        hosts: [host],
        ports: [{ number: HTTP, name: 'http', protocol: 'HTTP' }, ...tls ? [{ number: HTTPS, name: 'https', protocol: 'HTTPS' }] : []],
        resolution: 'DNS',
      },
    });
    const upstreamPort = tls ? HTTPS : HTTP;
    // the gateway opens TLS toward the host itself
    const originate = tls ? [new DestinationRule(this, 'OriginateTls', {
      metadata: meta(`originate-tls-for-${name}`),
      spec: { host, trafficPolicy: { portLevelSettings: [{ port: { number: HTTPS }, tls: { mode: 'SIMPLE' } }] } },
    })] : [];
    // the sidecar's hop to the gateway: mutual TLS for the host's name, when the request leaves encrypted
    const hopTls = tls ? { portLevelSettings: [{ port: { number: HTTP }, tls: { mode: 'ISTIO_MUTUAL', sni: host } }] } : undefined;

    if (trafficApiOf(this) === TrafficApi.GATEWAY_API) {
      const gatewayName = `${name}-egress-gateway`;
      this.kubernetesGateway = new KubernetesGateway(this, 'Gateway', {
        metadata: { ...meta(gatewayName), annotations: { 'networking.istio.io/service-type': 'ClusterIP' } },
        spec: {
          gatewayClassName: 'istio',
          listeners: [tls
            ? { name: 'https-listener-for-tls-origination', hostname: host, port: HTTP, protocol: 'HTTPS', tls: { mode: 'Terminate', options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } }, allowedRoutes: { namespaces: { from: 'Same' } } }
            : { name: 'http', hostname: host, port: HTTP, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }],
        },
      });
      this.routes = [
        new HTTPRoute(this, 'ToGateway', {
          metadata: meta(`direct-${name}-to-egress-gateway`),
          spec: {
            parentRefs: [{ kind: 'ServiceEntry', group: 'networking.istio.io', name }],
            rules: [{ backendRefs: [{ name: `${gatewayName}-istio`, port: HTTP }] }],
          },
        }),
        new HTTPRoute(this, 'FromGateway', {
          metadata: meta(`forward-${name}-from-egress-gateway`),
          spec: {
            parentRefs: [{ name: gatewayName }],
            hostnames: [host],
            rules: [{ backendRefs: [{ kind: 'Hostname', group: 'networking.istio.io', name: host, port: upstreamPort }] }],
          },
        }),
      ];
      this.destinationRules = [
        ...hopTls ? [new DestinationRule(this, 'ToGatewayTls', {
          metadata: meta(`egressgateway-for-${name}`),
          spec: { host: `${gatewayName}-istio`, trafficPolicy: hopTls },
        })] : [],
        ...originate,
      ];
      return;
    }

    const gatewayName = `${name}-egressgateway`;
    this.gateway = new Gateway(this, 'Gateway', {
      metadata: meta(gatewayName),
      spec: {
        selector: { istio: 'egressgateway' },
        servers: [tls
          ? { port: { number: HTTP, name: 'https-port-for-tls-origination', protocol: 'HTTPS' }, hosts: [host], tls: { mode: 'ISTIO_MUTUAL' } }
          : { port: { number: HTTP, name: 'http', protocol: 'HTTP' }, hosts: [host] }],
      },
    });
    this.destinationRules = [
      new DestinationRule(this, 'ToGateway', {
        metadata: meta(`egressgateway-for-${name}`),
        spec: { host: EGRESS_SERVICE, subsets: [{ name, trafficPolicy: hopTls }] },
      }),
      ...originate,
    ];
    this.routes = [new VirtualService(this, 'Route', {
      metadata: meta(`direct-${name}-through-egress-gateway`),
      spec: {
        hosts: [host],
        gateways: [gatewayName, 'mesh'],
        http: [
          { match: [{ gateways: ['mesh'], port: HTTP }], route: [{ destination: { host: EGRESS_SERVICE, subset: name, port: { number: HTTP } } }] },
          { match: [{ gateways: [gatewayName], port: HTTP }], route: [{ destination: { host, port: { number: upstreamPort } } }] },
        ],
      },
    })];
  }
}

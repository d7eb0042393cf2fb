import { Manifest } from '../read/manifest';
import { ROOT_NAMESPACE } from '../../private/mesh-defaults';
import { flaggerCreates, flaggerReleases } from './delivery';

/**
 * What the analyzer assumes a mesh has although no input describes it, as `istioctl analyze` does for
 * files: Istio's default ingress gateway (a pod labelled `istio: ingressgateway` in `istio-system` and its
 * Service), so that Gateways selecting it are not reported as selecting nothing. Its Service serves the
 * ports of istioctl's stand-in (80, 443, 31400, 15443) and the container ports of a default install behind
 * them (8080, 8443, 15021), so a Gateway on 8080, as Istio's Bookinfo sample writes it, is not flagged.
 * Likewise the pods Istio deploys for Gateway API Gateways, and the primary pods and Services Flagger creates
 * for a Canary. Assumed objects resolve references but never
 * make a namespace count as described by the input.
 */
export const ASSUMED = new WeakSet<Manifest>();

const INGRESS = {
  pod: {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'istio-ingressgateway-assumed', namespace: ROOT_NAMESPACE, labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' } },
    spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' }] },
  },
  service: {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'istio-ingressgateway', namespace: ROOT_NAMESPACE },
    spec: {
      selector: { istio: 'ingressgateway' },
      ports: [
        { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
        { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
        { name: 'http2-direct', port: 8080, targetPort: 80, protocol: 'TCP' },
        { name: 'https-direct', port: 8443, targetPort: 443, protocol: 'TCP' },
        { name: 'tcp', port: 31400, targetPort: 31400, protocol: 'TCP' },
        { name: 'tls', port: 15443, targetPort: 15443, protocol: 'TCP' },
      ],
    },
  },
};

const GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';

/**
 * The Service Istio creates for a Gateway API Gateway of class `istio` (`<name>-istio`, selecting its pod,
 * on its listeners' ports), which routes and DestinationRules may name.
 */
function gatewayApiService(gateway: Manifest): object {
  const ports = (Array.isArray(gateway.object.spec?.listeners) ? gateway.object.spec.listeners : [])
    .filter((l: any) => Number.isInteger(l?.port))
    .map((l: any) => ({ name: typeof l.name === 'string' ? l.name : `port-${l.port}`, port: l.port }));
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: `${gateway.name}-istio`, namespace: gateway.namespace },
    spec: { selector: { [GATEWAY_NAME]: gateway.name }, ports },
  };
}

/** The pod Istio deploys for a Gateway API Gateway of one of its classes, labelled with the Gateway's name. */
function gatewayApiPod(gateway: Manifest): object {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `${gateway.name}-assumed`, namespace: gateway.namespace, labels: { [GATEWAY_NAME]: gateway.name } },
    spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' }] },
  };
}

function isIstioGateway(m: Manifest): boolean {
  const className = m.object.spec?.gatewayClassName;
  return m.group === 'gateway.networking.k8s.io' && m.kind === 'Gateway' && typeof className === 'string' && className.startsWith('istio');
}

/**
 * The assumed default ingress gateway, unless the input defines a Service of that name itself; and the pod
 * Istio deploys for each Gateway API Gateway of an Istio class (`istio`, `istio-waypoint`, …).
 */
export function assumedObjects(manifests: readonly Manifest[]): Manifest[] {
  const hasIngress = manifests.some(m => m.kind === 'Service' && m.namespace === ROOT_NAMESPACE && m.name === 'istio-ingressgateway');
  const assumed = [
    ...(hasIngress ? [] : [{ source: 'Istio\'s default ingress gateway', object: INGRESS.pod }, { source: 'Istio\'s default ingress gateway', object: INGRESS.service }]),
    ...manifests.filter(isIstioGateway).map(g => ({ source: `the pod Istio deploys for Gateway ${g.namespace}/${g.name}`, object: gatewayApiPod(g) })),
    ...manifests.filter(g => isIstioGateway(g) && g.object.spec?.gatewayClassName === 'istio'
      && !manifests.some(m => m.kind === 'Service' && m.namespace === g.namespace && m.name === `${g.name}-istio`))
      .map(g => ({ source: `the Service Istio creates for Gateway ${g.namespace}/${g.name}`, object: gatewayApiService(g) })),
    ...flaggerReleases(manifests).flatMap(r => flaggerCreates(r, manifests)
      .map(object => ({ source: `what Flagger creates for Canary ${r.canary.namespace}/${r.canary.name}`, object }))),
  ];
  return assumed.map(({ source, object }) => {
    const m = new Manifest(`(assumed: ${source})`, object, () => 1);
    ASSUMED.add(m);
    return m;
  });
}

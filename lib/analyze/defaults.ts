import { Manifest } from './manifest';
import { ROOT_NAMESPACE } from '../private/mesh-defaults';

/**
 * What the analyzer assumes a mesh has although no input describes it, as `istioctl analyze` does for
 * files: Istio's default ingress gateway (a pod labelled `istio: ingressgateway` in `istio-system` and its
 * Service), so that Gateways selecting it are not reported as selecting nothing. Its Service serves the
 * ports of istioctl's stand-in (80, 443, 31400, 15443) and the container ports of a default install behind
 * them (8080, 8443, 15021), so a Gateway on 8080, as Istio's Bookinfo sample writes it, is not flagged.
 * Assumed objects resolve references but never make a namespace count as described by the input.
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

/** The assumed default ingress gateway, unless the input defines a Service of that name itself. */
export function assumedObjects(manifests: readonly Manifest[]): Manifest[] {
  if (manifests.some(m => m.kind === 'Service' && m.namespace === ROOT_NAMESPACE && m.name === 'istio-ingressgateway')) {
    return [];
  }
  return [INGRESS.pod, INGRESS.service].map(object => {
    const m = new Manifest('(assumed: Istio\'s default ingress gateway)', object, () => 1);
    ASSUMED.add(m);
    return m;
  });
}

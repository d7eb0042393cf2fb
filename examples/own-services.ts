// "Your own services" (README, docs/own-services.md): a shop whose workloads are cdk8s-plus objects, and the mesh on them.
// Type-checked by `npm test`; the consumer test synthesizes it with the analyzer plugin against
// cdk8s-plus-28 and the newest cdk8s-plus.
import { App, Chart, Duration } from 'cdk8s';
import {
  Canary, HttpMatch, IngressGateway, MeshNamespace, MeshService, MtlsPolicy, Retries, RetryOn, ServiceSubsets, WorkloadIdentity, ZeroTrust,
} from 'cdk8s-istio';
import * as kplus from 'cdk8s-plus-33';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });
new MeshNamespace(chart, 'namespace', { name: 'shop' });

/** One service of the shop: a ServiceAccount, a Deployment per version, and the Service selecting them all. */
function service(name: string, versions: string[], port = 8080): MeshService {
  const account = new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name }, automountToken: false });
  for (const version of versions) {
    new kplus.Deployment(chart, `${name}-${version}`, {
      metadata: { name: `${name}-${version}` },
      serviceAccount: account,
      podMetadata: { labels: { app: name, version } },
      containers: [{ name, image: `registry.example.com/shop/${name}:${version}`, portNumber: port }],
    });
  }
  const svc = new kplus.Service(chart, name, { metadata: { name }, ports: [{ name: 'http', port }] });
  svc.selectLabel('app', name);
  // host, namespace, port, selector, ServiceAccount and versions all come from the objects above
  return MeshService.fromService(svc);
}

const frontend = service('frontend', ['v1']);
const cart = service('cart', ['v1']);
const checkout = service('checkout', ['v1', 'v2']);
const payments = service('payments', ['v1']);

// a subset per version of each workload, from their `version` labels
for (const s of [frontend, cart, checkout, payments]) {
  new ServiceSubsets(chart, `${s.host}-subsets`, { service: s });
}
new Canary(chart, 'checkout-canary', { service: checkout, stable: 'v1', canary: 'v2', canaryWeight: 10 });
new Retries(chart, 'payments-retries', { service: payments, attempts: 2, perTryTimeout: Duration.millis(500), retryOn: [RetryOn.GATEWAY_ERROR] });
new IngressGateway(chart, 'ingress', { name: 'shop', namespace: 'shop', service: frontend, matches: [HttpMatch.uriPrefix('/')] });

// mTLS only, and each service called by exactly its callers: the identities come from the workloads
new MtlsPolicy(chart, 'mtls', { namespace: 'shop' });
new ZeroTrust(chart, 'zero-trust', {
  namespace: 'shop',
  edges: [
    { caller: WorkloadIdentity.ingressGateway(), to: frontend },
    { caller: frontend, to: cart },
    { caller: frontend, to: checkout, methods: ['GET', 'POST'] },
    { caller: checkout, to: payments, methods: ['POST'] },
  ],
});
app.synth();

// A consumer's own app (not Bookinfo), built against the packed library by scripts/consumer-test.sh.
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import {
  Canary, CircuitBreaker, ClientTlsMode, ExternalService, HttpMatch, MeshNamespace, MeshService, MtlsPolicy,
  networking, RequestTimeout, Retries, RetryOn, ServiceSubsets, StringMatch, ZeroTrust,
} from 'cdk8s-istio';

const NAMESPACE = 'shop';

function service(chart: Chart, name: string, versions: string[]): MeshService {
  const selector = { app: name };
  new ApiObject(chart, `${name}-service`, {
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NAMESPACE },
    spec: { selector, ports: [{ name: 'http', port: 8080 }] },
  } as any);
  for (const version of versions) {
    const labels = { app: name, version };
    new ApiObject(chart, `${name}-${version}`, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${name}-${version}`, namespace: NAMESPACE, labels },
      spec: {
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { serviceAccountName: name, containers: [{ name, image: `registry.example.com/${name}:${version}` }] } },
      },
    } as any);
  }
  const handle = new MeshService({ host: name, namespace: NAMESPACE, port: 8080, selector, serviceAccount: name });
  new ServiceSubsets(chart, `${name}-subsets`, { service: handle, subsets: versions });
  return handle;
}

const app = new App();
const chart = new Chart(app, 'shop');
new MeshNamespace(chart, 'namespace', { name: NAMESPACE });
const frontend = service(chart, 'frontend', ['v1']);
const checkout = service(chart, 'checkout', ['v1', 'v2']);

const canary = new Canary(chart, 'checkout-canary', {
  service: checkout, stable: 'v1', canary: process.env.CONSUMER_BAD_SUBSET ?? 'v2', canaryWeight: 20,
  canaryMatch: [HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'))],
});
// the escape hatch is the generated class, which a consumer can name
const route: networking.VirtualService | undefined = canary.virtualService;
route?.metadata.addLabel('team', 'checkout');
new RequestTimeout(chart, 'checkout-timeout', { service: checkout, timeout: Duration.millis(800) });
new Retries(chart, 'checkout-retries', { service: checkout, attempts: 2, perTryTimeout: Duration.millis(300), retryOn: [RetryOn.GATEWAY_ERROR] });
new CircuitBreaker(chart, 'checkout-breaker', { service: checkout, outlierDetection: { consecutive5xxErrors: 5 } });
new MtlsPolicy(chart, 'mtls', { namespace: NAMESPACE });
new ZeroTrust(chart, 'zero-trust', { namespace: NAMESPACE }).allow(frontend, checkout, { methods: ['GET', 'POST'] });
new ExternalService(chart, 'payments', { host: 'api.payments.example.com', namespace: NAMESPACE, tls: { mode: ClientTlsMode.SIMPLE } });
app.synth();

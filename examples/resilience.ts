// The resilience examples of docs/resilience.md, type-checked by `npm test` and synthesized by the consumer test.
import { App, Chart, Duration } from 'cdk8s';
import {
  CircuitBreaker, ClientTlsMode, ExternalService, LoadBalancer, LoadBalancing, MeshService, Retries, RetryOn,
  ServiceSubsets, TrafficMirror,
} from 'cdk8s-istio';

const app = new App();
const chart = new Chart(app, 'shop');
const cart = MeshService.fromHost('cart', { namespace: 'shop' });
new ServiceSubsets(chart, 'cart-subsets', { service: cart, subsets: ['v1', 'v2'] });

new Retries(chart, 'cart-retries', {
  service: cart, attempts: 3, perTryTimeout: Duration.millis(300),
  retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE], budgetPercent: 20,
});
new CircuitBreaker(chart, 'cart-breaker', {
  service: cart,
  outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
  connectionPool: { http1MaxPendingRequests: 50, maxRequestsPerConnection: 10 },
});
new LoadBalancing(chart, 'cart-sticky', { service: cart, loadBalancer: LoadBalancer.consistentHashCookie('session', Duration.hours(1)) });
new TrafficMirror(chart, 'cart-shadow', { service: cart, subset: 'v2', percentage: 5 });

// an API outside the mesh, reached over TLS that the sidecar originates
new ExternalService(chart, 'payments-api', { host: 'api.payments.example.com', namespace: 'shop', tls: { mode: ClientTlsMode.SIMPLE } });
app.synth();

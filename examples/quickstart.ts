// The README's quickstart, type-checked by `npm test` and synthesized with the analyzer plugin by
// the consumer test, so it cannot drift from the API.
import { App, Chart, Duration } from 'cdk8s';
import { BookinfoApp, Canary, HttpMatch, RequestTimeout, StringMatch } from 'cdk8s-istio';
import { MeshService, ServiceRoute } from 'cdk8s-istio';

const app = new App();
const chart = new Chart(app, 'bookinfo');
const bookinfo = new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo' });

// reviews: 10% to v2, iPhone users always on v2, and a 0.8 s timeout: one VirtualService
new Canary(chart, 'reviews-canary', {
  service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight: 10,
  canaryMatch: [HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'))],
});
new RequestTimeout(chart, 'reviews-timeout', { service: bookinfo.reviews, timeout: Duration.millis(800) });

// a service whose workloads and DestinationRule live elsewhere, with the subsets it defines
const payments = MeshService.fromHost('payments', { namespace: 'shop', subsets: ['v1', 'v2'] });
new ServiceRoute(chart, 'payments', {
  service: payments,
  routes: [{ destinations: [{ subset: 'v1', weight: 80 }, { subset: 'v2', weight: 20 }], timeout: Duration.seconds(3) }],
});
app.synth();

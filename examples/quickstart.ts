// The README's first example, type-checked by `npm test` so it cannot drift from the API.
import { App, Chart, Duration } from 'cdk8s';
import { BlueGreen, BookinfoApp, Canary, FaultyTimeout, HttpMatch, MeshService, ServiceRoute, StringMatch } from 'cdk8s-istio';

const app = new App();
const bookinfo = new BookinfoApp(new Chart(app, 'bookinfo'), 'bookinfo', { namespace: 'bookinfo' });
new Canary(new Chart(app, 'canary'), 'reviews', { service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight: 10 });
new BlueGreen(new Chart(app, 'blue-green'), 'reviews', { service: bookinfo.reviews, active: 'v1' });

new Canary(new Chart(app, 'iphone'), 'reviews', {
  service: bookinfo.reviews, stable: 'v1', canary: 'v2',
  canaryMatch: [HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'))],
});
new FaultyTimeout(new Chart(app, 'faults'), 'ratings-delay', {
  service: bookinfo.ratings, subset: 'v1', delay: Duration.seconds(2),
  caller: bookinfo.reviews, callerSubset: 'v2', timeout: Duration.millis(500),
});

// a service whose workloads live elsewhere, with the subsets its DestinationRule defines
const payments = MeshService.fromHost('payments', { namespace: 'shop', subsets: ['v1', 'v2'] });
new ServiceRoute(new Chart(app, 'payments'), 'payments', {
  service: payments,
  routes: [{ destinations: [{ subset: 'v1', weight: 80 }, { subset: 'v2', weight: 20 }], timeout: Duration.seconds(3) }],
});
app.synth();

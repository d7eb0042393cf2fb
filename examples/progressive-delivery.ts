// The examples of docs/progressive-delivery.md, type-checked by `npm test` and synthesized by the consumer test:
// one release intent for a team's checkout service, stepped by Flagger in one app and by Argo Rollouts in another.
import * as path from 'path';
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import { BlueGreen, Canary, CircuitBreaker, Delivery, HttpMatch, MeshService, Retries, StringMatch } from 'cdk8s-istio';

/** The team's checkout in `namespace`: one Deployment (its image is the release) and its Service; each app is an alternative, in a namespace of its own. */
function checkout(chart: Chart, namespace: string): MeshService {
  const labels = { app: 'checkout' };
  new ApiObject(chart, 'checkout-deployment', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'checkout', namespace },
    spec: {
      replicas: 2, selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'checkout', image: 'registry.example.com/checkout:2.4.1', ports: [{ containerPort: 8080 }] }] } },
    },
  });
  const service = new ApiObject(chart, 'checkout-service', {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'checkout', namespace },
    spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  });
  return MeshService.fromService(service);
}

// Flagger: 5% → 25% → 50% → promotion, one step every 30 s while 99.5% succeed and P99 stays under 300 ms;
// the retries and the circuit breaker go into the Flagger Canary's service
const flagger = new App();
const flaggerChart = new Chart(flagger, 'shop');
const flaggerCheckout = checkout(flaggerChart, 'shop');
new Canary(flaggerChart, 'checkout-release', {
  service: flaggerCheckout,
  delivery: Delivery.flagger({ steps: [5, 25, 50, 100], interval: Duration.seconds(30), minSuccessRate: 99.5, maxRequestDuration: Duration.millis(300) }),
});
new Retries(flaggerChart, 'checkout-retries', { service: flaggerCheckout, attempts: 2, perTryTimeout: Duration.seconds(1) });
new CircuitBreaker(flaggerChart, 'checkout-breaker', { service: flaggerCheckout, outlierDetection: { consecutive5xxErrors: 5 } });
flagger.synth();

// Argo Rollouts (alternatives in subdirectories of the output): the same steps, iPhone users on the canary from the first one
const argo = new App({ outdir: path.join(flagger.outdir, 'argo-rollouts') });
const argoChart = new Chart(argo, 'shop');
const argoCheckout = checkout(argoChart, 'shop-argo');
new Canary(argoChart, 'checkout-release', {
  service: argoCheckout,
  canaryMatch: [HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'))],
  delivery: Delivery.argoRollouts({ steps: [5, 25, 50, 100], interval: Duration.seconds(30) }),
});
new Retries(argoChart, 'checkout-retries', { service: argoCheckout, attempts: 2, perTryTimeout: Duration.seconds(1) });
argo.synth();

// Blue/green with Argo Rollouts: the new release behind checkout-preview, for requests with x-preview: true
const blueGreen = new App({ outdir: path.join(flagger.outdir, 'blue-green') });
const blueGreenChart = new Chart(blueGreen, 'shop');
new BlueGreen(blueGreenChart, 'checkout-release', {
  service: checkout(blueGreenChart, 'shop-blue-green'),
  previewMatch: HttpMatch.header('x-preview', StringMatch.exact('true')),
  delivery: Delivery.argoRollouts({ interval: Duration.minutes(10) }),
});
blueGreen.synth();

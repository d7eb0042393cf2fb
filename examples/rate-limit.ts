// The rate limit example of docs/resilience.md, type-checked by `npm test` and synthesized by the consumer test:
// Istio's local rate limit sample (samples/ratelimit/local-rate-limit-service.yaml) on Bookinfo's productpage,
// 100 requests a minute for the whole workload and 10 a minute on /productpage.
import { App, Chart } from 'cdk8s';
import { BookinfoApp, HttpMatch, RateLimit } from 'cdk8s-istio';

const app = new App();
const chart = new Chart(app, 'bookinfo');
const bookinfo = new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo' });
new RateLimit(chart, 'productpage-limit', {
  service: bookinfo.productpage,
  requests: 100,
  routes: [{ match: HttpMatch.uriPrefix('/productpage'), requests: 10 }],
});
app.synth();

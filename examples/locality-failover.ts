// The locality failover example of docs/resilience.md, type-checked by `npm test` and synthesized by the consumer
// test: istio.io's locality failover task, helloworld in region1 failing over to region2.
import { App, Chart, Duration } from 'cdk8s';
import { CircuitBreaker, LoadBalancer, LoadBalancing, LocalityFailover, MeshService } from 'cdk8s-istio';

const app = new App();
const chart = new Chart(app, 'sample');
const helloworld = MeshService.fromHost('helloworld', { namespace: 'sample' });
new LoadBalancing(chart, 'helloworld-lb', { service: helloworld, loadBalancer: LoadBalancer.ROUND_ROBIN });
new LocalityFailover(chart, 'helloworld-failover', { service: helloworld, failover: [{ region: 'region1', toRegion: 'region2' }] });
// failover needs outlier detection: an endpoint is unhealthy after one 5xx, for a minute
new CircuitBreaker(chart, 'helloworld-breaker', {
  service: helloworld,
  outlierDetection: { consecutive5xxErrors: 1, interval: Duration.seconds(1), baseEjectionTime: Duration.minutes(1) },
  connectionPool: { maxRequestsPerConnection: 1 },
});
app.synth();

// The locality failover example of docs/resilience.md, type-checked by `npm test` and synthesized by the consumer
// test: istio.io's locality failover task, helloworld in region1 failing over to region2.
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import { CircuitBreaker, LoadBalancer, LoadBalancing, LocalityFailover, MeshService } from 'cdk8s-istio';

const app = new App();
const chart = new Chart(app, 'sample');
// the task's helloworld, one Deployment per region (its pods land on that region's nodes)
for (const region of ['region1', 'region2']) {
  const labels = { app: 'helloworld', version: region };
  new ApiObject(chart, `helloworld-${region}`, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `helloworld-${region}`, namespace: 'sample' },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          nodeSelector: { 'topology.kubernetes.io/region': region },
          containers: [{ name: 'helloworld', image: 'docker.io/istio/examples-helloworld-v1:1.0', ports: [{ containerPort: 5000 }] }],
        },
      },
    },
  });
}
const service = new ApiObject(chart, 'helloworld-service', {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'helloworld', namespace: 'sample' },
  spec: { selector: { app: 'helloworld' }, ports: [{ name: 'http', port: 5000 }] },
});
const helloworld = MeshService.fromService(service);
new LoadBalancing(chart, 'helloworld-lb', { service: helloworld, loadBalancer: LoadBalancer.ROUND_ROBIN });
new LocalityFailover(chart, 'helloworld-failover', { service: helloworld, failover: [{ region: 'region1', toRegion: 'region2' }] });
// failover needs outlier detection: an endpoint is unhealthy after one 5xx, for a minute
new CircuitBreaker(chart, 'helloworld-breaker', {
  service: helloworld,
  outlierDetection: { consecutive5xxErrors: 1, interval: Duration.seconds(1), baseEjectionTime: Duration.minutes(1) },
  connectionPool: { maxRequestsPerConnection: 1 },
});
app.synth();

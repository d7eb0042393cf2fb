// A mesh of N services built with the library's public constructs, for `npm run bench:mesh`.
// Per service: a Service, Deployments v1 and v2, a MeshService handle, ServiceSubsets v1/v2, a 10% Canary,
// Retries, and a ZeroTrust edge from the previous service.
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import { Canary, MeshService, Retries, RetryOn, ServiceSubsets, ZeroTrust } from '../lib';

const NAMESPACE = 'mesh';

function workload(chart: Chart, namespace: string, name: string, version: string): void {
  const labels = { app: name, version };
  new ApiObject(chart, `${name}-${version}`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${name}-${version}`, namespace, labels },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { serviceAccountName: name, containers: [{ name, image: `example.com/${name}:${version}` }] } },
    },
  } as any);
}

/** Adds N services with their workloads, subsets, canary, retries and call-graph edges to one chart named after their namespace. */
export function buildMesh(app: App, n: number, namespace = NAMESPACE): Chart {
  const chart = new Chart(app, namespace);
  const zeroTrust = new ZeroTrust(chart, 'zero-trust', { namespace });
  let previous: MeshService | undefined;
  for (let i = 0; i < n; i++) {
    const name = `svc-${i}`;
    new ApiObject(chart, `${name}-service`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080 }] },
    } as any);
    workload(chart, namespace, name, 'v1');
    workload(chart, namespace, name, 'v2');
    const service = new MeshService({ host: name, namespace, port: 8080, selector: { app: name }, serviceAccount: name });
    new ServiceSubsets(chart, `${name}-subsets`, { service, subsets: ['v1', 'v2'] });
    new Canary(chart, `${name}-canary`, { service, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    new Retries(chart, `${name}-retries`, { service, attempts: 2, perTryTimeout: Duration.millis(500), retryOn: [RetryOn.GATEWAY_ERROR] });
    if (previous) {
      zeroTrust.allow(previous, service);
    }
    previous = service;
  }
  return chart;
}

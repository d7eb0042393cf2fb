import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Include, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { MeshService, WorkloadIdentity } from '../lib';

describe('MeshService', () => {
  test.each([
    [{ namespace: 'Shop' }, "'namespace' must be a DNS label (lowercase letters, digits and '-', at most 63 characters), got 'Shop'"],
    [{ port: 0 }, "'port' must be an integer between 1 and 65535, got 0"],
  ])('fromHost throws on %p', (options, message) => {
    expect(() => MeshService.fromHost('checkout', options)).toThrow(message);
  });

  test('fromHost throws if the host is not a Service name', () => {
    expect(() => MeshService.fromHost('Checkout')).toThrow("'host' must be a DNS label");
  });
});

describe('MeshService', () => {
  test('fromHost keeps host, namespace and port', () => {
    const service = MeshService.fromHost('ratings', { namespace: 'shop', port: 9080, subsets: ['v1'] });
    expect([service.host, service.namespace, service.port, service.fqdn, service.subsets])
      .toEqual(['ratings', 'shop', 9080, 'ratings.shop.svc.cluster.local', ['v1']]);
  });

  test('throws if the host is not a DNS label', () => {
    expect(() => MeshService.fromHost('Reviews.Default')).toThrow("'host' must be a DNS label");
  });

  test('throws if the port is out of range', () => {
    expect(() => MeshService.fromHost('reviews', { port: 70000 })).toThrow("'port' must be an integer between 1 and 65535, got 70000");
  });
});

describe('MeshService.fromService', () => {
  function shopChart(): Chart {
    return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  }

  test('reads host, namespace, port, selector, identity and versions from cdk8s-plus objects', () => {
    // GIVEN a Service selecting two versions of one app, each run as the app's ServiceAccount
    const chart = shopChart();
    const account = new kplus.ServiceAccount(chart, 'checkout-sa', { metadata: { name: 'checkout' } });
    for (const version of ['v1', 'v2']) {
      new kplus.Deployment(chart, `checkout-${version}`, {
        serviceAccount: account, podMetadata: { labels: { app: 'checkout', version } },
        containers: [{ image: `registry.example.com/checkout:${version}`, portNumber: 8080 }],
      });
    }
    const service = new kplus.Service(chart, 'checkout', { metadata: { name: 'checkout' }, ports: [{ port: 8080, name: 'http' }] });
    service.selectLabel('app', 'checkout');
    // WHEN
    const handle = MeshService.fromService(service);
    // THEN
    expect([handle.host, handle.namespace, handle.port, handle.selector, handle.serviceAccount]).toEqual(['checkout', 'shop', 8080, { app: 'checkout' }, 'checkout']);
    expect(handle.versions).toEqual(['v1', 'v2']);
    expect(handle.principal).toBe('cluster.local/ns/shop/sa/checkout');
  });

  test('a Deployment exposed by cdk8s-plus: its own pods, under the label cdk8s-plus selects by', () => {
    const chart = shopChart();
    const deployment = new kplus.Deployment(chart, 'cart', { containers: [{ image: 'registry.example.com/cart:1', portNumber: 9090 }] });
    const handle = MeshService.fromService(deployment.exposeViaService({ name: 'cart', ports: [{ port: 9090, name: 'grpc' }] }));
    expect(handle.port).toBe(9090);
    // a pod template that names no ServiceAccount runs as the namespace's `default`
    expect(Testing.synth(chart).find(m => m.kind === 'Deployment').spec.template.spec.serviceAccountName).toBeUndefined();
    expect(handle.serviceAccount).toBe('default');
  });

  test('reads a Service of an Include\'d file, and its workloads there', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-include-'));
    const file = path.join(dir, 'shop.yaml');
    fs.writeFileSync(file, [
      'apiVersion: v1\nkind: Service\nmetadata: { name: ratings, namespace: shop }\nspec: { selector: { app: ratings }, ports: [{ name: http, port: 9080 }, { name: metrics, port: 9090 }] }',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: ratings, namespace: shop }\nspec: { selector: { matchLabels: { app: ratings } }, template: { metadata: { labels: { app: ratings, version: v1 } }, spec: { serviceAccountName: ratings, containers: [{ name: r, image: r }] } } }',
      'apiVersion: v1\nkind: Service\nmetadata: { name: other, namespace: shop }\nspec: { ports: [{ port: 80 }] }',
    ].join('\n---\n'));
    const include = new Include(shopChart(), 'shop', { url: file });
    const handle = MeshService.fromService(include, { name: 'ratings', portName: 'http' });
    expect([handle.host, handle.port, handle.serviceAccount, handle.versions]).toEqual(['ratings', 9080, 'ratings', ['v1']]);
    expect(() => MeshService.fromService(include)).toThrow("'service' must be or hold one Kubernetes Service, shop/shop holds 2 (ratings, other): pass 'name'");
    expect(() => MeshService.fromService(include, { name: 'ratings', portName: 'grpc' }))
      .toThrow("'portName' names 'grpc', which Service 'ratings' (shop/shop/ratings-service-shop) does not have (ports: http 9080, metrics 9090)");
  });

  test('a Service whose workloads run as several ServiceAccounts has no identity, and a caller says why', () => {
    const chart = shopChart();
    for (const [version, account] of [['v1', 'web'], ['v2', 'web-canary']]) {
      new ApiObject(chart, `web-${version}`, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `web-${version}` },
        spec: { selector: { matchLabels: { app: 'web', version } }, template: { metadata: { labels: { app: 'web', version } }, spec: { serviceAccountName: account, containers: [{ name: 'web', image: 'web' }] } } },
      });
    }
    const service = new ApiObject(chart, 'web', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    const handle = MeshService.fromService(service);
    expect(handle.serviceAccount).toBeUndefined();
    expect(() => WorkloadIdentity.of(handle)).toThrow("caller 'web' has no serviceAccount (its workloads run as several ServiceAccounts (web-v1: web, web-v2: web-canary))");
  });

  test('an Argo Rollout\'s pod template is a workload of the Service too', () => {
    const chart = shopChart();
    new ApiObject(chart, 'rollout', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'search' },
      spec: { selector: { matchLabels: { app: 'search' } }, template: { metadata: { labels: { app: 'search', version: 'v3' } }, spec: { serviceAccountName: 'search', containers: [{ name: 's', image: 's' }] } } },
    });
    const service = new ApiObject(chart, 'search', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'search' }, spec: { selector: { app: 'search' }, ports: [{ port: 80 }] } });
    const handle = MeshService.fromService(service);
    expect([handle.serviceAccount, handle.versions]).toEqual(['search', ['v3']]);
  });
});

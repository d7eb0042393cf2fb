import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { BookinfoApp, MeshService, ReviewsVersion, WorkloadIdentity } from '../../lib';
import { find, synth } from '../util';
import { BOOKINFO_SAMPLES } from '../fixtures';

const SAMPLES = BOOKINFO_SAMPLES;

function upstream(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(path.join(SAMPLES, file), 'utf8'))
    .map(d => d.toJS())
    .filter(d => d);
}

function withoutNamespace(manifest: any): any {
  const { namespace: _namespace, ...metadata } = manifest.metadata;
  return { ...manifest, metadata };
}

function bookinfo(props: ConstructorParameters<typeof BookinfoApp>[2] = {}) {
  const chart = new Chart(Testing.app(), 'bookinfo');
  const app = new BookinfoApp(chart, 'bookinfo', props);
  return { chart, app, manifests: synth(chart) };
}

describe('BookinfoApp', () => {
  test('defaults match upstream bookinfo.yaml object for object', () => {
    // GIVEN upstream's Services, ServiceAccounts and Deployments
    const expected = upstream('platform/kube/bookinfo.yaml');
    // WHEN
    const { manifests } = bookinfo();
    // THEN every upstream object is emitted unchanged, and no other workload objects
    for (const object of expected) {
      expect(find(manifests, object.kind, object.metadata.name)).toEqual(object);
    }
    const workloads = manifests.filter(m => ['Service', 'ServiceAccount', 'Deployment'].includes(m.kind));
    expect(workloads).toHaveLength(expected.length);
    expect(manifests).toMatchSnapshot();
  });

  test('defines a DestinationRule subset per deployed version, as destination-rule-all.yaml does', () => {
    const { manifests } = bookinfo({ namespace: 'bookinfo' });
    const rules = upstream('networking/destination-rule-all.yaml');
    for (const host of ['productpage', 'reviews', 'ratings', 'details']) {
      const deployed = manifests.filter(m => m.kind === 'Deployment' && m.metadata.labels.app === host)
        .map(m => m.metadata.labels.version);
      const rule = find(manifests, 'DestinationRule', host);
      const upstreamRule = rules.find(r => r.metadata.name === host);
      expect(rule.spec.host).toBe(host);
      expect(rule.spec.subsets).toEqual(upstreamRule.spec.subsets.filter((s: any) => deployed.includes(s.name)));
      expect(rule.spec.subsets.map((s: any) => s.name)).toEqual(deployed);
    }
  });

  test('ingress matches upstream bookinfo-gateway.yaml', () => {
    const { manifests } = bookinfo();
    for (const object of upstream('networking/bookinfo-gateway.yaml')) {
      expect(find(manifests, object.kind, object.metadata.name)).toEqual(object);
    }
  });

  test('a namespace puts every object in it and creates it with sidecar injection', () => {
    const { manifests } = bookinfo({ namespace: 'shop' });
    const ns = find(manifests, 'Namespace', 'shop');
    expect(ns.metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    const others = manifests.filter(m => m.kind !== 'Namespace');
    expect(others.every(m => m.metadata.namespace === 'shop')).toBe(true);
    for (const object of upstream('platform/kube/bookinfo.yaml')) {
      expect(withoutNamespace(find(manifests, object.kind, object.metadata.name))).toEqual(object);
    }
  });

  test('image registry, tag and replicas apply to every Deployment', () => {
    const { manifests } = bookinfo({ imageRegistry: 'mirror.example.com/istio', imageTag: '1.21.0', replicas: 3 });
    const deployments = manifests.filter(m => m.kind === 'Deployment');
    expect(deployments).toHaveLength(6);
    for (const d of deployments) {
      expect(d.spec.replicas).toBe(3);
      expect(d.spec.template.spec.containers[0].image)
        .toBe(`mirror.example.com/istio/examples-bookinfo-${d.metadata.labels.app}-${d.metadata.labels.version}:1.21.0`);
    }
  });

  test('reviewsVersions limits the reviews Deployments and subsets', () => {
    const { manifests, app } = bookinfo({ reviewsVersions: [ReviewsVersion.V1, ReviewsVersion.V3] });
    expect(manifests.filter(m => m.kind === 'Deployment' && m.metadata.labels.app === 'reviews').map(m => m.metadata.name))
      .toEqual(['reviews-v1', 'reviews-v3']);
    expect(find(manifests, 'DestinationRule', 'reviews').spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v3']);
    expect(app.reviews.subsets).toEqual(['v1', 'v3']);
  });

  test('ingress can be turned off', () => {
    const { manifests, app } = bookinfo({ ingress: false });
    expect(manifests.filter(m => m.kind === 'Gateway' || m.kind === 'VirtualService')).toEqual([]);
    expect(app.ingress).toBeUndefined();
  });

  test('productpage can be a NodePort Service, as upstream productpage-nodeport.yaml', () => {
    const { manifests } = bookinfo({ productpageNodePort: true });
    const [expected] = upstream('platform/kube/productpage-nodeport.yaml');
    expect(find(manifests, 'Service', 'productpage')).toEqual(expected);
    expect(find(manifests, 'Service', 'reviews').spec.type).toBeUndefined();
  });

  test('exposes handles with host, namespace, port and subsets', () => {
    const { app } = bookinfo({ namespace: 'bookinfo' });
    expect(app.reviews.host).toBe('reviews');
    expect(app.reviews.fqdn).toBe('reviews.bookinfo.svc.cluster.local');
    expect(app.reviews.port).toBe(9080);
    expect(app.reviews.subsets).toEqual(['v1', 'v2', 'v3']);
    expect(app.ratings.subsets).toEqual(['v1']);
    expect(app.productpage.selector).toEqual({ app: 'productpage' });
  });

  test('emits the Kubernetes and Istio v1 API versions', () => {
    const { manifests } = bookinfo({ namespace: 'bookinfo' });
    const versions = Object.fromEntries(manifests.map(m => [m.kind, m.apiVersion]));
    expect(versions).toEqual({
      Namespace: 'v1', Service: 'v1', ServiceAccount: 'v1', Deployment: 'apps/v1',
      DestinationRule: 'networking.istio.io/v1', Gateway: 'networking.istio.io/v1', VirtualService: 'networking.istio.io/v1',
    });
  });

  test('hardening: no API tokens, requests and limits everywhere, restricted context only on non-root images', () => {
    const { manifests } = bookinfo({ namespace: 'bookinfo', hardening: true });
    const accounts = manifests.filter(m => m.kind === 'ServiceAccount');
    expect(accounts.map(a => a.automountServiceAccountToken)).toEqual([false, false, false, false]);
    const containers = manifests.filter(m => m.kind === 'Deployment').flatMap(d => d.spec.template.spec.containers.map((c: any) => ({ app: d.metadata.labels.app, ...c })));
    expect(containers).toHaveLength(6);
    for (const c of containers) {
      expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
    }
    expect(containers.filter(c => c.securityContext).map(c => c.app)).toEqual(['details']);
    expect(find(manifests, 'Deployment', 'details-v1').spec.template.spec.containers[0].securityContext)
      .toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  test('hardening changes nothing but those fields', () => {
    const strip = (m: any) => {
      const copy = JSON.parse(JSON.stringify(m));
      delete copy.automountServiceAccountToken;
      for (const c of copy.spec?.template?.spec?.containers ?? []) {
        delete c.resources;
        delete c.securityContext;
      }
      return copy;
    };
    expect(bookinfo({ hardening: true }).manifests.map(strip)).toEqual(bookinfo().manifests);
  });

  test('ingressTls serves HTTPS with the secret and redirects HTTP', () => {
    const { manifests } = bookinfo({ ingressTls: { credentialName: 'bookinfo-cert' } });
    expect(find(manifests, 'Gateway', 'bookinfo-gateway').spec.servers).toEqual([
      { port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'], tls: { httpsRedirect: true } },
      { port: { number: 8443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: 'bookinfo-cert' } },
    ]);
  });

  test('ingressTls can keep plain HTTP without redirect', () => {
    const { manifests } = bookinfo({ ingressTls: { credentialName: 'bookinfo-cert', httpsRedirect: false, port: 443 } });
    const servers = find(manifests, 'Gateway', 'bookinfo-gateway').spec.servers;
    expect(servers[0].tls).toBeUndefined();
    expect(servers[1].port.number).toBe(443);
  });

  test('throws if the TLS secret name is not a Kubernetes name', () => {
    expect(() => bookinfo({ ingressTls: { credentialName: 'Bookinfo Cert' } })).toThrow("'tls.credentialName' must be a DNS label");
  });

  test('declares the call graph of the sample', () => {
    const { app } = bookinfo({ namespace: 'bookinfo' });
    expect(app.callGraph().map(e => `${e.caller instanceof MeshService ? e.caller.host : (e.caller as WorkloadIdentity).name}->${e.to.host}`))
      .toEqual(['ingress gateway->productpage', 'productpage->details', 'productpage->reviews', 'reviews->ratings']);
  });

  test('throws if replicas is negative', () => {
    expect(() => bookinfo({ replicas: -1 })).toThrow("'replicas' must be an integer between 0 and 1000, got -1");
  });

  test('throws if a reviews version is listed twice', () => {
    expect(() => bookinfo({ reviewsVersions: [ReviewsVersion.V1, ReviewsVersion.V1] }))
      .toThrow("'reviewsVersions' must list at least one version, each once, got [v1, v1]");
  });

  test('throws if the image tag is not a Docker tag', () => {
    expect(() => bookinfo({ imageTag: 'latest and greatest' })).toThrow("'imageTag' must be a Docker tag");
  });

  test('throws if ingressTls is set with the ingress off', () => {
    expect(() => bookinfo({ ingress: false, ingressTls: { credentialName: 'bookinfo-cert' } }))
      .toThrow("'ingressTls' is set but 'ingress' is false");
  });
});

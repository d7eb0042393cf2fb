import { analyzeYaml, codes, lineOf } from '../helpers';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of annotations (annotations.K8sAnalyzer, maturity.AlphaAnalyzer) and the sidecar injector's value checks:
// the checks of lib/analyze/checks/annotations.ts.

// Bad/good pairs written for this project after istioctl 1.30's annotations.K8sAnalyzer and
// maturity.AlphaAnalyzer (IST0107, IST0108, IST0125, IST0135, IST0136) and the injector's value checks.

const POD = (annotations: string, initContainers = '') => `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  annotations:
${annotations.split('\n').map(line => `    ${line}`).join('\n')}
spec:
  containers: [{ name: web, image: web }]${initContainers ? `\n  initContainers: [{ name: ${initContainers}, image: proxy }]` : ''}`;

const SERVICE = (annotations: string) => `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop, annotations: { ${annotations} } }
spec: { selector: { app: web }, ports: [{ port: 80, name: http }] }`;

const DEPLOYMENT = (annotations: string, labels = '') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop, annotations: { ${annotations} }${labels ? `, labels: { ${labels} }` : ''} }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: web }] }`;

/** Codes of the annotation checks only: the inputs are not meant to be complete meshes. */
const annotationCodes = (...docs: string[]) => codes(analyzeYaml(...docs)).filter(c => ['CI257', 'CI258', 'CI259', 'CI260', 'CI261'].includes(c)).sort();

describe('IST0108: an annotation in Istio\'s namespace that Istio does not define (CI257)', () => {
  test('a misspelt Istio annotation, with its line; other namespaces are not Istio\'s business', () => {
    const docs = [SERVICE('networking.istio.io/exportToo: "."')];
    const findings = analyzeYaml(...docs).filter(f => f.code === 'CI257');
    expect(findings.map(f => f.message)).toEqual(['Unknown annotation: networking.istio.io/exportToo (not an annotation of Istio 1.30)']);
    expect(findings[0].line).toBe(lineOf(docs, 'exportToo'));
    expect(annotationCodes(SERVICE('example.com/exportToo: "."'))).toEqual([]);
    expect(annotationCodes(SERVICE('traffic.istio.io/nodeSelector: "{}"'))).toEqual([]);
  });

  test('sub-domains of istio.io count; what istiod and controllers set does not', () => {
    expect(annotationCodes(SERVICE('foo.bar.istio.io/thing: x'))).toEqual(['CI257']);
    expect(annotationCodes(POD('istio.io/rev: canary\nsidecar.istio.io/status: "{}"\ngateway.istio.io/controller-version: "5"'))).toEqual([]);
  });
});

describe('IST0107: an annotation on a kind it does not apply to (CI258)', () => {
  test('a pod annotation on the Deployment instead of its pod template', () => {
    const findings = analyzeYaml(DEPLOYMENT('sidecar.istio.io/proxyCPU: 100m'));
    expect(findings.filter(f => f.code === 'CI258').map(f => f.message)).toEqual(['Misplaced annotation: sidecar.istio.io/proxyCPU can only be applied to Pod']);
    expect(annotationCodes(POD('sidecar.istio.io/proxyCPU: 100m'))).toEqual(['CI261']);
  });

  test('the one Kubernetes annotation Istio documents belongs on an Ingress; "Any" annotations go anywhere', () => {
    expect(annotationCodes(SERVICE('kubernetes.io/ingress.class: istio'))).toEqual(['CI258']);
    expect(annotationCodes(SERVICE('galley.istio.io/analyze-suppress: IST0108'))).toEqual(['CI261']);
  });
});

describe('IST0125: a value the sidecar injector refuses (CI259)', () => {
  const invalid = (annotation: string) => analyzeYaml(POD(annotation)).filter(f => f.code === 'CI259').map(f => f.message);

  test.each([
    ['readiness.status.sidecar.istio.io/periodSeconds: soon', 'readiness.status.sidecar.istio.io/periodSeconds: "10"'],
    ['readiness.status.sidecar.istio.io/failureThreshold: "-1"', 'readiness.status.sidecar.istio.io/failureThreshold: "3"'],
    ['sidecar.istio.io/interceptionMode: redirect', 'sidecar.istio.io/interceptionMode: TPROXY'],
    ['status.sidecar.istio.io/port: "70000"', 'status.sidecar.istio.io/port: "15020"'],
    ['traffic.sidecar.istio.io/includeOutboundIPRanges: "10.0.0.0/8,10.1.0.0"', 'traffic.sidecar.istio.io/includeOutboundIPRanges: "*"'],
    ['traffic.sidecar.istio.io/excludeOutboundIPRanges: "*"', 'traffic.sidecar.istio.io/excludeOutboundIPRanges: "10.0.0.0/8,fd00::/8"'],
    ['traffic.sidecar.istio.io/excludeOutboundIPRanges: "10.0.0.0/33"', 'traffic.sidecar.istio.io/excludeOutboundIPRanges: ""'],
    ['traffic.sidecar.istio.io/includeInboundPorts: "80,http"', 'traffic.sidecar.istio.io/includeInboundPorts: "*"'],
    ['traffic.sidecar.istio.io/excludeInboundPorts: "80;443"', 'traffic.sidecar.istio.io/excludeInboundPorts: " 80, 443 "'],
    ['traffic.sidecar.istio.io/excludeOutboundPorts: "65536"', 'traffic.sidecar.istio.io/excludeOutboundPorts: "3306"'],
    ['traffic.sidecar.istio.io/excludeInterfaces: "eth0,,eth1"', 'traffic.sidecar.istio.io/excludeInterfaces: "eth0, eth1"'],
    ['istio.io/reroute-virtual-interfaces: "a-very-long-interface0"', 'istio.io/reroute-virtual-interfaces: "tap0"'],
    ['prometheus.istio.io/merge-metrics: "yes"', 'prometheus.istio.io/merge-metrics: "False"'],
    ['sidecar.istio.io/proxyMemory: "1 GB"', 'sidecar.istio.io/proxyMemory: 1Gi'],
    ['sidecar.istio.io/proxyCPULimit: "two"', 'sidecar.istio.io/proxyCPULimit: "1.5"'],
    ['proxy.istio.io/config: "[holdApplicationUntilProxyStarts]"', 'proxy.istio.io/config: "{ holdApplicationUntilProxyStarts: true }"'],
    ['proxy.istio.io/config: "{ statusPort: 0 }"', 'proxy.istio.io/config: "{ statusPort: 15021 }"'],
    ['proxy.istio.io/config: "{ drainDuration: 1500ms }"', 'proxy.istio.io/config: "{ drainDuration: 45s }"'],
    ['proxy.istio.io/config: "{ discoveryAddress: istiod.istio-system.svc }"', 'proxy.istio.io/config: "{ discoveryAddress: istiod.istio-system.svc:15012 }"'],
    ['proxy.istio.io/config: "{ controlPlaneAuthPolicy: MTLS }"', 'proxy.istio.io/config: "{ controlPlaneAuthPolicy: MUTUAL_TLS }"'],
  ])('%s', (bad, good) => {
    expect(invalid(bad)).toHaveLength(1);
    expect(invalid(good)).toEqual([]);
  });

  test('the message names the annotation and the injector\'s reason', () => {
    expect(invalid('traffic.sidecar.istio.io/excludeInboundPorts: "80;443"')).toEqual([
      "Invalid annotation traffic.sidecar.istio.io/excludeInboundPorts: excludeInboundPorts invalid: failed parsing port '80;443'",
    ]);
  });

  test('a misplaced annotation is reported as misplaced, not also as invalid', () => {
    expect(annotationCodes(SERVICE('sidecar.istio.io/interceptionMode: nope'))).toEqual(['CI258', 'CI261']);
  });
});

describe('IST0135: deprecated annotations (CI260)', () => {
  test('sidecar.istio.io/inject as an annotation, unless the label is there too', () => {
    const findings = analyzeYaml(POD('sidecar.istio.io/inject: "true"'));
    expect(findings.filter(f => f.code === 'CI260').map(f => f.message)).toEqual([
      'Annotation "sidecar.istio.io/inject" has been deprecated in favor of the "sidecar.istio.io/inject" label and may not work in future Istio versions.',
    ]);
    const labelled = POD('sidecar.istio.io/inject: "true"').replace('  name: web\n', '  name: web\n  labels: { sidecar.istio.io/inject: "true" }\n');
    expect(annotationCodes(labelled)).toEqual([]);
  });

  test('a deprecated annotation that is also alpha and misplaced gets all three', () => {
    expect(annotationCodes(DEPLOYMENT('sidecar.istio.io/statsInclusionPrefixes: cluster.outbound'))).toEqual(['CI258', 'CI260', 'CI261']);
  });
});

describe('IST0136: alpha-phase annotations (CI261)', () => {
  test('alpha is reported, beta and stable are not', () => {
    expect(annotationCodes(POD('sidecar.istio.io/logLevel: debug'))).toEqual(['CI261']);
    expect(annotationCodes(POD('proxy.istio.io/config: "{}"'))).toEqual([]);
    expect(annotationCodes(POD('ambient.istio.io/redirection: enabled'))).toEqual([]);
  });

  test('what the injector sets on pods that use istio-cni is not reported; with istio-init it is', () => {
    const injected = 'sidecar.istio.io/interceptionMode: REDIRECT\ntraffic.sidecar.istio.io/includeInboundPorts: "*"';
    expect(annotationCodes(POD(injected, 'istio-validation'))).toEqual([]);
    expect(annotationCodes(POD(injected, 'istio-init'))).toEqual(['CI261', 'CI261']);
  });
});

describe('a workload\'s pod template is checked as its pods are (istioctl reads the pods it becomes)', () => {
  const TEMPLATED = (kind: string, annotations: string) => {
    const template = `metadata: { labels: { app: web }, annotations: { ${annotations} } }
    spec: { containers: [{ name: web, image: web }] }`;
    return kind === 'CronJob'
      ? `apiVersion: batch/v1
kind: CronJob
metadata: { name: web, namespace: shop }
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        ${template.replace('\n    ', '\n        ')}`
      : `apiVersion: apps/v1
kind: ${kind}
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    ${template}`;
  };

  test.each(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'])('an invalid proxyCPU, an unknown and a deprecated annotation in a %s template', kind => {
    const doc = TEMPLATED(kind, 'sidecar.istio.io/proxyCPU: lots, sidecar.istio.io/unknownThing: x, sidecar.istio.io/inject: "true"');
    const findings = analyzeYaml(doc).filter(f => ['CI257', 'CI259', 'CI260'].includes(f.code));
    expect(findings.map(f => f.code).sort()).toEqual(['CI257', 'CI259', 'CI260']);
    expect(findings.find(f => f.code === 'CI259')?.line).toBe(lineOf([doc], 'proxyCPU'));
    expect(findings.find(f => f.code === 'CI259')?.message).toMatch(/^Invalid annotation sidecar\.istio\.io\/proxyCPU: /);
  });

  test('a pod annotation in the template is in its place (no IST0107): a valid value is only alpha (IST0136)', () => {
    expect(annotationCodes(TEMPLATED('Deployment', 'sidecar.istio.io/proxyCPU: 100m'))).toEqual(['CI261']);
    expect(annotationCodes(TEMPLATED('Deployment', 'proxy.istio.io/config: "{}"'))).toEqual([]);
  });
});

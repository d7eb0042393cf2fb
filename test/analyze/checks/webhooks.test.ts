import { analyzeYaml, codes } from '../helpers';

// Written for this project after istioctl 1.30's webhook analyzer (IST0139) and external control plane
// analyzer (IST0163, IST0164): Istio's webhook configurations as a cluster holds them.

const INJECTOR = (name: string, webhooks: string, labels = '') => `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: { name: ${name}${labels ? `, labels: { ${labels} }` : ''} }
webhooks:
${webhooks}`;

const HOOK = (name: string, namespaceSelector: string, clientConfig = '{ service: { name: istiod, namespace: istio-system, path: /inject } }') => `- name: ${name}
  clientConfig: ${clientConfig}
  namespaceSelector: ${namespaceSelector}
  sideEffects: None
  admissionReviewVersions: [v1]`;

const ISTIOD = `apiVersion: v1
kind: Service
metadata: { name: istiod, namespace: istio-system }
spec: { selector: { app: istiod }, ports: [{ port: 443, name: https-webhook }] }`;

const webhookFindings = (...docs: string[]) => analyzeYaml(...docs).filter(f => ['CI275', 'CI276'].includes(f.code));

describe('CI275 injection webhooks (IST0139)', () => {
  test('two injectors matching the same namespaces would inject twice: each is reported naming the other', () => {
    const findings = webhookFindings(ISTIOD,
      INJECTOR('istio-sidecar-injector', HOOK('namespace.sidecar-injector.istio.io', '{ matchLabels: { istio-injection: enabled } }')),
      INJECTOR('istio-sidecar-injector-canary', HOOK('rev.namespace.sidecar-injector.istio.io', '{ matchExpressions: [{ key: istio-injection, operator: Exists }] }'), 'istio.io/rev: canary'));
    expect(findings.map(f => f.message)).toEqual([
      'Webhook namespace.sidecar-injector.istio.io overlaps with others: [istio-sidecar-injector-canary/rev.namespace.sidecar-injector.istio.io]. This may cause injection to occur twice.',
      'Webhook rev.namespace.sidecar-injector.istio.io overlaps with others: [istio-sidecar-injector/namespace.sidecar-injector.istio.io]. This may cause injection to occur twice.',
    ]);
  });

  test('disjoint selectors (Istio\'s own default and revision webhooks) do not overlap', () => {
    expect(webhookFindings(ISTIOD,
      INJECTOR('istio-sidecar-injector', HOOK('namespace.sidecar-injector.istio.io', '{ matchLabels: { istio-injection: enabled } }')),
      INJECTOR('istio-sidecar-injector-canary', HOOK('rev.namespace.sidecar-injector.istio.io', "{ matchExpressions: [{ key: istio.io/rev, operator: In, values: [canary] }, { key: istio-injection, operator: DoesNotExist }] }"), 'istio.io/rev: canary'))).toEqual([]);
  });

  test('a webhook to a Service missing from a namespace the input describes', () => {
    const findings = webhookFindings(ISTIOD.replace('name: istiod,', 'name: istiod-canary,'),
      INJECTOR('istio-sidecar-injector', HOOK('namespace.sidecar-injector.istio.io', '{ matchLabels: { istio-injection: enabled } }')));
    expect(findings.map(f => f.message)).toEqual(['Injector refers to a control plane service that does not exist: istio-system/istiod.']);
    // a namespace the input does not describe is assumed to hold it
    expect(codes(webhookFindings(INJECTOR('istio-sidecar-injector', HOOK('namespace.sidecar-injector.istio.io', '{ matchLabels: { istio-injection: enabled } }'))))).toEqual([]);
  });

  test('other teams\' webhooks are not Istio\'s business', () => {
    expect(webhookFindings(
      INJECTOR('vault-agent', HOOK('vault.hashicorp.com', '{}', '{ service: { name: vault, namespace: vault } }')),
      INJECTOR('linkerd', HOOK('linkerd-proxy-injector.linkerd.io', '{}', '{ service: { name: vault, namespace: vault } }')))).toEqual([]);
  });
});

describe('CI276 an external control plane\'s webhooks (IST0163, IST0164)', () => {
  const validator = (clientConfig: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: { name: istio-validator-istio-system }
webhooks:
- name: rev.validation.istio.io
  clientConfig: ${clientConfig}
  sideEffects: None
  admissionReviewVersions: [v1]`;
  test('an IP address, a blank config and a URL that does not parse', () => {
    expect(webhookFindings(validator("{ url: 'https://10.0.0.1:15017/validate' }")).map(f => f.message)).toEqual([
      'The address (https://10.0.0.1:15017/validate) that was provided for the webhook (rev.validation.istio.io) to reach the ingress gateway on the external control plane cluster is an IP address. This is not supported.',
    ]);
    expect(webhookFindings(validator('{}')).map(f => f.message)).toEqual([expect.stringMatching(/^The hostname \(\) .* is blank/)]);
    expect(webhookFindings(validator("{ url: 'https://[not a host/validate' }")).map(f => f.message)).toEqual([expect.stringMatching(/invalid format/)]);
  });

  test('a host name or an in-cluster service is fine', () => {
    expect(webhookFindings(validator("{ url: 'https://istiod.example.com:15017/validate' }"))).toEqual([]);
    expect(webhookFindings(ISTIOD, validator('{ service: { name: istiod, namespace: istio-system } }'))).toEqual([]);
  });
});

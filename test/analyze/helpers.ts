import { Analyzer } from '../../lib/analyze/analyzer';
import { Finding } from '../../lib/analyze/finding';
import { parseManifests } from '../../lib/analyze/read/manifest';

const analyzer = new Analyzer();

/** Analyzes YAML documents as one input file; returns every finding, input problems included. */
export function analyzeYaml(...docs: string[]): Finding[] {
  const { manifests, findings } = parseManifests('input.yaml', docs.join('\n---\n'));
  return [...findings, ...analyzer.analyze(manifests)];
}

/** 1-based line of the first line holding `needle` in the input `analyzeYaml` builds from `docs`. */
export function lineOf(docs: string[], needle: string): number {
  return docs.join('\n---\n').split('\n').findIndex(l => l.includes(needle)) + 1;
}

/** The codes of the findings, in order. */
export function codes(findings: Finding[]): string[] {
  return findings.map(f => f.code);
}

export const REVIEWS_SERVICE = `
apiVersion: v1
kind: Service
metadata: { name: reviews }
spec:
  selector: { app: reviews }
  ports: [{ port: 9080, name: http }]`;

export const REVIEWS_V1 = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v1 }
spec:
  selector: { matchLabels: { app: reviews, version: v1 } }
  template:
    metadata: { labels: { app: reviews, version: v1 } }
    spec: { containers: [{ name: reviews, image: reviews:v1 }] }`;

export const REVIEWS_V2 = REVIEWS_V1.replace(/v1/g, 'v2');

export const REVIEWS_RULE = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews }
spec:
  host: reviews
  subsets:
  - { name: v1, labels: { version: v1 } }
  - { name: v2, labels: { version: v2 } }`;

/** A VirtualService for reviews with the given `http` rules (YAML flow or block, indented 2). */
export function reviewsRoute(http: string, extra = ''): string {
  return `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews }
spec:
  hosts: [reviews]${extra}
  http:
${http}`;
}

/** The good baseline: reviews with two versions, its subsets, and a 90/10 route. */
export const GOOD = [REVIEWS_SERVICE, REVIEWS_V1, REVIEWS_V2, REVIEWS_RULE, reviewsRoute(`
  - route:
    - { destination: { host: reviews, subset: v1 }, weight: 90 }
    - { destination: { host: reviews, subset: v2 }, weight: 10 }`)];

/** A Gateway named `gw` on Istio's ingress gateway, serving `hosts` over HTTP. */
export function gateway(hosts = "'*'"): string {
  return `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: gw }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 8080, name: http, protocol: HTTP }, hosts: [${hosts}] }]`;
}

/** A webhook rule's bad/good pair, as `[name, bad YAML, good YAML, code, message]`. */
export type WebhookPair = [string, string, string, 'CI104' | 'CI105', RegExp];

/**
 * Asserts one pair: the CRD schema and CEL rules accept the bad input (so the webhook sees it), the rule
 * reports it with `code` and a message matching `message`, and the good twin draws no schema or webhook
 * finding (istiod's warning on every EnvoyFilter aside).
 */
export function expectWebhookPair(bad: string, good: string, code: string, message: RegExp): void {
  const refused = analyzeYaml(bad);
  expect(refused.filter(f => f.code === 'CI101' || f.code === 'CI102').map(f => f.message)).toEqual([]);
  expect(refused.filter(f => f.code === code).map(f => f.message)).toContainEqual(expect.stringMatching(message));
  const accepted = analyzeYaml(good).filter(f => !f.message.includes('EnvoyFilter exposes internal implementation details'));
  expect(accepted.filter(f => ['CI101', 'CI102', 'CI104', 'CI105'].includes(f.code)).map(f => f.message)).toEqual([]);
}

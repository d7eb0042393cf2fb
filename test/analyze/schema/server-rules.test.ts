import { Analyzer } from '../../../lib/analyze/analyzer';
import { parseManifests } from '../../../lib/analyze/read/manifest';
import { analyzeYaml } from '../helpers';

// What the API server does to an object before and beside its schema: defaults applied first, `status`
// ignored under a status subresource, string formats, the scale subresource's replicas. Each rule here
// came out of the agreement test of `npm run test:apiserver`, where a real kube-apiserver disagreed.

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: jobs.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Job, plural: jobs }
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: { specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas }
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              replicas: { type: integer }
              restartAt: { type: string, format: date-time }
              digest: { type: string, format: byte }
          status: { type: object, properties: { replicas: { type: integer } } }`;

const job = (spec: string, status = '') => `apiVersion: example.com/v1
kind: Job
metadata: { name: nightly, namespace: ops }
spec: ${spec}${status ? `\nstatus: ${status}` : ''}`;

function schemaMessages(yaml: string): string[] {
  const crd = parseManifests('crd.yaml', CRD).manifests;
  const { manifests } = parseManifests('input.yaml', yaml);
  return new Analyzer(crd).analyze(manifests).filter(f => f.code === 'CI101').map(f => f.message);
}

describe('the API server\'s rules beside the schema', () => {
  test('a scale subresource\'s replicas must be a non-negative integer', () => {
    expect(schemaMessages(job('{ replicas: -1 }'))).toEqual(['.spec.replicas: invalid value -1: should be a non-negative integer (the scale subresource\'s replicas)']);
    expect(schemaMessages(job('{ replicas: 3 }'))).toEqual([]);
  });

  test('formats the server checks: date-time and byte', () => {
    expect(schemaMessages(job("{ restartAt: '-1s', digest: 'not base64!' }"))).toEqual([
      'spec.digest: spec.digest in body must be of type byte: "not base64!"',
      'spec.restartAt: spec.restartAt in body must be of type date-time: "-1s"',
    ]);
    expect(schemaMessages(job("{ restartAt: '2026-12-08T01:00:00Z', digest: 'aGVsbG8=' }"))).toEqual([]);
  });

  test('status is ignored where it is a subresource', () => {
    expect(schemaMessages(job('{}', '{ replicas: not-a-number }'))).toEqual([]);
  });

  test('defaults apply before the schema: a Gateway address without type is an IPAddress', () => {
    const gateway = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: web, namespace: shop }
spec:
  gatewayClassName: istio
  addresses: [{}]
  listeners: [{ name: http, port: 80, protocol: HTTP }]`;
    expect(analyzeYaml(gateway).filter(f => f.code === 'CI101')).toEqual([]);
  });
});

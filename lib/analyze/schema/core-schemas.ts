/**
 * The fields of Kubernetes core objects that the cross-reference checks read, typed as the API server
 * types them. Not the whole Kubernetes schema (this project carries none): enough that a malformed
 * Service or Deployment is reported as such (CI101) instead of confusing a check.
 */
const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } };
const METADATA = { type: 'object', properties: { name: { type: 'string' }, namespace: { type: 'string' }, labels: STRING_MAP, annotations: STRING_MAP } };
const POD_TEMPLATE = {
  type: 'object',
  properties: {
    metadata: { type: 'object', properties: { labels: STRING_MAP, annotations: STRING_MAP } },
    spec: { type: 'object', properties: { serviceAccountName: { type: 'string' }, containers: { type: 'array', items: { type: 'object' } } } },
  },
};
const WORKLOAD = { type: 'object', properties: { metadata: METADATA, spec: { type: 'object', properties: { selector: { type: 'object' }, template: POD_TEMPLATE } } } };

/** Partial schemas of the core kinds that references resolve against, by `group/Kind`. */
export const CORE_SCHEMAS: Readonly<Record<string, object>> = {
  '/Service': {
    type: 'object',
    properties: {
      metadata: METADATA,
      spec: {
        type: 'object',
        properties: {
          selector: STRING_MAP,
          ports: {
            type: 'array',
            items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' }, appProtocol: { type: 'string' } }, required: ['port'] },
          },
        },
      },
    },
  },
  '/Namespace': { type: 'object', properties: { metadata: METADATA } },
  '/Pod': { type: 'object', properties: { metadata: METADATA, spec: { type: 'object', properties: { nodeName: { type: 'string' } } } } },
  '/Node': { type: 'object', properties: { metadata: METADATA } },
  'apps/Deployment': WORKLOAD,
  'apps/StatefulSet': WORKLOAD,
  'apps/DaemonSet': WORKLOAD,
  'apps/ReplicaSet': WORKLOAD,
  'batch/Job': WORKLOAD,
};

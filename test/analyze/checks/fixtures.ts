import { REVIEWS_SERVICE, REVIEWS_V1, REVIEWS_V2 } from '../helpers';

// Inputs that several check tests share.

export const WORKLOADS = [REVIEWS_SERVICE, REVIEWS_V1, REVIEWS_V2];

export const DEPLOYMENT = (labels: string, annotations = '') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { ${labels} } }
  template:
    metadata: { labels: { ${labels} }${annotations ? `, annotations: { ${annotations} }` : ''} }
    spec: { containers: [{ name: web, image: web }] }`;

export const SERVICE = (name: string, ns = 'shop') => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec: { selector: { app: ${name.replace(/-v\d$/, '')} }, ports: [{ port: 8080, name: http }] }`;

export const ROUTE = (spec: string, ns = 'shop') => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: cart, namespace: ${ns} }
spec:
${spec}`;

export const TO_SERVICE = `  parentRefs: [{ group: "", kind: Service, name: cart, port: 8080 }]
  rules: [{ backendRefs: [{ name: cart-v1, port: 8080, weight: 90 }, { name: cart-v2, port: 8080, weight: 10 }] }]`;

export * from './service';
export * from './mesh-namespace';
export * from './traffic/http-match';
export * from './traffic/service-subsets';
export * from './traffic/traffic-api';
export * from './traffic/host-traffic';
export * from './traffic/host/contributions';
export * from './traffic/policies';
export * from './traffic/service-route';
export * from './traffic/header-policy';
export * from './traffic/cors-policy';
export * from './traffic/rate-limit';
export * from './traffic/locality-failover';
export * from './traffic/resilience';
export * from './traffic/external-service';
export * from './traffic/egress-gateway';
export * from './traffic/blue-green';
export * from './traffic/canary';
export {
  ArgoRolloutsDeliveryOptions, Delivery, DeliveryController, FlaggerDeliveryOptions, ProgressiveDeliveryOptions,
} from './traffic/delivery/delivery';
export * from './traffic/faulty-timeout';
export * from './traffic/ingress-gateway';
export * from './security/mtls-policy';
export * from './security/workload-identity';
export * from './security/zero-trust';
export * from './security/egress-scope';
export * from './security/jwt-edge';
export * from './security/waypoint';
export * from './telemetry';
export * from './apps/bookinfo';

// The generated construct classes, one per kind, under the API group's namespace
export * as networking from '../imports/networking.istio.io';
export * as security from '../imports/security.istio.io';
export * as telemetry from '../imports/telemetry.istio.io';
export * as extensions from '../imports/extensions.istio.io';
export * as gatewayApi from '../imports/gateway-api';

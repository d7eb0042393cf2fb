import { Finding } from '../finding';
import { Mesh } from '../model/mesh';
import { checkAnnotations } from './annotations';
import { checkAuthorizationPolicies, checkGatewayRoutesAdmitted, checkIngressAdmitsOutside, checkZtunnelAdmitsForwarders } from './authorization-policy';
import { checkConditions } from './conditions';
import { checkDeprecations } from './deprecations';
import { checkArgoRoutes, checkFlaggerOwnedHosts } from './delivery';
import { checkDestinationRuleHosts, checkMtls, checkOutlierDetection, checkServerVerification, checkSubsets } from './destination-rule';
import { checkEnvoyFilters, checkLocalRateLimits } from './envoy-filter';
import { checkConflictingGateways, checkDuplicateCertificates, checkGatewaySecrets, checkGatewayWorkloads } from './gateway';
import { checkGatewayApiRoutes, checkGatewayPodSelectors, checkRouteRetriesAgainstTimeout } from './gateway-api';
import { checkInjectionLabels, checkPortNames, checkWorkloads } from './kubernetes';
import { checkJwksFetchRestriction } from './request-authentication';
import { checkServiceEntryAddresses } from './service-entry';
import { checkSidecarSelectors } from './sidecar';
import { checkTelemetry, checkTelemetrySelectors } from './telemetry';
import {
  checkDestinations, checkDuplicateVirtualServices, checkGateways, checkIngressSubsets, checkJwtClaimRoutes, checkMatches, checkRetriesAgainstTimeout, checkWeights,
} from './virtual-service';
import { checkPolicyPorts, checkServicePorts } from './ports';
import { checkExternalControlPlane, checkInjectionWebhooks } from './webhooks';

/** Cross-object checks, each reading the indexed mesh. */
export const MESH_CHECKS: Array<(mesh: Mesh) => Finding[]> = [
  checkDestinations, checkWeights, checkMatches, checkGateways,
  checkDuplicateVirtualServices, checkSubsets, checkMtls, checkTelemetry, checkTelemetrySelectors,
  checkPortNames, checkInjectionLabels, checkGatewayApiRoutes,
  checkConflictingGateways, checkGatewayWorkloads, checkGatewaySecrets, checkDuplicateCertificates,
  checkServerVerification, checkServiceEntryAddresses, checkSidecarSelectors, checkEnvoyFilters,
  checkAuthorizationPolicies, checkWorkloads, checkGatewayPodSelectors, checkJwtClaimRoutes,
  checkDestinationRuleHosts, checkDeprecations, checkIngressSubsets, checkJwksFetchRestriction, checkConditions,
  checkAnnotations, checkZtunnelAdmitsForwarders, checkIngressAdmitsOutside, checkGatewayRoutesAdmitted,
  checkRetriesAgainstTimeout, checkRouteRetriesAgainstTimeout, checkOutlierDetection, checkFlaggerOwnedHosts, checkArgoRoutes, checkLocalRateLimits,
  checkInjectionWebhooks, checkExternalControlPlane, checkServicePorts, checkPolicyPorts,
];

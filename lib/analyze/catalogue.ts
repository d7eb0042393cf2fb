import { CODES as analyzerCodes } from './analyzer';
import { CODES as annotationsCodes } from './checks/annotations';
import { CODES as authorizationPolicyCodes } from './checks/authorization-policy';
import { CODES as conditionsCodes } from './checks/conditions';
import { CODES as deliveryCodes } from './checks/delivery';
import { CODES as deprecationsCodes } from './checks/deprecations';
import { CODES as destinationRuleCodes } from './checks/destination-rule';
import { CODES as envoyFilterCodes } from './checks/envoy-filter';
import { CODES as filesCodes } from './read/files';
import { CODES as gatewayApiCodes } from './checks/gateway-api';
import { CODES as gatewayCodes } from './checks/gateway';
import { CODES as kubernetesCodes } from './checks/kubernetes';
import { CODES as manifestCodes } from './read/manifest';
import { CODES as metadataCodes } from './schema/metadata';
import { CODES as requestAuthenticationCodes } from './checks/request-authentication';
import { CODES as portsCodes } from './checks/ports';
import { CODES as schemaCodes } from './schema/schema';
import { CODES as serviceEntryCodes } from './checks/service-entry';
import { CODES as sidecarCodes } from './checks/sidecar';
import { CODES as telemetryCodes } from './checks/telemetry';
import { CODES as verdictCodes } from './webhook/verdict';
import { CODES as virtualServiceCodes } from './checks/virtual-service';
import { CODES as webhooksCodes } from './checks/webhooks';
import { Check } from './finding';

/**
 * Every check the analyzer runs, by name, in code order: the one list of them. Each is declared and
 * implemented in the module it is imported from. Codes are stable: tools may match on them.
 */
export const CHECKS = {
  unreadable: filesCodes.unreadable, // CI000
  notYaml: manifestCodes.notYaml, // CI001
  noKind: manifestCodes.noKind, // CI002
  unknownKind: schemaCodes.unknownKind, // CI003
  emptyFile: manifestCodes.emptyFile, // CI004
  notChecked: analyzerCodes.notChecked, // CI005
  checkFailed: analyzerCodes.checkFailed, // CI006
  duplicateKey: manifestCodes.duplicateKey, // CI007
  removedApi: analyzerCodes.removedApi, // CI008
  metadata: metadataCodes.metadata, // CI009
  schema: schemaCodes.schema, // CI101
  cel: schemaCodes.cel, // CI102
  celNotEvaluated: schemaCodes.celNotEvaluated, // CI103
  webhookRejects: verdictCodes.webhookRejects, // CI104
  webhookWarns: verdictCodes.webhookWarns, // CI105
  hostNotFound: virtualServiceCodes.hostNotFound, // CI201
  subsetNotFound: virtualServiceCodes.subsetNotFound, // CI202
  gatewayNotFound: virtualServiceCodes.gatewayNotFound, // CI203
  duplicateVirtualService: virtualServiceCodes.duplicateVirtualService, // CI204
  duplicateSubset: destinationRuleCodes.duplicateSubset, // CI205
  subsetSelectsNothing: destinationRuleCodes.subsetSelectsNothing, // CI206
  hostNotOnGateway: virtualServiceCodes.hostNotOnGateway, // CI207
  unreachableRoute: virtualServiceCodes.unreachableRoute, // CI208
  duplicateMatch: virtualServiceCodes.duplicateMatch, // CI209
  portRequired: virtualServiceCodes.portRequired, // CI210
  portName: kubernetesCodes.portName, // CI211
  injectionLabels: kubernetesCodes.injectionLabels, // CI212
  mtlsConflict: destinationRuleCodes.mtlsConflict, // CI213
  weights: virtualServiceCodes.weights, // CI214
  telemetryConflict: telemetryCodes.telemetryConflict, // CI215
  subsetDeclaredElsewhere: virtualServiceCodes.subsetDeclaredElsewhere, // CI216
  backendNotFound: gatewayApiCodes.backendNotFound, // CI217
  parentNotFound: gatewayApiCodes.parentNotFound, // CI218
  listenerRejects: gatewayApiCodes.listenerRejects, // CI219
  mixedRouteApis: gatewayApiCodes.mixedRouteApis, // CI220
  telemetrySelectorConflict: telemetryCodes.telemetrySelectorConflict, // CI221
  conflictingGateways: gatewayCodes.conflictingGateways, // CI222
  gatewayPortNotOnService: gatewayCodes.gatewayPortNotOnService, // CI223
  gatewaySelectorNotFound: gatewayCodes.gatewaySelectorNotFound, // CI224
  credentialNotFound: gatewayCodes.credentialNotFound, // CI225
  credentialInvalid: gatewayCodes.credentialInvalid, // CI226
  duplicateCertificate: gatewayCodes.duplicateCertificate, // CI227
  noServerVerification: destinationRuleCodes.noServerVerification, // CI228
  noServerVerificationPort: destinationRuleCodes.noServerVerificationPort, // CI229
  serviceEntryAddresses: serviceEntryCodes.serviceEntryAddresses, // CI230
  sidecarSelectorNotFound: sidecarCodes.sidecarSelectorNotFound, // CI231
  sidecarSelectorConflict: sidecarCodes.sidecarSelectorConflict, // CI232
  sidecarsWithoutSelector: sidecarCodes.sidecarsWithoutSelector, // CI233
  ineffectiveSidecar: sidecarCodes.ineffectiveSidecar, // CI234
  envoyFilterRelative: envoyFilterCodes.envoyFilterRelative, // CI235
  envoyFilterReplaceInvalid: envoyFilterCodes.envoyFilterReplaceInvalid, // CI236
  envoyFilterAddIgnored: envoyFilterCodes.envoyFilterAddIgnored, // CI237
  envoyFilterRemoveIgnored: envoyFilterCodes.envoyFilterRemoveIgnored, // CI238
  envoyFilterRelativeWithVersion: envoyFilterCodes.envoyFilterRelativeWithVersion, // CI239
  authorizationSelectsNothing: authorizationPolicyCodes.authorizationSelectsNothing, // CI240
  authorizationNamespaceNotFound: authorizationPolicyCodes.authorizationNamespaceNotFound, // CI241
  multipleServiceProtocols: kubernetesCodes.multipleServiceProtocols, // CI242
  conflictingTargetPorts: kubernetesCodes.conflictingTargetPorts, // CI243
  proxyUid: kubernetesCodes.proxyUid, // CI244
  ineffectiveGatewaySelector: gatewayApiCodes.ineffectiveGatewaySelector, // CI245
  jwtClaimRouteWithoutAuthn: virtualServiceCodes.jwtClaimRouteWithoutAuthn, // CI246
  externalNamePortName: kubernetesCodes.externalNamePortName, // CI247
  unknownRuleHost: destinationRuleCodes.unknownRuleHost, // CI248
  internalGatewayReference: virtualServiceCodes.internalGatewayReference, // CI249
  namespaceNotInjected: kubernetesCodes.namespaceNotInjected, // CI250
  podMissingProxy: kubernetesCodes.podMissingProxy, // CI251
  namespaceInjectedByDefault: kubernetesCodes.namespaceInjectedByDefault, // CI252
  deprecated: deprecationsCodes.deprecated, // CI253
  ingressIgnoresSubsets: virtualServiceCodes.ingressIgnoresSubsets, // CI254
  jwksFetchUnrestricted: requestAuthenticationCodes.jwksFetchUnrestricted, // CI255
  negativeCondition: conditionsCodes.negativeCondition, // CI256
  unknownAnnotation: annotationsCodes.unknownAnnotation, // CI257
  misplacedAnnotation: annotationsCodes.misplacedAnnotation, // CI258
  invalidAnnotation: annotationsCodes.invalidAnnotation, // CI259
  deprecatedAnnotation: annotationsCodes.deprecatedAnnotation, // CI260
  alphaAnnotation: annotationsCodes.alphaAnnotation, // CI261
  ztunnelRefusesForwarder: authorizationPolicyCodes.ztunnelRefusesForwarder, // CI262
  ingressRefusesOutside: authorizationPolicyCodes.ingressRefusesOutside, // CI263
  calleeRefusesGateway: authorizationPolicyCodes.calleeRefusesGateway, // CI264
  duplicateIdentity: analyzerCodes.duplicateIdentity, // CI265
  retriesBeyondTimeout: virtualServiceCodes.retriesBeyondTimeout, // CI266
  routeRetriesBeyondTimeout: gatewayApiCodes.routeRetriesBeyondTimeout, // CI267
  outlierEjectsNothing: destinationRuleCodes.outlierEjectsNothing, // CI268
  subsetNotChecked: virtualServiceCodes.subsetNotChecked, // CI269
  flaggerOwnedHost: deliveryCodes.flaggerOwnedHost, // CI270
  argoRouteMissing: deliveryCodes.argoRouteMissing, // CI271
  argoRouteShape: deliveryCodes.argoRouteShape, // CI272
  localRateLimitMalformed: envoyFilterCodes.localRateLimitMalformed, // CI273
  inboundVhostNotServed: envoyFilterCodes.inboundVhostNotServed, // CI274
  webhookOverlap: webhooksCodes.webhookOverlap, // CI275
  externalControlPlane: webhooksCodes.externalControlPlane, // CI276
  tcpProtocolAsHttp: portsCodes.tcpProtocolAsHttp, // CI277
  targetPortNotServed: portsCodes.targetPortNotServed, // CI278
  policyPortNotServed: portsCodes.policyPortNotServed, // CI279
} satisfies Record<string, Check>;

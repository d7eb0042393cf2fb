/** How serious a finding is; only errors make the analysis fail. */
export enum Severity {
  /** The API server or Istio rejects the object, or traffic breaks. */
  ERROR = 'error',
  /** Probably a mistake; Istio accepts it. */
  WARNING = 'warning',
  /** Worth knowing; no action needed. */
  INFO = 'info',
}

/**
 * One check of the analyzer: its stable code, severity, and the istioctl/Kiali codes it mirrors.
 */
export interface Check {
  readonly code: string;
  readonly severity: Severity;
  readonly title: string;
  /** istioctl analyze / Kiali codes with the same meaning, or `-` when it comes from the CRD itself. */
  readonly mirrors: string;
}

function check(code: string, severity: Severity, mirrors: string, title: string): Check {
  return { code, severity, mirrors, title };
}

/** Every check the analyzer runs, by code. Codes are stable: tools may match on them. */
export const CHECKS = {
  unreadable: check('CI000', Severity.ERROR, '-', 'file cannot be read'),
  notYaml: check('CI001', Severity.ERROR, '-', 'file or document is not valid YAML'),
  noKind: check('CI002', Severity.ERROR, '-', 'document has no apiVersion or kind'),
  unknownKind: check('CI003', Severity.ERROR, '-', 'unknown Istio kind or version'),
  emptyFile: check('CI004', Severity.WARNING, '-', 'file holds no objects'),
  checkFailed: check('CI006', Severity.WARNING, '-', 'a cross-reference check could not read a malformed object and skipped it'),
  notChecked: check('CI005', Severity.INFO, '-', 'kind outside Istio and Kubernetes core, not checked'),
  schema: check('CI101', Severity.ERROR, 'API server', 'object violates the CRD schema (type, enum, required, unknown field, oneOf)'),
  cel: check('CI102', Severity.ERROR, 'API server', 'object violates a CEL rule (x-kubernetes-validations) of the CRD'),
  webhookRejects: check('CI104', Severity.ERROR, 'istiod webhook', "istiod's validating webhook refuses the object at kubectl apply (ranges, formats, exclusive fields, duplicate names)"),
  webhookWarns: check('CI105', Severity.WARNING, 'istiod webhook', "istiod's validating webhook accepts the object with a warning"),
  celNotEvaluated: check('CI103', Severity.WARNING, '-', 'a CEL rule of the CRD could not be evaluated'),
  hostNotFound: check('CI201', Severity.ERROR, 'IST0101, KIA1101', 'route destination host is not defined by any Service or ServiceEntry'),
  subsetNotFound: check('CI202', Severity.ERROR, 'IST0101, KIA1107', 'route destination subset is not defined by any DestinationRule for the host'),
  gatewayNotFound: check('CI203', Severity.ERROR, 'IST0101, KIA1102', 'VirtualService refers to a Gateway that does not exist'),
  duplicateVirtualService: check('CI204', Severity.ERROR, 'IST0109, KIA1106', 'several VirtualServices route one host on the mesh within one exportTo scope'),
  duplicateSubset: check('CI205', Severity.WARNING, 'KIA0201', 'several DestinationRules define the same host and subset'),
  subsetSelectsNothing: check('CI206', Severity.WARNING, 'IST0173, KIA0203', 'DestinationRule subset selects no workload of the host'),
  hostNotOnGateway: check('CI207', Severity.WARNING, 'IST0132', 'VirtualService host is not served by its Gateway'),
  unreachableRoute: check('CI208', Severity.WARNING, 'IST0130', 'HTTP route is unreachable behind an earlier catch-all route'),
  duplicateMatch: check('CI209', Severity.INFO, 'IST0131', 'HTTP match repeats an earlier match and never applies'),
  portRequired: check('CI210', Severity.ERROR, 'IST0112', 'route to a multi-port Service or ServiceEntry names no port'),
  portName: check('CI211', Severity.INFO, 'IST0118', 'Service port name does not follow <protocol>[-suffix]'),
  injectionLabels: check('CI212', Severity.WARNING, 'IST0123', 'namespace has more than one of istio-injection, istio.io/rev and istio.io/dataplane-mode'),
  mtlsConflict: check('CI213', Severity.ERROR, '-', 'DestinationRule TLS mode conflicts with the PeerAuthentication mTLS mode'),
  weights: check('CI214', Severity.WARNING, '-', 'route weights do not sum to 100 (Istio treats them as relative)'),
  subsetDeclaredElsewhere: check('CI216', Severity.INFO, '-', 'route destination subset declared outside the input (annotation ' + 'cdk8s-istio.io/external-subsets), not checked'),
  backendNotFound: check('CI217', Severity.ERROR, 'route status ResolvedRefs', 'Gateway API route backendRef to a Service the input does not define'),
  parentNotFound: check('CI218', Severity.ERROR, 'route status Accepted', 'Gateway API route parentRef to a Gateway or Service the input does not define'),
  listenerRejects: check('CI219', Severity.ERROR, 'route status Accepted', 'Gateway API route attached to a listener that does not allow it'),
  mixedRouteApis: check('CI220', Severity.ERROR, '-', 'a host routed by both a VirtualService and an HTTPRoute (unsupported in Istio)'),
  telemetryConflict: check('CI215', Severity.ERROR, 'IST0160', 'several selector-less Telemetry objects in one namespace'),
  conflictingGateways: check('CI222', Severity.ERROR, 'IST0145', 'two gateways on the same workloads and port serve one host'),
  gatewayPortNotOnService: check('CI223', Severity.WARNING, 'IST0162', 'a gateway port that no Service of the gateway pods defines'),
  gatewaySelectorNotFound: check('CI224', Severity.ERROR, 'IST0101', 'a gateway selector that matches no pod or pod template of the input'),
  credentialNotFound: check('CI225', Severity.ERROR, 'IST0101', 'a gateway credentialName with no Secret in the gateway pods\' namespace'),
  credentialInvalid: check('CI226', Severity.ERROR, 'IST0161', 'a gateway credentialName Secret without a valid certificate'),
  duplicateCertificate: check('CI227', Severity.WARNING, 'IST0138', 'gateways on the same workloads serving the same certificate'),
  noServerVerification: check('CI228', Severity.WARNING, 'IST0128', 'DestinationRule client TLS (SIMPLE, MUTUAL) without caCertificates: the server is not verified'),
  noServerVerificationPort: check('CI229', Severity.WARNING, 'IST0129', 'DestinationRule port-level client TLS without caCertificates: the server is not verified'),
  serviceEntryAddresses: check('CI230', Severity.WARNING, 'IST0134', 'ServiceEntry TCP (or unset protocol) port without addresses'),
  sidecarSelectorNotFound: check('CI231', Severity.ERROR, 'IST0101', 'Sidecar workloadSelector that matches no pod'),
  sidecarSelectorConflict: check('CI232', Severity.ERROR, 'IST0110', 'a workload several Sidecar selectors match'),
  sidecarsWithoutSelector: check('CI233', Severity.ERROR, 'IST0111', 'several Sidecars without workloadSelector in one namespace'),
  ineffectiveSidecar: check('CI234', Severity.WARNING, 'IST0167', 'a Sidecar whose workloads or namespace are in ambient mode'),
  envoyFilterRelative: check('CI235', Severity.WARNING, 'IST0151', 'EnvoyFilter relative patch operation without priority'),
  envoyFilterReplaceInvalid: check('CI236', Severity.ERROR, 'IST0152', 'EnvoyFilter REPLACE on something other than HTTP_FILTER, NETWORK_FILTER, VIRTUAL_HOST'),
  envoyFilterAddIgnored: check('CI237', Severity.ERROR, 'IST0153', 'EnvoyFilter ADD on ROUTE_CONFIGURATION or HTTP_ROUTE, where it is ignored'),
  envoyFilterRemoveIgnored: check('CI238', Severity.ERROR, 'IST0154', 'EnvoyFilter REMOVE on ROUTE_CONFIGURATION or HTTP_ROUTE, where it is ignored'),
  envoyFilterRelativeWithVersion: check('CI239', Severity.WARNING, 'IST0155', 'EnvoyFilter relative patch without priority, on a filter another patch matches by proxy version'),
  authorizationSelectsNothing: check('CI240', Severity.WARNING, 'IST0127', 'AuthorizationPolicy that matches no workload in the mesh'),
  authorizationNamespaceNotFound: check('CI241', Severity.ERROR, 'IST0101', 'AuthorizationPolicy source namespace that the input does not have'),
  multipleServiceProtocols: check('CI242', Severity.WARNING, 'IST0116', 'a mesh workload selected by Services using one port with different protocols'),
  conflictingTargetPorts: check('CI243', Severity.WARNING, 'IST0137', 'a mesh workload selected by Services using one targetPort behind different ports'),
  proxyUid: check('CI244', Severity.WARNING, 'IST0144', 'an application container or pod running as UID 1337, the proxy\'s'),
  ineffectiveGatewaySelector: check('CI245', Severity.WARNING, 'IST0166', 'a policy selecting the pods of a Gateway API Gateway by label instead of targetRefs'),
  jwtClaimRouteWithoutAuthn: check('CI246', Severity.ERROR, 'IST0149', 'a VirtualService routing on JWT claims through a gateway whose pods no RequestAuthentication covers'),
  externalNamePortName: check('CI247', Severity.WARNING, 'IST0150', 'an ExternalName Service port whose name gives no protocol, or is plain tcp'),
  unknownRuleHost: check('CI248', Severity.WARNING, 'IST0174', 'a DestinationRule host that no visible Service or ServiceEntry defines'),
  internalGatewayReference: check('CI249', Severity.WARNING, 'IST0165', 'a VirtualService gateway reference to an internal, generated Gateway'),
  namespaceNotInjected: check('CI250', Severity.INFO, 'IST0102', 'a namespace with no injection label (neither istio-injection nor istio.io/rev) and not in ambient mode'),
  podMissingProxy: check('CI251', Severity.WARNING, 'IST0103', 'a Pod of the input in an injected namespace without the istio-proxy container'),
  namespaceInjectedByDefault: check('CI252', Severity.INFO, 'IST0148', 'a namespace without injection label that the injector config injects by default'),
  deprecated: check('CI253', Severity.WARNING, 'IST0002', 'a deprecated or ignored field, or a removed Istio custom resource type'),
  ingressIgnoresSubsets: check('CI254', Severity.WARNING, 'IST0140', 'a gateway route without subset to a host another VirtualService splits into subsets'),
  jwksFetchUnrestricted: check('CI255', Severity.WARNING, 'IST0175', 'RequestAuthentications while the istiod Deployment of the input does not restrict JWKS fetches'),
  negativeCondition: check('CI256', Severity.WARNING, 'IST0171', 'a status condition (of YAML exported from a cluster) saying the object is not in effect'),
  unknownAnnotation: check('CI257', Severity.WARNING, 'IST0108', 'an annotation in Istio\'s namespace (*istio.io/…) that Istio 1.30 does not define'),
  misplacedAnnotation: check('CI258', Severity.WARNING, 'IST0107', 'an Istio annotation on a kind it does not apply to (a pod annotation on a Deployment)'),
  invalidAnnotation: check('CI259', Severity.WARNING, 'IST0125', 'an Istio annotation value the sidecar injector refuses (ports, CIDRs, quantities, proxy config)'),
  deprecatedAnnotation: check('CI260', Severity.INFO, 'IST0135', 'a deprecated Istio annotation'),
  alphaAnnotation: check('CI261', Severity.INFO, 'IST0136', 'an Istio annotation of an alpha-phase feature'),
  ingressRefusesOutside: check('CI263', Severity.ERROR, '-', 'the AuthorizationPolicies that apply to an ingress gateway\'s proxy admit no client from outside the mesh (they require mesh identities, or allow nothing)'),
  ztunnelRefusesForwarder: check('CI262', Severity.ERROR, '-', 'in an ambient namespace, the policies ztunnel enforces admit no identity of the proxy that forwards the requests (the waypoint, or an ingress gateway that bypasses it)'),
  telemetrySelectorConflict: check('CI221', Severity.ERROR, 'IST0159', 'a workload selected by several Telemetry objects'),
} satisfies Record<string, Check>;

/**
 * A problem found in the input.
 */
export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  /** File the object came from. */
  readonly file: string;
  /** 1-based line of the offending field, or of the object. */
  readonly line: number;
  /** `kind/namespace/name` of the object, or `-` when the problem is the file itself. */
  readonly object: string;
  readonly message: string;
  /** Construct path of the object, when it was synthesized by cdk8s. */
  readonly constructPath?: string;
}

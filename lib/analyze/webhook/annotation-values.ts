import { GO_BOOLEANS, isPrefix, splitHostPort } from './values';
import { FQDN, isIpAddress } from './verdict';

// The injector's value checks (istio 1.30 pkg/kube/inject/validate.go) that istioctl reports as IST0125.
// Each returns what is wrong with a value, or undefined.

type ValueCheck = (value: string) => string | undefined;

const UINT32 = /^\d+$/;
// Kubernetes' quantity grammar: a signed decimal with a binary-SI, decimal-SI or exponent suffix
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const INTERFACE = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;

function portError(text: string): string | undefined {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) && Number(trimmed) <= 65535 ? undefined : `failed parsing port '${text}': not a port number (0-65535)`;
}

function portList(parameter: string): ValueCheck {
  return value => {
    const trimmed = value.trim();
    if (trimmed === '') return undefined;
    const bad = trimmed.split(',').find(p => portError(p));
    return bad === undefined ? undefined : `${parameter} invalid: failed parsing port '${bad}'`;
  };
}

function cidrList(parameter: string, star: boolean): ValueCheck {
  return value => {
    if (value === '' || (star && value === '*')) return undefined;
    const bad = value.split(',').find(c => !isPrefix(c));
    return bad === undefined ? undefined : `${parameter} invalid: failed parsing cidr '${bad}'`;
  };
}

function interfaces(value: string): string | undefined {
  if (value === '') return undefined;
  for (const name of value.split(',').map(s => s.trim())) {
    if (name === '') return 'empty interface name';
    if (name.length > 15) return `interface name "${name}" too long (max 15 chars)`;
    if (!INTERFACE.test(name)) return `interface name "${name}" contains invalid characters`;
  }
  return undefined;
}

function quantity(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) return 'value contains control characters';
  return QUANTITY.test(value) ? undefined : 'quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'';
}

function uint32(value: string): string | undefined {
  return UINT32.test(value) && Number(value) <= 0xffffffff ? undefined : `strconv.ParseUint: parsing "${value}": invalid syntax`;
}

/** host:port, as istiod's ValidateProxyAddress reads a proxy's discovery, statsd and service addresses. */
function addressError(address: unknown): string | undefined {
  const split = typeof address === 'string' ? splitHostPort(address) : undefined;
  if (!split) return `unable to split ${JSON.stringify(address)}: missing port in address`;
  const [host, text] = split;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) return `port number ${text} must be in the range 1..65535`;
  return FQDN.test(host) || isIpAddress(host) ? undefined : `"${host}" is not a valid hostname or an IP address`;
}

const REQUIRED_PROXY_FIELDS: Record<string, string> = {
  configPath: 'config path must be set',
  binaryPath: 'binary path must be set',
  discoveryAddress: 'discovery address must be set to the proxy discovery service',
  serviceCluster: 'service cluster must be specified',
};

/**
 * `proxy.istio.io/config`: YAML of a ProxyConfig, merged over the defaults and validated by the injector.
 * Checks the fields the defaults set and a user can break; unknown fields are allowed, as the injector does.
 */
function proxyConfig(value: string): string | undefined {
  let config: any;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the full parser, loaded when an annotation holds YAML
    config = (require('yaml') as typeof import('yaml')).parse(value) ?? {};
  } catch (e) {
    return `failed to convert to apply proxy config: ${(e as Error).message.split('\n')[0]}`;
  }
  if (typeof config !== 'object' || Array.isArray(config)) return 'failed to convert to apply proxy config: not a YAML mapping';
  const problems: string[] = [];
  for (const [field, message] of Object.entries(REQUIRED_PROXY_FIELDS)) {
    if (config[field] === '') problems.push(message);
  }
  for (const field of ['proxyAdminPort', 'statusPort']) {
    const port = config[field];
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
      problems.push(`invalid ${field === 'statusPort' ? 'status' : 'proxy admin'} port: port number ${port} must be in the range 1..65535`);
    }
  }
  if (config.controlPlaneAuthPolicy !== undefined && !['NONE', 'MUTUAL_TLS'].includes(config.controlPlaneAuthPolicy)) {
    problems.push(`invalid authentication policy: unrecognized control plane auth policy "${config.controlPlaneAuthPolicy}"`);
  }
  if (config.drainDuration !== undefined && !/^\d+s$/.test(String(config.drainDuration))) {
    problems.push('drain time only supports durations to seconds precision');
  }
  const addresses: Array<[string, unknown]> = [
    ['discovery address', config.discoveryAddress || undefined], ['statsd udp address', config.statsdUdpAddress || undefined],
    ['envoy metrics service address', config.envoyMetricsService?.address || undefined],
    ['envoy access log service address', config.envoyAccessLogService?.address || undefined],
  ];
  for (const [what, address] of addresses) {
    const problem = address === undefined ? undefined : addressError(address);
    if (problem) problems.push(`invalid ${what}: ${problem}`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** The annotations whose values the injector checks, by name. */
export const ANNOTATION_VALUES: Readonly<Record<string, ValueCheck>> = {
  'sidecar.istio.io/interceptionMode': v => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : `interceptionMode invalid, use REDIRECT,TPROXY,NONE: ${v}`),
  'status.sidecar.istio.io/port': v => portError(v),
  'readiness.status.sidecar.istio.io/initialDelaySeconds': uint32,
  'readiness.status.sidecar.istio.io/periodSeconds': uint32,
  'readiness.status.sidecar.istio.io/failureThreshold': uint32,
  'traffic.sidecar.istio.io/includeOutboundIPRanges': cidrList('includeIPRanges', true),
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': cidrList('excludeIPRanges', false),
  'traffic.sidecar.istio.io/includeInboundPorts': v => (v === '*' ? undefined : portList('includeInboundPorts')(v)),
  'traffic.sidecar.istio.io/excludeInboundPorts': portList('excludeInboundPorts'),
  'traffic.sidecar.istio.io/excludeOutboundPorts': portList('excludeOutboundPorts'),
  'traffic.sidecar.istio.io/excludeInterfaces': interfaces,
  'traffic.sidecar.istio.io/kubevirtInterfaces': interfaces,
  'istio.io/reroute-virtual-interfaces': interfaces,
  'prometheus.istio.io/merge-metrics': v => (GO_BOOLEANS.has(v) ? undefined : `strconv.ParseBool: parsing "${v}": invalid syntax`),
  'proxy.istio.io/config': proxyConfig,
  'sidecar.istio.io/proxyCPU': quantity,
  'sidecar.istio.io/proxyMemory': quantity,
  'sidecar.istio.io/proxyCPULimit': quantity,
  'sidecar.istio.io/proxyMemoryLimit': quantity,
};

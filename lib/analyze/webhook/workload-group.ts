import { Manifest } from '../read/manifest';
import { Verdict } from './verdict';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const PROBE_HEADER_NAME = /^[-A-Za-z0-9]+$/;

/** The CRD checks numbers, ports and schemes; the webhook needs one health check method, a command, header names without `_`. */
function readinessProbe(v: Verdict, probe: any): void {
  const path = ['spec', 'probe'];
  if (probe.httpGet) {
    (Array.isArray(probe.httpGet.httpHeaders) ? probe.httpGet.httpHeaders : []).forEach((header: any, i: number) => {
      if (typeof header?.name === 'string' && !PROBE_HEADER_NAME.test(header.name)) {
        v.error([...path, 'httpGet', 'httpHeaders', i, 'name'], `header name ${header.name} is not a valid header name`);
      }
    });
  } else if (probe.exec) {
    if (!Array.isArray(probe.exec.command) || probe.exec.command.length === 0) v.error([...path, 'exec', 'command'], 'exec.command is required');
  } else if (!probe.tcpSocket) {
    v.error(path, 'unknown health check method <nil>: set httpGet, tcpSocket or exec');
  }
}

export function workloadGroup(v: Verdict, m: Manifest): void {
  for (const [key, value] of Object.entries(m.object.spec?.metadata?.labels ?? {})) {
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      v.error(['spec', 'metadata', 'labels', key], `invalid labels: value '${String(value)}' of label '${key}' is not a valid label value`);
    }
  }
  if (m.object.spec?.probe && typeof m.object.spec.probe === 'object') readinessProbe(v, m.object.spec.probe);
}

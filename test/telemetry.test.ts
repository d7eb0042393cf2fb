import { Chart, Testing } from 'cdk8s';
import { AccessLogs, MeshTelemetry, MeshTelemetryProps } from '../lib';
import { find, synth } from './util';

function telemetry(...all: MeshTelemetryProps[]) {
  const chart = new Chart(Testing.app(), 'telemetry');
  all.forEach((props, i) => new MeshTelemetry(chart, `t${i}`, props));
  return synth(chart);
}

describe('MeshTelemetry', () => {
  test('defaults to Prometheus metrics mesh-wide', () => {
    const manifests = telemetry({});
    const t = find(manifests, 'Telemetry', 'mesh-default');
    expect(t.apiVersion).toBe('telemetry.istio.io/v1');
    expect(t.metadata.namespace).toBe('istio-system');
    expect(t.spec).toEqual({ metrics: [{ providers: [{ name: 'prometheus' }] }] });
    expect(manifests).toMatchSnapshot();
  });

  test('logs only error responses and samples traces', () => {
    const t = find(telemetry({ accessLogs: AccessLogs.ERRORS_ONLY, tracingSamplingPercentage: 10 }), 'Telemetry', 'mesh-default');
    expect(t.spec.accessLogging).toEqual([{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 400' } }]);
    expect(t.spec.tracing).toEqual([{ randomSamplingPercentage: 10 }]);
  });

  test('applies to one workload with a selector', () => {
    const t = find(telemetry({ namespace: 'bookinfo', selector: { app: 'reviews' }, accessLogs: AccessLogs.ALL, prometheus: false }), 'Telemetry', 'reviews-telemetry');
    expect(t.spec).toEqual({ selector: { matchLabels: { app: 'reviews' } }, accessLogging: [{ providers: [{ name: 'envoy' }] }] });
  });

  test('fails if a namespace gets two Telemetry objects without selector (IST0159/IST0160)', () => {
    expect(() => telemetry({ namespace: 'bookinfo' }, { namespace: 'bookinfo', accessLogs: AccessLogs.ALL }))
      .toThrow("namespace 'bookinfo' already has a Telemetry without selector (telemetry/t1/Resource); Istio would apply only one of them");
  });

  test('a selector-less Telemetry and a workload one may share a namespace', () => {
    expect(telemetry({ namespace: 'bookinfo' }, { namespace: 'bookinfo', selector: { app: 'reviews' } })).toHaveLength(2);
  });

  test('throws if the sampling percentage is out of range', () => {
    expect(() => telemetry({ tracingSamplingPercentage: 150 })).toThrow("'tracingSamplingPercentage' must be a percentage between 0 and 100, got 150");
  });
});

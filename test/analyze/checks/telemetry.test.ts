import { analyzeYaml, codes } from '../helpers';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of Telemetry (telemetry analyzers):
// the checks of lib/analyze/checks/telemetry.ts.

describe('CI215 Telemetry without selector (IST0159, IST0160)', () => {
  const telemetry = (name: string) => `
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: { name: ${name}, namespace: shop }
spec: { accessLogging: [{ providers: [{ name: envoy }] }] }`;

  test('flags two selector-less Telemetry objects in one namespace', () => {
    expect(codes(analyzeYaml(telemetry('a'), telemetry('b')))).toEqual(['CI215', 'CI215']);
  });

  test('passes one', () => {
    expect(analyzeYaml(telemetry('a'))).toEqual([]);
  });
});

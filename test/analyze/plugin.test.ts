import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as validation from 'cdk8s-cli/lib/plugins/validation';
import { IstioAnalyzerPlugin } from '../../lib/analyze/plugin';

// cdk8s-cli exports its plugin API as 'cdk8s-cli/plugins'; TypeScript's node10 resolution sees only lib/
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require('cdk8s-cli/plugins') as typeof validation;
type ValidationContext = validation.ValidationContext;

const DIST = path.join(__dirname, '../../dist');

function distContext(extra: Record<string, string> = {}): ValidationContext {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-plugin-'));
  for (const f of fs.readdirSync(DIST).filter(n => n.endsWith('.yaml'))) {
    fs.copyFileSync(path.join(DIST, f), path.join(dir, f));
  }
  for (const [name, text] of Object.entries(extra)) {
    fs.writeFileSync(path.join(dir, name), text);
  }
  const manifests = fs.readdirSync(dir).map(f => path.join(dir, f));
  return new ValidationContext(manifests, 'cdk8s-istio', '0.1.0', { 'bad': { path: 'bad/reviews/Resource' } });
}

describe('IstioAnalyzerPlugin', () => {
  test('passes dist/ when scenarios are layered on bookinfo', async () => {
    const context = distContext();
    await new IstioAnalyzerPlugin({ base: ['bookinfo.k8s.yaml'] }).validate(context);
    expect(context.report.success).toBe(true);
    expect(context.report.toJson().violations).toEqual([]);
  });

  test('fails with the offending object, its line and construct path', async () => {
    const bad = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: bad, namespace: bookinfo }\n'
      + 'spec:\n  hosts: [reviews]\n  http:\n  - route: [{ destination: { host: reviews, subset: v9 } }]\n';
    const context = distContext({ 'bad.k8s.yaml': bad });
    await new IstioAnalyzerPlugin({ base: ['bookinfo.k8s.yaml'] }).validate(context);
    expect(context.report.success).toBe(false);
    const violations = context.report.toJson().violations;
    const subset = violations.find(v => v.ruleName.startsWith('CI202'))!;
    expect(subset.ruleName).toBe('CI202 route destination subset is not defined by any DestinationRule for the host (error; IST0101, KIA1107)');
    expect(subset.violatingConstructs).toEqual([expect.objectContaining({
      resourceName: 'VirtualService/bookinfo/bad',
      locations: ["line 7: destination subset 'v9' of host 'reviews' is not defined by any DestinationRule (defined: v1, v2, v3); requests get 503 [construct bad/reviews/Resource]"],
    })]);
    // the bad overlay also routes reviews next to the base's (none) and is not mixed with other scenarios
    expect(violations.some(v => v.ruleName.startsWith('CI204'))).toBe(false);
  });

  test('throws if base names a manifest the app did not synthesize', async () => {
    await expect(new IstioAnalyzerPlugin({ base: ['nope.k8s.yaml'] }).validate(distContext()))
      .rejects.toThrow("IstioAnalyzerPlugin: 'base' names nope.k8s.yaml, which the app did not synthesize");
  });
});

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as validation from 'cdk8s-cli/lib/plugins/validation';
import { IstioAnalyzerPlugin } from '../../lib/analyze/plugin';
import { DIST, SHARED } from '../fixtures';

// cdk8s-cli exports its plugin API as 'cdk8s-cli/plugins'; TypeScript's node10 resolution sees only lib/
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require('cdk8s-cli/plugins') as typeof validation;
type ValidationContext = validation.ValidationContext;


let outdir: string;

/** A copy of dist/ (state and steps) plus `extra` files (paths relative to it), as cdk8s hands it to a plugin. */
function distContext(extra: Record<string, string> = {}): ValidationContext {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-plugin-'));
  fs.cpSync(DIST, outdir, { recursive: true });
  for (const [name, text] of Object.entries(extra)) {
    fs.writeFileSync(path.join(outdir, name), text);
  }
  const manifests = [outdir, path.join(outdir, 'steps'), path.join(outdir, 'optional')]
    .flatMap(dir => fs.readdirSync(dir).filter(f => f.endsWith('.yaml')).map(f => path.join(dir, f)));
  return new ValidationContext(manifests, 'cdk8s-istio', '0.1.0', { reviews: { path: 'bad/reviews/Resource' } });
}

describe('IstioAnalyzerPlugin', () => {
  test('passes dist/: the top-level files are one state, each release step is layered on it', async () => {
    const context = distContext();
    await new IstioAnalyzerPlugin().validate(context);
    expect(context.report.success).toBe(true);
    expect(context.report.toJson().violations).toEqual([]);
  });

  test('removes construct-metadata.json from the output directory, leaving only manifests', async () => {
    const context = distContext({ 'construct-metadata.json': '{"version":"1.0.0","resources":{}}' });
    await new IstioAnalyzerPlugin().validate(context);
    expect(fs.readdirSync(outdir).filter(f => !fs.statSync(path.join(outdir, f)).isDirectory()).every(f => f.endsWith('.k8s.yaml'))).toBe(true);
  });

  test('fails if two top-level files route one host: dist/ is one state', async () => {
    const second = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: reviews-again, namespace: bookinfo }\n'
      + 'spec:\n  hosts: [reviews]\n  http:\n  - route: [{ destination: { host: reviews, subset: v2 } }]\n';
    const context = distContext({ 'second.k8s.yaml': second });
    await new IstioAnalyzerPlugin().validate(context);
    expect(context.report.success).toBe(false);
    expect(context.report.toJson().violations.map(v => v.ruleName.slice(0, 5))).toContain('CI204');
  });

  test('fails with the offending object, its line and construct path', async () => {
    const bad = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: reviews, namespace: bookinfo }\n'
      + 'spec:\n  hosts: [reviews]\n  http:\n  - route: [{ destination: { host: reviews, subset: v9 } }]\n';
    const context = distContext({ 'steps/bad.k8s.yaml': bad });
    await new IstioAnalyzerPlugin().validate(context);
    expect(context.report.success).toBe(false);
    const violations = context.report.toJson().violations;
    const subset = violations.find(v => v.ruleName.startsWith('CI202'))!;
    expect(subset.ruleName).toBe('CI202 route destination subset is not defined by any DestinationRule for the host (error; IST0101, KIA1107)');
    // the report's Construct Path: cdk8s finds it by the object's name, unique in its chart
    expect(subset.violatingConstructs).toEqual([expect.objectContaining({
      resourceName: 'reviews',
      constructPath: 'bad/reviews/Resource',
      locations: ["line 7 (VirtualService/bookinfo/reviews): destination subset 'v9' of host 'reviews' is not defined by any DestinationRule (defined: v1, v2, v3); requests get 503 [construct bad/reviews/Resource]"],
    })]);
    // the bad step routes reviews beside the state's route and is not mixed with the other steps
    expect(violations.some(v => v.ruleName.startsWith('CI204'))).toBe(false);
  });

  test('throws if base names a manifest the app did not synthesize', async () => {
    await expect(new IstioAnalyzerPlugin({ base: ['nope.k8s.yaml'] }).validate(distContext()))
      .rejects.toThrow("IstioAnalyzerPlugin: 'base' names nope.k8s.yaml, which the app did not synthesize");
  });
});

describe('IstioAnalyzerPlugin crds', () => {
  const FLAGGER_CRD = path.join(SHARED, 'flagger-1.44.0', 'crd.yaml');
  const CANARY = 'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: { name: reviews, namespace: bookinfo }\n'
    + 'spec: { targetRef: { apiVersion: apps/v1, kind: Deployment, name: reviews-v1 }, service: { port: 9080 }, analysis: { interval: 2h, threshold: 5, stepWeights: [10] } }\n';

  test('checks objects of the CRDs it is given against their schemas', async () => {
    const unchecked = distContext({ 'canary.k8s.yaml': CANARY });
    await new IstioAnalyzerPlugin().validate(unchecked);
    expect(unchecked.report.success).toBe(true);
    const checked = distContext({ 'canary.k8s.yaml': CANARY });
    await new IstioAnalyzerPlugin({ crds: [FLAGGER_CRD] }).validate(checked);
    expect(checked.report.success).toBe(false);
    expect(checked.report.toJson().violations.find(v => v.ruleName.startsWith('CI101'))!.recommendation).toBe('spec.analysis.interval: must match pattern "^[0-9]+(m|s)"');
  });

  test('throws if a file it names holds no CustomResourceDefinition', () => {
    expect(() => new IstioAnalyzerPlugin({ crds: [path.join(DIST, 'mesh.k8s.yaml')] }))
      .toThrow(`IstioAnalyzerPlugin: 'crds' names ${path.join(DIST, 'mesh.k8s.yaml')}, which holds no CustomResourceDefinition`);
  });
});

describe('IstioAnalyzerPlugin suppress', () => {
  test('hides the findings its rules name', async () => {
    const bad = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: api, namespace: bookinfo }\n'
      + 'spec: { host: api.example.com, trafficPolicy: { tls: { mode: SIMPLE } } }\n';
    const warned = distContext({ 'extra.k8s.yaml': bad });
    await new IstioAnalyzerPlugin().validate(warned);
    expect(warned.report.toJson().violations.map(v => v.ruleName.slice(0, 5)).sort()).toEqual(['CI228', 'CI248']);
    const quiet = distContext({ 'extra.k8s.yaml': bad });
    await new IstioAnalyzerPlugin({ suppress: ['CI228', 'CI248=DestinationRule api.bookinfo'] }).validate(quiet);
    expect(quiet.report.toJson().violations).toEqual([]);
  });

  test('throws on a malformed rule, naming the prop', () => {
    expect(() => new IstioAnalyzerPlugin({ suppress: ['CI228='] })).toThrow("IstioAnalyzerPlugin: 'suppress' holds a malformed rule: suppression 'CI228=' must be CODE");
  });
});

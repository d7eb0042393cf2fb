import * as fs from 'fs';
import * as path from 'path';
import { Analyzer } from '../../lib/analyze/analyzer';
import { loadFiles } from '../../lib/analyze/read/files';
import { Severity } from '../../lib/analyze/finding';
import { BOOKINFO_SAMPLES, DIST } from '../fixtures';

const SAMPLES = BOOKINFO_SAMPLES;
const BOOKINFO = path.join(SAMPLES, 'platform/kube/bookinfo.yaml');
const RULES = path.join(SAMPLES, 'networking/destination-rule-all.yaml');
const NETWORKING = fs.readdirSync(path.join(SAMPLES, 'networking')).filter(f => f.endsWith('.yaml'));

function errorsOf(files: string[]) {
  const loaded = loadFiles(files);
  return [...loaded.findings, ...new Analyzer().analyze(loaded.manifests)].filter(f => f.severity === Severity.ERROR);
}

describe("Istio's own samples", () => {
  test('there are 21 networking samples', () => {
    expect(NETWORKING).toHaveLength(21);
  });

  test.each(NETWORKING)('%s produces no errors', file => {
    const sample = path.join(SAMPLES, 'networking', file);
    const inputs = file.startsWith('destination-rule') ? [BOOKINFO, sample] : [BOOKINFO, RULES, sample];
    expect(errorsOf(inputs)).toEqual([]);
  });
});

describe('dist/', () => {
  test('the deployed state (dist/*.yaml) analyzes as one mesh with no finding at all', () => {
    const dist = DIST;
    const state = loadFiles(fs.readdirSync(dist).filter(f => f.endsWith('.yaml')).map(f => path.join(dist, f)));
    expect(state.manifests.length).toBeGreaterThan(25);
    expect([...state.findings, ...new Analyzer().analyze(state.manifests)]).toEqual([]);
  });

  test('every release step on top of the deployed state produces no errors', () => {
    const dist = DIST;
    const loaded = loadFiles([dist]);
    const base = loaded.manifests.filter(m => !loaded.nested.has(m.file));
    const steps = fs.readdirSync(path.join(dist, 'steps'));
    expect(steps.length).toBe(8);
    const overlays = steps.map(f => loadFiles([path.join(dist, 'steps', f)]).manifests);
    const findings = new Analyzer().analyzeLayers(base, overlays);
    expect(findings.filter(f => f.severity === Severity.ERROR)).toEqual([]);
  });
});

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analyzer } from '../../../lib/analyze/analyzer';
import { loadFiles } from '../../../lib/analyze/read/files';
import { GOOD } from '../helpers';

function tempFiles(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-input-'));
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function analyzeDir(files: Record<string, string>) {
  const dir = tempFiles(files);
  const loaded = loadFiles([dir]);
  const findings = [...loaded.findings, ...new Analyzer().analyze(loaded.manifests)];
  return { dir, loaded, findings: findings.map(f => ({ ...f, file: path.basename(f.file) })) };
}

describe('analyzer input', () => {
  test('a file that is not YAML gets one finding with its line, and the other files are still analyzed', () => {
    const { findings, loaded } = analyzeDir({ 'a-broken.yaml': 'kind: Service\nmetadata: {name: x\n  bad: [\n', 'b-good.yaml': GOOD.join('\n---\n') });
    expect(findings.map(f => [f.file, f.code, f.severity])).toEqual([['a-broken.yaml', 'CI001', 'error']]);
    expect(findings[0].line).toBeGreaterThanOrEqual(2);
    expect(loaded.manifests).toHaveLength(5);
  });

  test('a broken document does not hide the valid documents of the same file', () => {
    const { findings, loaded } = analyzeDir({ 'mixed.yaml': `${GOOD[0]}\n---\nkey: [unclosed\n---\n${GOOD[1]}` });
    expect(findings.map(f => f.code)).toEqual(['CI001']);
    expect(loaded.manifests.map(m => m.kind)).toEqual(['Service', 'Deployment']);
  });

  test('a document without kind gets one finding at its first line', () => {
    const { findings } = analyzeDir({ 'nokind.yaml': `${GOOD[0]}\n---\napiVersion: v1\nmetadata: { name: x }\n` });
    expect(findings.map(f => [f.code, f.line, f.message])).toEqual([['CI002', 9, 'document is not a Kubernetes object: it needs string fields apiVersion and kind']]);
  });

  test('an unknown Istio kind or version gets one finding naming what is served', () => {
    const { findings } = analyzeDir({
      'unknown.yaml': 'apiVersion: networking.istio.io/v2\nkind: VirtualService\nmetadata: { name: x }\n---\napiVersion: networking.istio.io/v1\nkind: VirtualRouter\nmetadata: { name: y }\n',
    });
    expect(findings.map(f => [f.code, f.line, f.message])).toEqual([
      ['CI003', 1, "unknown networking.istio.io kind or version 'networking.istio.io/v2, Kind=VirtualService' (served versions: networking.istio.io/v1, networking.istio.io/v1alpha3, networking.istio.io/v1beta1)"],
      ['CI003', 5, expect.stringMatching(/^unknown networking.istio.io kind or version 'networking.istio.io\/v1, Kind=VirtualRouter' \(kinds of networking.istio.io: DestinationRule, EnvoyFilter, Gateway/)],
    ]);
  });

  test('a kind outside Istio and Kubernetes is reported as not checked', () => {
    const { findings } = analyzeDir({ 'crd.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\n' });
    expect(findings.map(f => [f.code, f.severity])).toEqual([['CI005', 'info']]);
  });

  test('an empty file gets one warning', () => {
    const { findings } = analyzeDir({ 'empty.yaml': '# nothing here\n' });
    expect(findings.map(f => [f.file, f.code, f.severity, f.line])).toEqual([['empty.yaml', 'CI004', 'warning', 1]]);
  });

  test('a missing path is one error, not a crash', () => {
    const loaded = loadFiles(['/nonexistent/file.yaml']);
    expect(loaded.findings.map(f => [f.code, f.message])).toEqual([['CI000', 'no such file or directory']]);
  });

  test('older served versions are checked like v1', () => {
    const { findings } = analyzeDir({ 'old.yaml': GOOD.join('\n---\n').replace(/networking.istio.io\/v1\n/g, 'networking.istio.io/v1alpha3\n') });
    expect(findings).toEqual([]);
  });
});

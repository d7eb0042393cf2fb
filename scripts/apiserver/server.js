// A real kube-apiserver with its etcd on loopback, for tests: started from the binaries build.sh makes,
// stopped exactly as started (the two child processes, then the temporary directory).
//   const server = await start(binDir); ... server.kubeconfig, server.request(...); await server.stop();
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const https = require('https');
const net = require('net');
const os = require('os');
const path = require('path');

/** A port the kernel says is free on 127.0.0.1 now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Starts etcd and kube-apiserver; resolves once /readyz answers ok (rejects after `timeoutMs`). */
async function start(binDir, { timeoutMs = 60000, log = () => {} } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-apiserver-'));
  const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
  const token = `cdk8s-istio-${process.pid}-${Date.now()}`;
  // a self-signed serving certificate for 127.0.0.1, the service-account signing key, a static token
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', 'serving.key', '-out', 'serving.crt'], dir);
  openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  fs.writeFileSync(path.join(dir, 'tokens.csv'), `${token},admin,admin,system:masters\n`);

  const children = [];
  const spawnLogged = (bin, args, name) => {
    const out = fs.openSync(path.join(dir, `${name}.log`), 'a');
    const child = spawn(path.join(binDir, bin), args, { stdio: ['ignore', out, out] });
    children.push(child);
    return child;
  };
  spawnLogged('etcd', [
    '--name=default', `--data-dir=${path.join(dir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`, `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`, '--log-level=warn', '--quota-backend-bytes=2147483648',
  ], 'etcd');
  spawnLogged('kube-apiserver', [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
    `--secure-port=${securePort}`, `--cert-dir=${dir}`,
    `--tls-cert-file=${path.join(dir, 'serving.crt')}`, `--tls-private-key-file=${path.join(dir, 'serving.key')}`,
    `--token-auth-file=${path.join(dir, 'tokens.csv')}`, '--authorization-mode=AlwaysAllow',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${path.join(dir, 'sa.pub')}`, `--service-account-signing-key-file=${path.join(dir, 'sa.key')}`,
    // an address range the server allocates ClusterIPs from: configuration, nothing is sent there
    '--service-cluster-ip-range=10.96.0.0/16',
    // no kube-controller-manager runs, so nothing would ever create the ServiceAccounts that admission waits for
    '--disable-admission-plugins=ServiceAccount', '--enable-priority-and-fairness=false', '--profiling=false', '--v=0',
  ], 'kube-apiserver');

  const ca = fs.readFileSync(path.join(dir, 'serving.crt'));
  const agent = new https.Agent({ ca, keepAlive: true, maxSockets: 8 });
  const request = (method, urlPath, body, contentType = 'application/json') => new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
    const req = https.request({
      host: '127.0.0.1', port: securePort, method, path: urlPath, agent,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(data !== undefined ? { 'Content-Type': contentType } : {}) },
    }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, body: json ?? text, warnings: [res.headers.warning ?? []].flat() });
      });
    });
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });

  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: test',
    'clusters:', `- name: test`, '  cluster:', `    server: https://127.0.0.1:${securePort}`, `    certificate-authority: ${path.join(dir, 'serving.crt')}`,
    'users:', '- name: admin', '  user:', `    token: ${token}`,
    'contexts:', '- name: test', '  context:', '    cluster: test', '    user: admin', '',
  ].join('\n'));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    agent.destroy();
    for (const child of [...children].reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exited;
        clearTimeout(timer);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const exitHandler = () => children.forEach(c => { try { c.kill('SIGKILL'); } catch { /* gone */ } });
  process.once('exit', exitHandler);

  const begun = Date.now();
  for (;;) {
    const dead = children.find(c => c.exitCode !== null);
    if (dead) {
      const name = dead === children[0] ? 'etcd' : 'kube-apiserver';
      const tail = fs.readFileSync(path.join(dir, `${name}.log`), 'utf8').split('\n').slice(-15).join('\n');
      await stop();
      throw new Error(`${name} exited with ${dead.exitCode} before the server was ready:\n${tail}`);
    }
    try {
      const res = await request('GET', '/readyz');
      if (res.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() - begun > timeoutMs) {
      const tail = fs.readFileSync(path.join(dir, 'kube-apiserver.log'), 'utf8').split('\n').slice(-15).join('\n');
      await stop();
      throw new Error(`kube-apiserver was not ready within ${timeoutMs / 1000} s:\n${tail}`);
    }
    await new Promise(r => setTimeout(r, 250));
  }
  log(`kube-apiserver ready on 127.0.0.1:${securePort} in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
  return { kubeconfig, request, stop, dir, port: securePort };
}

module.exports = { start };

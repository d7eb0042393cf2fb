// Bad objects generated from the CRD schemas, each sent to the real API server (a server-side dry-run
// create with strict field validation) and to the analyzer: the analyzer must reject exactly what the
// server rejects. Per kind (the storage version of every CRD we target): a valid base object, from the
// repository's own output or the pinned samples, else built from the schema's required fields; then one
// change at a time, walking the schema beside the object: wrong types, values outside an enum, numbers
// past their bounds, strings past their lengths or patterns, lists past their sizes, required fields
// removed, unknown fields, values that CEL rules are about (durations, ports, empty strings), and
// invalid metadata (names, namespaces, labels, annotations).
'use strict';
const fs = require('fs');
const path = require('path');
const { crdFiles, documents } = require('./crds');

const root = path.join(__dirname, '..', '..');
const shared = path.join(root, '..', 'shared');
const NAMESPACE = 'agreement';
/** The analyzer's codes that stand for the API server's verdict: unknown kind, schema, CEL, metadata. */
const SERVER_CODES = new Set(['CI003', 'CI101', 'CI102', 'CI103', 'CI009']);
const PER_KIND = Number(process.env.AGREEMENT_PER_KIND ?? 160);

/** Every YAML document of the folders we take base objects from: our output first, then others' examples. */
function corpus() {
  const walk = dir => !fs.existsSync(dir) ? [] : fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    .flatMap(e => e.isDirectory() ? walk(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []);
  const files = [path.join(root, 'dist'), path.join(shared, 'real-world'), path.join(shared, 'istio-1.30.3', 'samples'),
    path.join(shared, 'flagger-1.44.0', 'examples'), path.join(shared, 'argo-rollouts-1.9.1', 'examples')].flatMap(walk);
  return files.flatMap(f => {
    try { return documents(f); } catch { return []; }
  }).filter(d => d && typeof d === 'object' && typeof d.kind === 'string' && typeof d.apiVersion === 'string');
}

const clone = v => JSON.parse(JSON.stringify(v));
const typeOf = s => s && (s.type ?? (s.properties ? 'object' : s.items ? 'array' : undefined));

/** A value that satisfies the schema node as far as a generator can tell (required fields, enums, bounds). */
function valid(schema, depth = 0) {
  if (!schema || depth > 6) return undefined;
  if (schema['x-kubernetes-int-or-string']) return 1;
  if (schema.enum) return schema.enum[0];
  switch (typeOf(schema)) {
    case 'object': {
      const out = {};
      for (const key of schema.required ?? []) {
        const v = valid(schema.properties?.[key], depth + 1);
        out[key] = v === undefined ? {} : v;
      }
      return out;
    }
    case 'array': {
      const n = Math.max(schema.minItems ?? 0, 1);
      const item = valid(schema.items, depth + 1);
      return item === undefined ? [] : Array.from({ length: n }, () => clone(item));
    }
    case 'string': {
      if (schema.format === 'date-time') return '2026-01-01T00:00:00Z';
      const min = schema.minLength ?? 1;
      const max = schema.maxLength ?? Infinity;
      const pattern = schema.pattern ? safeRegExp(schema.pattern) : undefined;
      return STRINGS.find(c => c.length >= min && c.length <= max && (!pattern || pattern.test(c)))
        ?? (pattern ? undefined : 'a'.repeat(Math.max(min, 1)));
    }
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    default:
      return undefined;
  }
}

/** Strings a generated object tries, in order, for a string field: the first its pattern and lengths allow. */
const STRINGS = ['a', 'example.com', 'example.com/a', 'TCP', 'HTTP', 'a-b', '1', '10s', '/a', 'A', 'a.b', 'ab', 'abc', '1.2.3.4'];

function safeRegExp(pattern) {
  try { return new RegExp(pattern); } catch { return undefined; }
}

/**
 * Object nodes of `obj` (under `spec`) and the optional properties their schema declares that are absent:
 * the single additions a search for a valid base tries.
 */
function* additions(obj, schema, p = []) {
  const value = getAt(obj, p);
  if (!schema || !value || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (value.length > 0) yield* additions(obj, schema.items, [...p, 0]);
    return;
  }
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (p.length === 0 && key !== 'spec') continue;
    if (key in value) yield* additions(obj, sub, [...p, key]);
    else {
      const v = valid(sub);
      if (v !== undefined) yield setAt(obj, [...p, key], v);
    }
  }
}

/** How many causes the server's refusal lists (`[a, b, c]`), to tell a nearer miss. */
const causes = message => (message.match(/Invalid value|Required value|Unsupported value|Too many|Duplicate value/g) ?? []).length || 1;

/** The changes to try at one schema node, given its current value (undefined: absent). */
function changesOf(schema, value) {
  const out = [];
  if (!schema || schema['x-kubernetes-preserve-unknown-fields'] && !schema.properties) return out;
  const type = typeOf(schema);
  const intOrString = schema['x-kubernetes-int-or-string'];
  if (!intOrString) {
    if (type === 'string') out.push(['wrong type (number)', 7], ['wrong type (object)', { a: 1 }]);
    if (type === 'integer' || type === 'number') out.push(['wrong type (string)', 'seven'], ['wrong type (fraction)', type === 'integer' ? 1.5 : undefined]);
    if (type === 'boolean') out.push(['wrong type (string)', 'true']);
    if (type === 'object') out.push(['wrong type (list)', []], ['wrong type (string)', 'x']);
    if (type === 'array') out.push(['wrong type (object)', {}], ['wrong type (string)', 'x']);
  } else {
    out.push(['int-or-string as a boolean', true], ['int-or-string as a fraction', 1.5]);
  }
  if (schema.enum) out.push(['outside the enum', 'NOT_IN_ENUM']);
  if (schema.minimum !== undefined) out.push([`below minimum ${schema.minimum}`, schema.minimum - 1]);
  if (schema.maximum !== undefined) out.push([`above maximum ${schema.maximum}`, schema.maximum + 1]);
  if (schema.maxLength !== undefined) out.push([`longer than ${schema.maxLength}`, 'a'.repeat(schema.maxLength + 1)]);
  if (schema.minLength) out.push([`shorter than ${schema.minLength}`, '']);
  if (schema.pattern) out.push(['against the pattern', '!! not this ~~']);
  if (type === 'string') out.push(['empty string', ''], ['a duration of 0s', '0s'], ['a negative duration', '-1s'], ['a sub-millisecond duration', '100us'], ['a wildcard', '*']);
  if (type === 'integer') out.push(['zero', 0], ['negative', -1], ['past a port', 65536]);
  if (type === 'array' && schema.maxItems !== undefined && schema.maxItems < 200) {
    const item = Array.isArray(value) && value.length > 0 ? value[0] : valid(schema.items);
    if (item !== undefined) out.push([`more than ${schema.maxItems} items`, Array.from({ length: schema.maxItems + 1 }, (_, i) => distinct(item, i))]);
  }
  if (type === 'array' && schema.minItems) out.push([`fewer than ${schema.minItems} items`, []]);
  if (type === 'array' && Array.isArray(value) && value.length > 0 && schema['x-kubernetes-list-type'] === 'set') out.push(['a duplicate in a set', [...value, clone(value[0])]]);
  if (value === undefined) {
    const v = valid(schema);
    if (v !== undefined) out.push(['added with its required fields', v]);
  }
  return out.filter(([, v]) => v !== undefined);
}

/** The i-th copy of a list item, made distinct where it is a string (so a size check, not a uniqueness check, decides). */
function distinct(item, i) {
  if (typeof item === 'string') return i === 0 ? item : `${item}${i}`.slice(0, Math.max(item.length, 1) + 3);
  return clone(item);
}

function setAt(obj, p, value) {
  const copy = clone(obj);
  let cur = copy;
  for (const k of p.slice(0, -1)) cur = cur[k];
  if (value === REMOVE) delete cur[p[p.length - 1]];
  else cur[p[p.length - 1]] = value;
  return copy;
}
const REMOVE = Symbol('remove');
const getAt = (obj, p) => p.reduce((cur, k) => (cur == null ? undefined : cur[k]), obj);

/** Every change to `base` at or under `p` that its schema node says something about. */
function* mutations(base, schema, p, depth = 0) {
  if (!schema || depth > 12) return;
  const value = getAt(base, p);
  if (p.length > 0 && p[0] !== 'metadata') {
    for (const [what, v] of changesOf(schema, value)) yield { what: `${what} at ${pathText(p)}`, object: setAt(base, p, v) };
  }
  const type = typeOf(schema);
  if (type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    if (!schema['x-kubernetes-preserve-unknown-fields'] && schema.properties) {
      yield { what: `unknown field at ${pathText(p)}`, object: setAt(base, [...p, 'zzUnknownField'], 1) };
    }
    for (const key of schema.required ?? []) {
      if (key in value) yield { what: `required field removed at ${pathText([...p, key])}`, object: setAt(base, [...p, key], REMOVE) };
    }
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (p.length === 0 && ['apiVersion', 'kind', 'metadata'].includes(key)) continue;
      if (key in value) yield* mutations(base, sub, [...p, key], depth + 1);
      else if (depth < 4) for (const [what, v] of changesOf(sub, undefined)) yield { what: `${what} at ${pathText([...p, key])}`, object: setAt(base, [...p, key], v) };
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      for (const key of Object.keys(value).slice(0, 1)) yield* mutations(base, schema.additionalProperties, [...p, key], depth + 1);
    }
  }
  if (type === 'array' && Array.isArray(value) && value.length > 0) {
    yield* mutations(base, schema.items, [...p, 0], depth + 1);
  }
}

const pathText = p => p.length === 0 ? '(root)' : p.map(k => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').replace(/^\./, '');

/** Invalid metadata the API server refuses for every kind. */
function* metadataMutations(base, namespaced) {
  const meta = base.metadata;
  const named = (what, m) => ({ what, object: { ...clone(base), metadata: { ...clone(meta), ...m } } });
  yield named('a name with capitals and an underscore', { name: 'Bad_Name' });
  yield named('a name of 254 characters', { name: 'a'.repeat(254) });
  yield named('a name with dots (a DNS subdomain)', { name: 'a.b.c' });
  yield named('a name ending in a dash', { name: 'abc-' });
  yield named('an empty name', { name: '' });
  yield named('a label value of 64 characters', { labels: { app: 'a'.repeat(64) } });
  yield named('a label key with a space', { labels: { 'bad key': 'x' } });
  yield named('a label value with a slash', { labels: { app: 'a/b' } });
  yield named('an annotation key with two slashes', { annotations: { 'a/b/c': 'x' } });
  yield named('a label key with a long prefix', { labels: { [`${'a'.repeat(254)}/k`]: 'x' } });
  if (namespaced) {
    yield named('a namespace with capitals', { namespace: 'nsA' });
    yield named('a namespace with dots', { namespace: 'ns.a' });
  }
}

async function agreement(server, { log = () => {} } = {}) {
  const { Analyzer, parseManifests } = require(path.join(root, 'build', 'lib', 'analyze', 'index.js'));
  // the delivery controllers' kinds are checked against their CRDs, as a user gives them (--crd)
  const crdManifests = crdFiles().flatMap(f => parseManifests(f, fs.readFileSync(f, 'utf8')).manifests);
  const analyzer = new Analyzer(crdManifests);
  const analyzerRejects = obj => {
    const text = JSON.stringify(obj, null, 1);
    const { manifests, findings } = parseManifests('generated.yaml', text, NAMESPACE);
    const all = [...findings, ...analyzer.analyze(manifests)];
    return all.filter(f => f.severity === 'error' && SERVER_CODES.has(f.code));
  };
  await server.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  const crds = crdFiles().flatMap(documents).filter(d => d.kind === 'CustomResourceDefinition');
  const objects = corpus();
  const report = { total: 0, rejected: 0, accepted: 0, kinds: [], disagreements: [], skipped: [] };

  for (const crd of crds) {
    const { group, names, scope } = crd.spec;
    const version = crd.spec.versions.find(v => v.storage) ?? crd.spec.versions[0];
    const schema = version.schema?.openAPIV3Schema;
    const apiVersion = `${group}/${version.name}`;
    const namespaced = scope === 'Namespaced';
    const url = ns => `/apis/${group}/${version.name}${namespaced ? `/namespaces/${ns}` : ''}/${names.plural}?dryRun=All&fieldValidation=Strict`;
    const send = async obj => {
      const ns = obj.metadata?.namespace ?? NAMESPACE;
      const res = await server.request('POST', url(ns), obj);
      return { ok: res.status >= 200 && res.status < 300, status: res.status, message: res.body?.message ?? String(res.body).slice(0, 200) };
    };
    const normalize = d => {
      const o = clone(d);
      o.apiVersion = apiVersion;
      o.metadata = { name: 'base', ...(namespaced ? { namespace: NAMESPACE } : {}), ...(o.metadata?.labels ? { labels: o.metadata.labels } : {}) };
      delete o.status;
      return o;
    };
    const candidates = [...objects.filter(d => d.kind === names.kind && d.apiVersion.split('/')[0] === group).map(normalize),
      { apiVersion, kind: names.kind, ...normalize({ ...valid(schema), apiVersion, kind: names.kind }) }];
    // the richest base both sides accept: more fields present, more of the schema walked
    candidates.sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length);
    let base;
    const refused = [];
    for (const c of candidates.slice(0, 8)) {
      const server = await send(c);
      if (server.ok && analyzerRejects(c).length === 0) { base = c; break; }
      if (!server.ok) refused.push(server.message.slice(0, 200));
      if (server.ok) { report.disagreements.push(`${names.kind} base object: the server accepts it, the analyzer says ${analyzerRejects(c).map(f => f.message).join('; ')}`); }
    }
    // no base from the corpus: repair the one built from the schema, one optional field at a time, while
    // the server's refusal shrinks (CEL rules that require one of several fields, a port beside a Service)
    if (!base) {
      let current = candidates[candidates.length - 1];
      let refusal = await send(current);
      for (let round = 0; round < 4 && !base && !refusal.ok; round++) {
        let best;
        let tries = 0;
        for (const next of additions(current, schema)) {
          if (++tries > 60) break;
          const verdict = await send(next);
          if (verdict.ok && analyzerRejects(next).length === 0) { base = next; break; }
          if (!verdict.ok && causes(verdict.message) < causes((best ?? { verdict: refusal }).verdict.message)) best = { next, verdict };
        }
        if (!base && !best) break;
        if (!base) { current = best.next; refusal = best.verdict; }
      }
    }
    if (!base) { report.skipped.push(`${apiVersion} ${names.kind}: no base object both accept (the server: ${refused.join(' | ')})`); continue; }

    const all = [...metadataMutations(base, namespaced), ...mutations(base, schema, [])];
    // a deterministic sample when a schema offers more changes than the budget
    const stride = Math.max(1, Math.ceil(all.length / PER_KIND));
    const picked = all.filter((_, i) => i % stride === 0);
    let agree = 0;
    for (const m of picked) {
      const verdict = await send(m.object);
      const ours = analyzerRejects(m.object);
      report.total++;
      if (verdict.ok) report.accepted++; else report.rejected++;
      if (verdict.ok === (ours.length === 0)) { agree++; continue; }
      report.disagreements.push(`${names.kind} ${m.what}: server ${verdict.ok ? 'accepts' : `rejects (${verdict.message.slice(0, 240)})`}, `
        + `analyzer ${ours.length === 0 ? 'accepts' : `rejects (${ours.map(f => `${f.code} ${f.message}`).join('; ').slice(0, 240)})`}`);
    }
    report.kinds.push({ kind: `${apiVersion} ${names.kind}`, changes: all.length, tried: picked.length, agree });
  }
  // the third-party documents of the corpus as written (in our test namespace): the same verdicts
  const kinds = new Map(crds.map(c => [`${c.spec.group}/${c.spec.names.kind}`, c]));
  report.corpus = { total: 0, rejected: 0 };
  const seen = new Set();
  for (const doc of objects) {
    const crd = kinds.get(`${doc.apiVersion.split('/')[0]}/${doc.kind}`);
    if (!crd || !doc.apiVersion.includes('/')) continue;
    const version = doc.apiVersion.split('/')[1];
    if (!crd.spec.versions.some(v => v.name === version && v.served !== false)) continue;
    const o = clone(doc);
    o.metadata = { ...(o.metadata ?? {}), ...(crd.spec.scope === 'Namespaced' ? { namespace: NAMESPACE } : {}) };
    delete o.metadata.resourceVersion; delete o.metadata.uid; delete o.metadata.creationTimestamp;
    const key = JSON.stringify(o);
    if (seen.has(key)) continue;
    seen.add(key);
    const url = `/apis/${crd.spec.group}/${version}${crd.spec.scope === 'Namespaced' ? `/namespaces/${NAMESPACE}` : ''}/${crd.spec.names.plural}?dryRun=All&fieldValidation=Strict`;
    const res = await server.request('POST', url, o);
    const ok = res.status >= 200 && res.status < 300;
    const ours = analyzerRejects(o);
    report.corpus.total++;
    if (!ok) report.corpus.rejected++;
    if (ok !== (ours.length === 0)) {
      report.disagreements.push(`${doc.kind} ${doc.metadata?.name} (a third-party document): server ${ok ? 'accepts' : `rejects (${String(res.body?.message).slice(0, 240)})`}, `
        + `analyzer ${ours.length === 0 ? 'accepts' : `rejects (${ours.map(f => `${f.code} ${f.message}`).join('; ').slice(0, 240)})`}`);
    }
  }
  log(`third-party documents as written: ${report.corpus.total}, the server rejected ${report.corpus.rejected}`);
  log(`generated ${report.total} objects over ${report.kinds.length} kinds: the server rejected ${report.rejected}, accepted ${report.accepted}; `
    + `${report.total - report.disagreements.length} verdicts agree${report.skipped.length ? `; skipped: ${report.skipped.join(', ')}` : ''}`);
  return report;
}

module.exports = { agreement };

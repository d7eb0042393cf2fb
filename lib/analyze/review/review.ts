import { Finding } from '../finding';
import { groupBy } from '../model/mesh';
import { AccessModel } from './policy-index';
import { NotApplied } from './sources';
import { HostModel, RouteModel, TrafficModel } from './traffic-model';
import { durationMillis } from '../read/values';

/** One change to a host's traffic, as `diff` reports it. */
export interface TrafficChange {
  readonly host: string;
  readonly namespace: string;
  /** `route`, `order`, `policy`, `subset`, `mtls`, `access`, `delivery` or `host`. */
  readonly aspect: string;
  /** What the change is about (`plain requests`, `outlierDetection.consecutive5xxErrors`, `callers`). */
  readonly subject: string;
  readonly before: string;
  readonly after: string;
  /** The change in one line: `plain requests: v1 90% → 50%, v2 10% → 50%`. */
  readonly summary: string;
}

/** Output formats of `explain` and `diff`. */
export type Format = 'text' | 'markdown' | 'json';

const ARROW = '→';

// ---------------------------------------------------------------- explain

/** What a request to each host gets, in route order; findings of the analyzer are marked under their host. */
export function explain(model: TrafficModel, findings: readonly Finding[], format: Format): string {
  const hosts = [...model.hosts.values()];
  const byObject = new Map<string, Finding[]>();
  for (const f of findings) {
    byObject.set(f.object, [...(byObject.get(f.object) ?? []), f]);
  }
  const marks = (h: HostModel) => [
    ...h.virtualService ? byObject.get(`VirtualService/${h.virtualService}`) ?? [] : [],
    ...(h.httpRoutes ?? []).flatMap(r => byObject.get(`HTTPRoute/${r}`) ?? []),
    ...h.gateway ? byObject.get(h.gateway) ?? [] : [],
  ];
  if (format === 'json') {
    return JSON.stringify({
      ...model.caller ? { caller: model.caller, hidden: model.hidden } : {},
      ...model.notApplied.length > 0 ? { notApplied: model.notApplied } : {},
      hosts: hosts.map(h => ({ ...h, findings: marks(h) })),
    }, null, 2) + '\n';
  }
  const head = preamble(model);
  if (format === 'markdown') {
    return (head.length > 0 ? head.map(l => `> ${cell(l)}`).join('\n') + '\n\n' : '')
      + hosts.map(h => explainMarkdown(h, marks(h))).join('\n') + '\n' + mermaid(model, hosts.map(h => h.fqdn), undefined) + '\n';
  }
  return (head.length > 0 ? head.join('\n') + '\n\n' : '') + hosts.map(h => explainText(h, marks(h))).join('\n');
}

function notAppliedLine(n: NotApplied): string {
  return `not applied: ${n.object} (${n.file}) is refused, ${n.reason}; the cluster keeps ${n.kept ? `the one of ${n.kept}` : 'none'}`;
}

/** What the state is: for which caller, what the inputs hold that the cluster would not apply, what the caller is not given. */
function preamble(model: TrafficModel): string[] {
  return [
    ...model.caller ? [`as istiod programs the proxy of ${model.caller}`] : [],
    ...model.notApplied.map(notAppliedLine),
    ...model.hidden.map(h => `not given to ${model.caller}: ${h.host} (${h.why})`),
  ];
}

function explainText(h: HostModel, findings: readonly Finding[]): string {
  const lines = [`${h.host} (${h.namespace})  ${routedBy(h)}`];
  h.routes.forEach((r, i) => {
    lines.push(`  route ${i + 1}  ${r.label} ${ARROW} ${destinations(r)}${r.managedBy ? ` (weights managed by ${r.managedBy})` : ''}`);
    const extras = behaviour(r);
    if (extras.length > 0) {
      lines.push(`           ${extras.join('; ')}`);
    }
  });
  const byDefault = h.routes.find(r => r.retriesByDefault);
  if (byDefault) {
    lines.push(`  retries  a route that shows none gets Istio's default: ${byDefault.retries} (status 503)`);
  }
  if (Object.keys(h.subsets).length > 0) {
    lines.push(`  subsets  ${Object.entries(h.subsets).map(([name, labels]) => `${name} [${labels}]`).join(', ')}`);
  }
  if (Object.keys(h.policy).length > 0) {
    lines.push(`  policy   ${Object.entries(h.policy).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  }
  if (h.delivery) {
    lines.push(`  delivery ${h.delivery}`);
  }
  lines.push(`  mTLS     ${h.mtls}`);
  lines.push(`  callers  ${callers(h)}`);
  for (const f of findings) {
    lines.push(`  ! ${f.code} ${f.severity}: ${f.message} (${f.file}:${f.line})`);
  }
  return lines.join('\n') + '\n';
}

function routedBy(h: HostModel): string {
  if (h.virtualService) return `VirtualService ${h.virtualService}`;
  if (h.httpRoutes) return `HTTPRoute ${h.httpRoutes.join(', ')}`;
  if (h.routes[0]?.managedBy) return `routed by ${h.routes[0].managedBy}`;
  return 'no route: every request to any endpoint';
}

function explainMarkdown(h: HostModel, findings: readonly Finding[]): string {
  const rows = h.routes.map((r, i) => `| ${i + 1} | ${cell(r.label)} | ${cell(destinations(r))}${r.managedBy ? ` (weights managed by ${cell(r.managedBy)})` : ''} | ${cell(behaviour(r).join('; ') || '-')} |`);
  return [
    `#### ${h.host} (${h.namespace})`,
    '',
    '| # | match | destinations | timeout, retries, fault, mirror |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...h.delivery ? [`Delivery: ${cell(h.delivery)}`, ''] : [],
    ...h.routes.some(r => r.retriesByDefault) ? [`Retries: a route that shows none gets Istio's default, ${cell(h.routes.find(r => r.retriesByDefault)!.retries!)} (status 503).`, ''] : [],
    `mTLS: ${cell(h.mtls)} · callers: ${cell(callers(h))}${Object.keys(h.policy).length > 0 ? ` · policy: ${cell(Object.entries(h.policy).map(([k, v]) => `${k} ${v}`).join('; '))}` : ''}`,
    ...findings.map(f => `> ${f.code} ${f.severity}: ${cell(f.message)}`),
    '',
  ].join('\n');
}

function destinations(r: RouteModel): string {
  if (r.response) {
    return r.response;
  }
  if (r.destinations.length === 0) {
    return '(no destination: 404)';
  }
  return r.destinations.map(d => `${d.target} ${d.weight}%${d.written !== undefined ? ` (weight ${d.written})` : ''}${d.labels ? ` [${d.labels}]` : ''}`).join(', ');
}

function behaviour(r: RouteModel): string[] {
  return [
    r.timeout && `timeout ${r.timeout}`,
    r.retries && !r.retriesByDefault && `retries ${r.retries}`,
    r.delay && `delay ${r.delay.fixedDelay} on ${r.delay.percentage}%`,
    r.abort && `abort ${r.abort.httpStatus} on ${r.abort.percentage}%`,
    r.mirror && `mirror to ${r.mirror}`,
    r.rewrite && `rewrite ${r.rewrite}`,
    r.headers && `headers ${r.headers}`,
  ].filter((x): x is string => Boolean(x));
}

/** Who may call a host; for a version Service, its host's callers, through whose routes requests reach it. */
function callers(h: HostModel): string {
  return h.versionOf ? `those of ${h.versionOf.split('.')[0]}: a version of it, reached through its routes` : access(h);
}

function access(h: HostModel): string {
  const denies = h.access.denies.length > 0 ? ` (DENY policies: ${h.access.denies.join(', ')})` : '';
  switch (h.access.kind) {
    case 'anyone': return `anyone (no ALLOW policy applies)${denies}`;
    case 'nobody': return `nobody: ALLOW policies apply and admit no caller (allow-nothing)${denies}`;
    default: return h.access.callers.join(', ') + denies;
  }
}

// ---------------------------------------------------------------- diff

/** What changes for traffic from `before` to `after`, host by host; formatting-only changes are none. */
export function diff(before: TrafficModel, after: TrafficModel): TrafficChange[] {
  const fqdns = [...new Set([...before.hosts.keys(), ...after.hosts.keys()])].sort();
  const changes = fqdns.flatMap(fqdn => hostChanges(before.hosts.get(fqdn), after.hosts.get(fqdn)));
  return [...changes, ...policyChanges(before, after, changes)];
}

/**
 * A security policy that changed where no host of the input shows the effect (the policy diffed without the
 * Services it protects): reported at what it selects, since it changes who may call them.
 */
function policyChanges(before: TrafficModel, after: TrafficModel, hostChanges: readonly TrafficChange[]): TrafficChange[] {
  const shown = new Set(hostChanges.filter(c => c.aspect === 'access' || c.aspect === 'mtls').map(c => c.namespace));
  const ids = [...new Set([...before.policies.keys(), ...after.policies.keys()])].sort();
  return ids.flatMap(id => {
    const a = before.policies.get(id);
    const b = after.policies.get(id);
    const p = (b ?? a)!;
    if ((a && b && a.spec === b.spec) || shown.has(p.namespace)) {
      return [];
    }
    // an AuthorizationPolicy changes who may call the pods it selects: said caller by caller, as for a host
    const selection = p.kind === 'AuthorizationPolicy' ? p.selection : undefined;
    if (selection) {
      const callers = callerChanges(before.accessOf(selection.namespace, selection.labels), after.accessOf(selection.namespace, selection.labels),
        (aspect, subject, was, now, summary) => ({ host: p.selects, namespace: p.namespace, aspect, subject, before: was, after: now, summary: `${summary} (${p.kind} ${p.name}${!a ? ' added' : !b ? ' removed' : ' changed'})` }));
      if (callers.length > 0) return callers;
    }
    const summary = !a ? `+ ${p.kind} ${p.name}` : !b ? `- ${p.kind} ${p.name}` : `${p.kind} ${p.name} changed`;
    return [{ host: p.selects, namespace: p.namespace, aspect: 'policy', subject: `${p.kind} ${p.namespace}/${p.name}`, before: a?.spec ?? '', after: b?.spec ?? '', summary }];
  });
}

function hostChanges(a: HostModel | undefined, b: HostModel | undefined): TrafficChange[] {
  const h = (b ?? a)!;
  const change = (aspect: string, subject: string, before: string, after: string, summary: string): TrafficChange =>
    ({ host: h.host, namespace: h.namespace, aspect, subject, before, after, summary });
  if (!a || !b) {
    return [change('host', h.host, a ? 'present' : 'absent', b ? 'present' : 'absent', b ? `+ host (${h.routes.length} route${h.routes.length === 1 ? '' : 's'})` : '- host')];
  }
  return [
    ...routeChanges(a, b, change),
    ...recordChanges('subset', a.subsets, b.subsets, (k, x, y) => change('subset', k, x, y,
      x === '' ? `+ subset ${k} [${y}]` : y === '' ? `- subset ${k}` : `subset ${k} selects ${x} ${ARROW} ${y}`)),
    ...recordChanges('policy', a.policy, b.policy, (k, x, y) => change('policy', k, x, y,
      x === '' ? `+ ${k} ${y}` : y === '' ? `- ${k} ${x}` : `${k} ${x} ${ARROW} ${y}`)),
    ...(mode(a.mtls) !== mode(b.mtls) ? [change('mtls', 'mTLS', a.mtls, b.mtls, `mTLS ${mode(a.mtls)} ${ARROW} ${mode(b.mtls)}`)] : []),
    ...(a.delivery ?? '') !== (b.delivery ?? '') ? [change('delivery', 'delivery', a.delivery ?? '', b.delivery ?? '',
      !a.delivery ? `+ released by ${b.delivery}` : !b.delivery ? `- released by ${a.delivery} (the weights in the input apply)` : `delivery ${a.delivery} ${ARROW} ${b.delivery}`)] : [],
    ...accessChanges(a, b, change),
  ];
}

type ChangeOf = (aspect: string, subject: string, before: string, after: string, summary: string) => TrafficChange;

function routeChanges(a: HostModel, b: HostModel, change: ChangeOf): TrafficChange[] {
  const pairs = pairRoutes(a.routes, b.routes);
  const changes: TrafficChange[] = [];
  for (const [old, r] of pairs) {
    if (!old) {
      changes.push(change('route', r!.label, '', describe(r!), `+ route for ${r!.label} ${ARROW} ${destinations(r!)}${behaviour(r!).length > 0 ? ` (${behaviour(r!).join('; ')})` : ''}`));
    } else if (r) {
      changes.push(...sameRouteChanges(old, r, change));
    }
  }
  for (const [r] of pairs.filter(([, now]) => !now)) {
    changes.push(change('route', r!.label, describe(r!), '', `- route for ${r!.label} (was ${ARROW} ${destinations(r!)})`));
  }
  // routes that match the same requests are told apart by where they send them (only the first of them is reached)
  const repeated = new Set(b.routes.filter((r, i) => b.routes.findIndex(x => x.key === r.key) !== i).map(r => r.key));
  const name = (r: RouteModel) => repeated.has(r.key) ? `${r.label} (${ARROW} ${destinations(r)})` : r.label;
  const kept = pairs.filter(([x, y]) => x && y);
  const inOldOrder = [...kept].sort(([x], [y]) => a.routes.indexOf(x!) - a.routes.indexOf(y!));
  if (kept.some((pair, i) => pair !== inOldOrder[i])) {
    const was = inOldOrder.map(([x]) => name(x!));
    const now = kept.map(([, y]) => name(y!));
    changes.push(change('order', 'route order', was.join(' | '), now.join(' | '), `route order: ${was.join(', ')} ${ARROW} ${now.join(', ')} (the first match wins)`));
  }
  return changes;
}

/**
 * Pairs the routes of two states that match the same requests, in the order of `after` (a route only in
 * `before` last). Where several routes match the same requests, an unchanged route pairs with its twin
 * first, then one with the same destinations, then the rest in order, so moving or editing one of two
 * catch-alls is not read as both changing.
 */
function pairRoutes(before: readonly RouteModel[], after: readonly RouteModel[]): Array<[RouteModel | undefined, RouteModel | undefined]> {
  const partner = new Map<RouteModel, RouteModel>();
  const free = new Set(before);
  const passes: Array<(x: RouteModel, y: RouteModel) => boolean> = [
    (x, y) => sameValue(describe(x), describe(y)),
    (x, y) => destinations(x) === destinations(y),
    () => true,
  ];
  for (const same of passes) {
    for (const r of after.filter(x => !partner.has(x))) {
      const old = before.find(x => free.has(x) && x.key === r.key && same(x, r));
      if (old) {
        partner.set(r, old);
        free.delete(old);
      }
    }
  }
  return [
    ...after.map(r => [partner.get(r), r] as [RouteModel | undefined, RouteModel]),
    ...before.filter(r => free.has(r)).map(r => [r, undefined] as [RouteModel, undefined]),
  ];
}

function sameRouteChanges(a: RouteModel, b: RouteModel, change: ChangeOf): TrafficChange[] {
  const changes: TrafficChange[] = [];
  // a controller sets these weights at run time: those in the input are its resting state, not traffic
  const weights = a.managedBy || b.managedBy ? undefined : weightChanges(a, b);
  if (weights) {
    changes.push(change('route', a.label, destinations(a), destinations(b), `${b.label}: ${weights}`));
  }
  const of = `${a.label === 'plain requests' ? 'plain requests' : `requests with ${b.label}`}`;
  const fault = (f?: { percentage: number }, what?: string) => f ? `${what} on ${f.percentage}% of ${of}` : '';
  const pairs: Array<[string, string, string]> = [
    ['delay', fault(a.delay, `delay ${a.delay?.fixedDelay}`), fault(b.delay, `delay ${b.delay?.fixedDelay}`)],
    ['abort', fault(a.abort, `abort ${a.abort?.httpStatus}`), fault(b.abort, `abort ${b.abort?.httpStatus}`)],
    ['timeout', a.timeout ?? '', b.timeout ?? ''],
    ['retries', a.retries ?? '', b.retries ?? ''],
    ['mirror', a.mirror ?? '', b.mirror ?? ''],
    ['response', a.response ?? '', b.response ?? ''],
    ['rewrite', a.rewrite ?? '', b.rewrite ?? ''],
    ['headers', a.headers ?? '', b.headers ?? ''],
  ];
  for (const [what, x, y] of pairs) {
    if (sameValue(x, y)) {
      continue;
    }
    const summary = what === 'delay' || what === 'abort'
      ? (x === '' ? `+ ${y}` : y === '' ? `- ${x}` : `${x} ${ARROW} ${y}`)
      : `${b.label}: ${x === '' ? `+ ${what} ${y}` : y === '' ? `- ${what} ${x}` : `${what} ${x} ${ARROW} ${y}`}`;
    changes.push(change('route', `${b.label} ${what}`, x, y, summary));
  }
  return changes;
}

function weightChanges(a: RouteModel, b: RouteModel): string | undefined {
  const share = (r: RouteModel) => {
    const m = new Map<string, number>();
    for (const d of r.destinations) {
      m.set(d.target, (m.get(d.target) ?? 0) + d.weight);
    }
    return m;
  };
  const x = share(a);
  const y = share(b);
  const targets = [...new Set([...x.keys(), ...y.keys()])];
  // a destination a route no longer names gets 0% of its requests, as one with weight 0 does
  const parts = targets.filter(t => (x.get(t) ?? 0) !== (y.get(t) ?? 0)).map(t => `${t} ${x.get(t) ?? 0}% ${ARROW} ${y.get(t) ?? 0}%`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function recordChanges(_: string, a: Record<string, string>, b: Record<string, string>, make: (key: string, before: string, after: string) => TrafficChange): TrafficChange[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter(k => !sameValue(a[k] ?? '', b[k] ?? '')).map(k => make(k, a[k] ?? '', b[k] ?? ''));
}

const DURATION = /\b(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+\b/g;

/** Two values the same but for how their durations are written (`3m` and `180s`, `0.5s` and `500ms`). */
function sameValue(x: string, y: string): boolean {
  const normal = (text: string) => text.replace(DURATION, d => `${durationMillis(d) ?? d}ms`);
  return x === y || normal(x) === normal(y);
}

function accessChanges(a: HostModel, b: HostModel, change: ChangeOf): TrafficChange[] {
  return callerChanges(a.access, b.access, change);
}

/** The callers one access model admits and the other does not, each a change. */
function callerChanges(a: AccessModel, b: AccessModel, change: ChangeOf): TrafficChange[] {
  const who = (m: AccessModel) => m.kind === 'anyone' ? ['anyone'] : m.callers;
  const x = new Set(who(a));
  const y = new Set(who(b));
  const changes: TrafficChange[] = [];
  for (const caller of [...y].filter(c => !x.has(c))) {
    changes.push(change('access', caller, '', 'allowed', caller === 'anyone' ? '+ anyone may call it (no ALLOW policy applies any more)' : `+ ${caller} may call it`));
  }
  for (const caller of [...x].filter(c => !y.has(c))) {
    changes.push(change('access', caller, 'allowed', '', caller === 'anyone' ? 'only the callers its ALLOW policies name may call it now' : `${caller} may no longer call it`));
  }
  if (a.kind !== b.kind && b.kind === 'nobody') {
    changes.push(change('access', 'callers', a.kind, b.kind, 'nobody may call it (allow-nothing)'));
  }
  return changes;
}

function mode(mtls: string): string {
  return mtls.split(' ')[0];
}

function describe(r: RouteModel): string {
  return [destinations(r), ...behaviour(r)].join('; ');
}

/** Renders the changes of `diff`. */
export function formatDiff(changes: readonly TrafficChange[], before: TrafficModel, after: TrafficModel, format: Format): string {
  // what the after side holds that the cluster would refuse: the review says so, as it changes nothing
  const refused = after.notApplied.map(notAppliedLine);
  if (format === 'json') {
    return JSON.stringify({ changed: changes.length > 0, changes, ...after.notApplied.length > 0 ? { notApplied: after.notApplied } : {} }, null, 2) + '\n';
  }
  const notes = refused.length === 0 ? '' : format === 'markdown' ? refused.map(l => `> ${cell(l)}`).join('\n') + '\n\n' : refused.join('\n') + '\n';
  if (changes.length === 0) {
    return format === 'markdown' ? `### Traffic changes\n\n${notes}No traffic changes.\n` : `${notes}no traffic changes\n`;
  }
  if (format === 'text') {
    return notes + changes.map(c => `${c.host} (${c.namespace}): ${c.summary}`).join('\n') + '\n';
  }
  const byHost = groupBy(changes, c => `${c.host} (${c.namespace})`);
  const tables = [...byHost].map(([host, hostChanges]) => {
    const rows = hostChanges.map(c => `| ${cell(c.subject)} | ${cell(c.before || '-')} | ${cell(c.after || '-')} | ${cell(c.summary)} |`);
    return [`#### ${host}`, '', '| what | before | after | change |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
  });
  const fqdnOf = new Map([...before.hosts.values(), ...after.hosts.values()].map(h => [`${h.host} (${h.namespace})`, h.fqdn]));
  const changed = new Set(changes.map(c => fqdnOf.get(`${c.host} (${c.namespace})`)).filter((f): f is string => f !== undefined));
  return ['### Traffic changes', '', ...notes ? [notes.trimEnd(), ''] : [], ...tables, mermaid(after, [...changed], before), ''].join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

// ---------------------------------------------------------------- mermaid

const MAX_HOSTS = 40;

/**
 * A Mermaid flowchart of `focus` hosts and their neighbours (callers the AuthorizationPolicies allow, and
 * hosts they call): weighted edges to the versions, faults on the edges, allowed callers dotted.
 * A large mesh shows at most 40 hosts, the changed ones first.
 */
export function mermaid(model: TrafficModel, focus: readonly string[], before: TrafficModel | undefined): string {
  const ids = new Map<string, string>();
  const id = (name: string) => {
    if (!ids.has(name)) {
      ids.set(name, `n${ids.size}`);
    }
    return ids.get(name)!;
  };
  const shown = neighbourhood(model, focus.slice(0, MAX_HOSTS)).slice(0, MAX_HOSTS);
  const lines = ['```mermaid', 'flowchart LR'];
  for (const fqdn of shown) {
    const h = model.hosts.get(fqdn) ?? before?.hosts.get(fqdn);
    if (!h) {
      continue;
    }
    const node = id(`${h.host} (${h.namespace})`);
    lines.push(`  ${node}["${label(`${h.host} (${h.namespace})`)}"]`);
    if (focus.includes(fqdn)) {
      lines.push(`  style ${node} stroke-width:3px`);
    }
    for (const r of model.hosts.has(fqdn) ? h.routes : []) {
      for (const d of r.destinations) {
        // a destination that is a host of the model is its node; a version or subset is a node of its own
        const known = d.host !== undefined ? model.hosts.get(d.host) : undefined;
        const target = known ? id(`${known.host} (${known.namespace})`) : id(`${h.fqdn}→${d.target}`);
        lines.push(known ? `  ${target}["${label(`${known.host} (${known.namespace})`)}"]` : `  ${target}(["${label(d.host ? d.target : `${h.host} ${d.target}`)}"])`);
        const fault = [r.delay && `delay ${r.delay.fixedDelay} on ${r.delay.percentage}%`, r.abort && `abort ${r.abort.httpStatus} on ${r.abort.percentage}%`].filter(Boolean).join(', ');
        const text = `${r.key === 'default' ? '' : `${r.label}: `}${d.weight}%${fault ? `, ${fault}` : ''}`;
        lines.push(`  ${node} -->|"${label(text)}"| ${target}`);
      }
    }
    for (const caller of h.access.kind === 'some' ? h.access.callers : []) {
      // a caller that is a host of the mesh is the same node as the host
      const name = caller.replace(/ \[.*\]$/, '');
      lines.push(`  ${id(name)}["${label(name)}"] -.->|allowed| ${node}`);
    }
  }
  const hidden = new Set([...model.hosts.keys(), ...focus]).size - shown.length;
  if (hidden > 0) {
    lines.push(`  more["… ${hidden} more host${hidden === 1 ? '' : 's'} not shown"]`);
  }
  lines.push('```');
  return lines.join('\n');
}

function neighbourhood(model: TrafficModel, focus: readonly string[]): string[] {
  const result = new Set(focus);
  const byName = new Map([...model.hosts.values()].map(h => [`${h.host} (${h.namespace})`, h.fqdn]));
  for (const fqdn of focus) {
    const h = model.hosts.get(fqdn);
    if (!h) {
      continue;
    }
    // the hosts the focus host's workloads may call, and the hosts whose workloads may call it
    for (const callee of model.callers.get(`${h.host} (${h.namespace})`) ?? []) {
      result.add(callee);
    }
    for (const caller of h.access.callers) {
      const callerHost = byName.get(caller.replace(/ \[.*\]$/, ''));
      if (callerHost) {
        result.add(callerHost);
      }
    }
  }
  return [...result];
}

function label(text: string): string {
  // Mermaid labels in double quotes take any text but a double quote; entity codes stand for the rest
  return text.replace(/"/g, '#quot;').replace(/[<>]/g, c => (c === '<' ? '#lt;' : '#gt;'));
}

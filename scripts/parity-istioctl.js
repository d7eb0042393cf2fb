#!/usr/bin/env node
// Measures how the analyzer agrees with istioctl's own analyzers on their test cases: reads the test grid
// of pkg/config/analysis/analyzers/analyzers_test.go and its testdata from a local git checkout of
// istio/istio (nothing of it is copied into this repository), runs our analyzer on each case's input,
// and compares, per IST code we mirror, the (code, object) pairs each side reports.
//   ISTIO_SRC=path/to/istio/.git node scripts/parity-istioctl.js [--ref 1.30.3] [--verbose]
'use strict';
require('./register.js');
const { istioSource } = require('./istio-source.js');
const { Analyzer } = require('../lib/analyze/analyzer.ts');
const { parseManifests } = require('../lib/analyze/read/manifest.ts');

const { ref, show, verbose } = istioSource('parity-istioctl');

// the codes each upstream analyzer emits that a check of ours mirrors
const ANALYZERS = {
  'virtualservice.DestinationHostAnalyzer': ['IST0101', 'IST0112', 'IST0140'],
  'virtualservice.DestinationRuleAnalyzer': ['IST0101'],
  'virtualservice.GatewayAnalyzer': ['IST0101', 'IST0132', 'IST0165'],
  'virtualservice.ConflictingMeshGatewayHostsAnalyzer': ['IST0109'],
  'service.PortNameAnalyzer': ['IST0118', 'IST0150'],
  'injection.Analyzer': ['IST0123', 'IST0102', 'IST0103', 'IST0148'],
  'telemetry.DefaultSelectorAnalyzer': ['IST0160'],
  'telemetry.SelectorAnalyzer': ['IST0159'],
  'destinationrule.PodNotSelectedAnalyzer': ['IST0173', 'IST0174'],
  'gateway.ConflictingGatewayAnalyzer': ['IST0145', 'IST0101'],
  'gateway.IngressGatewayPortAnalyzer': ['IST0162', 'IST0101'],
  'gateway.SecretAnalyzer': ['IST0101', 'IST0161'],
  'gateway.CertificateAnalyzer': ['IST0138'],
  'destinationrule.CaCertificateAnalyzer': ['IST0128', 'IST0129'],
  'serviceentry.ProtocolAddressesAnalyzer': ['IST0134'],
  'sidecar.SelectorAnalyzer': ['IST0101', 'IST0110', 'IST0111', 'IST0167'],
  'envoyfilter.EnvoyPatchAnalyzer': ['IST0151', 'IST0152', 'IST0153', 'IST0154', 'IST0155'],
  'authz.AuthorizationPoliciesAnalyzer': ['IST0127', 'IST0101'],
  'deployment.ServiceAssociationAnalyzer': ['IST0116', 'IST0137'],
  'deployment.ApplicationUIDAnalyzer': ['IST0144'],
  'k8sgateway.SelectorAnalyzer': ['IST0166'],
  'virtualservice.JWTClaimRouteAnalyzer': ['IST0149'],
  'deprecation.FieldAnalyzer': ['IST0002'],
  'authn.BlockedCIDRsAnalyzer': ['IST0175'],
  'conditions.ConditionAnalyzer': ['IST0171'],
  'annotations.K8sAnalyzer': ['IST0107', 'IST0108', 'IST0125', 'IST0135'],
  'maturity.AlphaAnalyzer': ['IST0136'],
};
// which of our checks stand for which IST code, within that analyzer's scope
const OURS = {
  'virtualservice.DestinationHostAnalyzer': { CI201: 'IST0101', CI210: 'IST0112', CI254: 'IST0140' },
  'virtualservice.DestinationRuleAnalyzer': { CI202: 'IST0101' },
  'virtualservice.GatewayAnalyzer': { CI203: 'IST0101', CI207: 'IST0132', CI249: 'IST0165' },
  'virtualservice.ConflictingMeshGatewayHostsAnalyzer': { CI204: 'IST0109' },
  'service.PortNameAnalyzer': { CI211: 'IST0118', CI247: 'IST0150' },
  'injection.Analyzer': { CI212: 'IST0123', CI250: 'IST0102', CI251: 'IST0103', CI252: 'IST0148' },
  'telemetry.DefaultSelectorAnalyzer': { CI215: 'IST0160' },
  'telemetry.SelectorAnalyzer': { CI221: 'IST0159' },
  'destinationrule.PodNotSelectedAnalyzer': { CI206: 'IST0173', CI248: 'IST0174' },
  'gateway.ConflictingGatewayAnalyzer': { CI222: 'IST0145' },
  'gateway.IngressGatewayPortAnalyzer': { CI223: 'IST0162', CI224: 'IST0101' },
  'gateway.SecretAnalyzer': { CI224: 'IST0101', CI225: 'IST0101', CI226: 'IST0161' },
  'gateway.CertificateAnalyzer': { CI227: 'IST0138' },
  'destinationrule.CaCertificateAnalyzer': { CI228: 'IST0128', CI229: 'IST0129' },
  'serviceentry.ProtocolAddressesAnalyzer': { CI230: 'IST0134' },
  'sidecar.SelectorAnalyzer': { CI231: 'IST0101', CI232: 'IST0110', CI233: 'IST0111', CI234: 'IST0167' },
  'envoyfilter.EnvoyPatchAnalyzer': { CI235: 'IST0151', CI236: 'IST0152', CI237: 'IST0153', CI238: 'IST0154', CI239: 'IST0155' },
  'authz.AuthorizationPoliciesAnalyzer': { CI240: 'IST0127', CI241: 'IST0101' },
  'deployment.ServiceAssociationAnalyzer': { CI242: 'IST0116', CI243: 'IST0137' },
  'deployment.ApplicationUIDAnalyzer': { CI244: 'IST0144' },
  'k8sgateway.SelectorAnalyzer': { CI245: 'IST0166' },
  'virtualservice.JWTClaimRouteAnalyzer': { CI246: 'IST0149' },
  'deprecation.FieldAnalyzer': { CI253: 'IST0002' },
  'authn.BlockedCIDRsAnalyzer': { CI255: 'IST0175' },
  'conditions.ConditionAnalyzer': { CI256: 'IST0171' },
  'annotations.K8sAnalyzer': { CI257: 'IST0108', CI258: 'IST0107', CI259: 'IST0125', CI260: 'IST0135' },
  'maturity.AlphaAnalyzer': { CI261: 'IST0136' },
};

const codes = Object.fromEntries([...show('pkg/config/analysis/msg/messages.yaml').matchAll(/- name: "(\w+)"\s*\n\s*code: (IST\d+)/g)].map(m => [m[1], m[2]]));
const grid = show('pkg/config/analysis/analyzers/analyzers_test.go');
const cases = grid.split(/\n\t\{\n/).slice(1).map(block => ({
  name: /name:\s*"([^"]+)"/.exec(block)?.[1],
  analyzer: /analyzer:\s*&(\w+\.\w+)\{\}/.exec(block)?.[1],
  inputs: [.../inputFiles:\s*\[\]string\{([^}]*)\}/.exec(block)?.[1]?.matchAll(/"([^"]+)"/g) ?? []].map(m => m[1]),
  expected: [...block.matchAll(/\{msg\.(\w+),\s*"([^"]+)"\}/g)].map(m => ({ code: codes[m[1]], origin: m[2] })),
  // a mesh config changes what some analyzers report; the analyzer reads none, so those cases are left out
  meshConfig: /meshConfigFile:/.test(block),
})).filter(c => c.analyzer && ANALYZERS[c.analyzer]);
const withMeshConfig = cases.filter(c => c.meshConfig).length;

const totals = {};
const tally = (code, key) => {
  totals[code] ??= { same: 0, missed: 0, extra: 0 };
  totals[code][key]++;
};
for (const c of cases.filter(c => !c.meshConfig)) {
  const manifests = c.inputs.flatMap(f => parseManifests(f, show(`pkg/config/analysis/analyzers/${f}`)).manifests);
  const mapping = OURS[c.analyzer];
  const ours = new Analyzer().analyze(manifests)
    .filter(f => mapping[f.code])
    .map(f => {
      const [kind, ns, ...name] = f.object.split('/');
      return { code: mapping[f.code], origin: kind === 'Namespace' ? `Namespace ${name.join('/')}` : `${kind} ${ns}/${name.join('/')}`, message: f.message };
    });
  const expected = c.expected.filter(e => ANALYZERS[c.analyzer].includes(e.code));
  const left = [...ours];
  for (const e of expected) {
    // upstream names objects of the default namespace without it in some cases
    const same = (o) => o.origin === e.origin || (!e.origin.includes('/') && o.origin === e.origin.replace(' ', ' default/'));
    const i = left.findIndex(o => o.code === e.code && same(o));
    if (i >= 0) {
      left.splice(i, 1);
      tally(e.code, 'same');
    } else {
      tally(e.code, 'missed');
      if (verbose) console.log(`missed  ${c.name}: ${e.code} ${e.origin}`);
    }
  }
  for (const o of left) {
    tally(o.code, 'extra');
    if (verbose) console.log(`extra   ${c.name}: ${o.code} ${o.origin}: ${o.message}`);
  }
}
console.log(`istioctl's analyzer test cases at ${ref}: ${cases.length - withMeshConfig} cases of the analyzers we mirror (${withMeshConfig} more need a mesh config, not read offline)`);
console.log('code     same  missed  extra');
for (const [code, t] of Object.entries(totals).sort()) {
  console.log(`${code}  ${String(t.same).padStart(5)}  ${String(t.missed).padStart(6)}  ${String(t.extra).padStart(5)}`);
}

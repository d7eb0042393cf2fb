#!/usr/bin/env node
// Generates imports/: one construct class per kind of the pinned Istio 1.30.3 and Gateway API v1.5.1
// bundles, with every spec field typed under its wire name, offline:
//   npm run import                  (writes imports/)
//   node scripts/import.js --check  (fails if imports/ would change)
//
// Not `cdk8s import`: its classes rename fields (`consecutive5XxErrors`, `ROUND_UNDERSCORE_ROBIN`) and
// map them back in toJson, dropping whatever a user wrote in Istio's spelling. These classes pass the
// spec through as written; cdk8s only drops undefined and null values and sorts keys.
//
// One version per kind: the newest served, non-deprecated one (v1 > v1beta1 > v1alpha3 > …). Fields
// typed `string` even where the CRD has an enum, so a wire value is usable as a plain string; the enum is
// exported beside the struct, its members named after the values (UPPER_SNAKE, as jsii requires).
'use strict';
const fs = require('fs');
const path = require('path');
const { loadBundles, fail: failWith, root } = require('./crd-bundles');

const TOOL = 'import';
const target = path.join(root, 'imports');
const check = process.argv.includes('--check');

/** The module each API group is generated into; the package root exports each as a namespace. */
const MODULES = {
  'networking.istio.io': 'networking.istio.io.ts',
  'security.istio.io': 'security.istio.io.ts',
  'telemetry.istio.io': 'telemetry.istio.io.ts',
  'extensions.istio.io': 'extensions.istio.io.ts',
  'gateway.networking.k8s.io': 'gateway-api.ts',
  'gateway.networking.x-k8s.io': 'gateway-api.ts',
};

/**
 * Fields the CRDs list twice, once in protobuf's snake_case: istiod's JSON parser takes both spellings of
 * one field. Only the camelCase one is typed (jsii refuses snake_case properties); both reach the API server.
 */
const PROTO_ALIASES = { mirror_percent: 'mirrorPercent', jwks_uri: 'jwksUri' };

function fail(message) {
  failWith(TOOL, message);
}

function versionRank(name) {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(name);
  if (!m) fail(`unexpected version name '${name}'`);
  const stage = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
  return Number(m[1]) * 10000 + stage * 1000 + Number(m[3] ?? 0);
}

function chooseVersion(crd) {
  const candidates = crd.spec.versions.filter(v => v.served && !v.deprecated);
  if (candidates.length === 0) fail(`${crd.spec.names.kind} serves no version that is not deprecated`);
  return candidates.sort((a, b) => versionRank(b.name) - versionRank(a.name))[0];
}

function pascal(name) {
  return name.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, _sep, c) => c.toUpperCase());
}

/** An enum member for a wire value: `ISTIO_MUTUAL` stays, `PathPrefix` becomes `PATH_PREFIX`. */
function memberName(value) {
  const upper = String(value)
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  if (upper === '') return 'EMPTY';
  return /^[0-9]/.test(upper) ? `VALUE_${upper}` : upper;
}

/** A CRD description as doc text: it must not close the comment or start a line with a tag. */
function prose(description) {
  return description.trim().replace(/\*\//g, '*\\/').replace(/^(\s*)@/gm, '$1\\@');
}

function docComment(lines, indent) {
  const body = lines.flatMap(line => line.split('\n')).map(line => line.trimEnd());
  while (body.length > 0 && body[body.length - 1] === '') body.pop();
  return [`${indent}/**`, ...body.map(l => (l === '' ? `${indent} *` : `${indent} * ${l}`)), `${indent} */`].join('\n');
}

function isDeprecated(description) {
  return /^deprecated\b/i.test((description ?? '').trim());
}

class ModuleWriter {
  constructor(file) {
    this.file = file;
    this.blocks = [];
    this.names = new Map();
  }

  claim(name, where) {
    if (this.names.has(name)) fail(`${this.file}: two types would be named ${name} (${this.names.get(name)} and ${where})`);
    this.names.set(name, where);
  }

  /** The TypeScript type of a schema node, emitting the interfaces and enums it needs under `name`. */
  typeOf(schema, name, where) {
    if (schema.type === 'array') {
      return `${this.typeOf(schema.items ?? {}, name, `${where}[]`)}[]`;
    }
    if (schema.type === 'object' || schema.properties || schema.additionalProperties) {
      if (schema.properties && Object.keys(schema.properties).length > 0) {
        this.struct(schema, name, where);
        return name;
      }
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        return `{ [key: string]: ${this.typeOf(schema.additionalProperties, name, `${where}{}`)} }`;
      }
      return 'any';
    }
    switch (schema.type) {
      case 'string':
        if (schema.enum) this.enumeration(schema, name, where);
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      default:
        return 'any';
    }
  }

  enumeration(schema, name, where) {
    this.claim(name, where);
    const members = new Map();
    for (const value of schema.enum) {
      const member = memberName(value);
      if (members.has(member) && members.get(member) !== value) fail(`${where}: values '${members.get(member)}' and '${value}' share the member ${member}`);
      members.set(member, value);
    }
    const body = [...members].map(([member, value]) => `  /** \`${value}\` */\n  ${member} = ${JSON.stringify(value)},`);
    this.blocks.push(`${docComment([`Wire values of \`${where}\`.`], '')}\nexport enum ${name} {\n${body.join('\n')}\n}`);
  }

  struct(schema, name, where, extraFields = []) {
    this.claim(name, where);
    const required = new Set(schema.required ?? []);
    const block = { text: '' };
    // the struct goes before the types of its fields, as a reader expects
    this.blocks.push(block);
    const fields = [...extraFields];
    for (const [field, child] of Object.entries(schema.properties ?? {})) {
      if (PROTO_ALIASES[field] && schema.properties[PROTO_ALIASES[field]]) continue;
      if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(field)) fail(`${where}.${field}: not a valid TypeScript property name`);
      const type = this.typeOf(child, name + pascal(field), `${where}.${field}`);
      const doc = [child.description ? prose(child.description) : `\`${where}.${field}\``];
      if (child.type === 'string' && child.enum) doc.push('', `One of ${child.enum.map(v => `\`${v}\``).join(', ')} (\`${name + pascal(field)}\`).`);
      if (child.type === 'array' && child.items?.enum) doc.push('', `Each one of ${child.items.enum.map(v => `\`${v}\``).join(', ')} (\`${name + pascal(field)}\`).`);
      if (isDeprecated(child.description)) doc.push('', `@deprecated ${prose(child.description).replace(/^deprecated[.:]?\s*/i, '') || 'deprecated upstream, without a replacement.'}`);
      doc.push('', `@schema ${where}.${field}`);
      fields.push(`${docComment(doc, '  ')}\n  readonly ${field}${required.has(field) ? '' : '?'}: ${type};`);
    }
    const summary = schema.description ? prose(schema.description) : `\`${where}\``;
    block.text = `${docComment([summary, '', `@schema ${where}`], '')}\nexport interface ${name} {\n${fields.join('\n\n')}\n}`;
  }

  kind(crd, version) {
    const kind = crd.spec.names.kind;
    const apiVersion = `${crd.spec.group}/${version.name}`;
    const root = version.schema.openAPIV3Schema;
    const spec = root.properties?.spec;
    const specRequired = (root.required ?? []).includes('spec');
    this.claim(kind, kind);
    const summary = spec?.description ? prose(spec.description) : `A ${kind} of ${crd.spec.group}.`;
    const classDoc = [
      summary,
      '',
      `The \`${apiVersion}\` \`${kind}\`, rendered exactly as given: the spec's keys are the CRD's wire names.`,
      '',
      `@schema ${kind}`,
    ];
    const propsDefault = specRequired ? '' : ' = {}';
    this.blocks.push(`${docComment(classDoc, '')}
export class ${kind} extends ApiObject {
  /** The apiVersion and kind of this class's objects: \`${apiVersion}\`. */
  public static readonly GVK: GroupVersionKind = {
    apiVersion: '${apiVersion}',
    kind: '${kind}',
  };

  /**
   * The manifest of a \`${kind}\`, for use inside other objects (as a template, say).
   *
   * @param props the object's metadata and spec
   */
  public static manifest(props: ${kind}Props${propsDefault}): any {
    return { ...${kind}.GVK, ...props };
  }

  /**
   * Defines a \`${kind}\` object.
   *
   * @param scope the scope in which to define this object
   * @param id a scope-local name for the object
   * @param props the object's metadata and spec
   */
  public constructor(scope: Construct, id: string, props: ${kind}Props${propsDefault}) {
    super(scope, id, { ...${kind}.GVK, ...props });
  }
}`);
    const metadata = `${docComment(['The object\'s metadata; cdk8s names it after the construct path unless `name` is given.', '', `@schema ${kind}.metadata`], '  ')}\n  readonly metadata?: ApiObjectMetadata;`;
    this.claim(`${kind}Props`, `${kind} props`);
    // the props go before the spec's structs, which typeOf appends
    const props = { text: '' };
    this.blocks.push(props);
    const fields = [metadata];
    if (spec) {
      const specType = this.typeOf(spec, `${kind}Spec`, `${kind}.spec`);
      fields.push(`${docComment([spec.description ? prose(spec.description) : `The ${kind}'s spec.`, '', `@schema ${kind}.spec`], '  ')}\n  readonly spec${specRequired ? '' : '?'}: ${specType};`);
    }
    props.text = `${docComment([`Properties for \`${kind}\`.`, '', `@schema ${kind}`], '')}\nexport interface ${kind}Props {\n${fields.join('\n\n')}\n}`;
  }

  render(sources) {
    return [
      `// Generated by scripts/import.js from ${sources.join(' and ')}; do not edit.`,
      '/* eslint-disable max-len */',
      "import { ApiObject, ApiObjectMetadata, GroupVersionKind } from 'cdk8s';",
      "import { Construct } from 'constructs';",
      '',
      ...this.blocks.map(b => (typeof b === 'string' ? b : b.text) + '\n'),
    ].join('\n');
  }
}

const writers = new Map();
const sourcesOf = new Map();
for (const bundle of loadBundles(TOOL)) {
  const crds = [...bundle.crds].sort((a, b) => `${a.spec.group}/${a.spec.names.kind}`.localeCompare(`${b.spec.group}/${b.spec.names.kind}`));
  for (const crd of crds) {
    const file = MODULES[crd.spec.group];
    if (!file) fail(`no module for API group '${crd.spec.group}' (${crd.spec.names.kind}); add it to MODULES`);
    if (!writers.has(file)) writers.set(file, new ModuleWriter(file));
    sourcesOf.set(file, new Set([...(sourcesOf.get(file) ?? []), bundle.name]));
    writers.get(file).kind(crd, chooseVersion(crd));
  }
}

const files = new Map([...writers].map(([file, writer]) => [file, writer.render([...sourcesOf.get(file)])]));
if (check) {
  const current = fs.existsSync(target) ? fs.readdirSync(target).sort() : [];
  const changed = [...files].filter(([f, text]) => !current.includes(f) || fs.readFileSync(path.join(target, f), 'utf8') !== text).map(([f]) => f);
  const extra = current.filter(f => !files.has(f));
  if (changed.length + extra.length > 0) fail(`imports/ differs from the pinned bundles (${[...changed, ...extra].join(', ')}); run 'npm run import' and commit`);
  console.log(`import: imports/ matches the pinned bundles (${files.size} files)`);
} else {
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target);
  for (const [f, text] of files) fs.writeFileSync(path.join(target, f), text);
  console.log(`import: wrote ${[...files.keys()].map(f => `imports/${f}`).join(', ')}`);
}

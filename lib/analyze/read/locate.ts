/**
 * Line numbers of fields, read off a document's text by indentation, without a YAML syntax tree.
 *
 * Findings name the line of the field they are about. Building the full parser's tree for that cost ten
 * times what reading the values did, in every document with a finding. Manifests are block mappings and
 * sequences with plain or quoted keys, whose structure the indentation shows: this walks it. Where the
 * text holds what indentation does not settle (a flow collection over several lines, anchors, tags,
 * explicit keys, tabs), it answers `undefined` and the caller asks the full parser; a test holds the two
 * to the same line on every path of every document of the reference configurations.
 */

/** A node's place: the line it starts on (0-based in the document) and its column there. */
interface At {
  readonly line: number;
  readonly column: number;
}

/** Lines of one document, with what the walk needs of each. */
class Lines {
  public readonly text: string[];
  /** Column of the first character that is not a space; -1 for a blank or comment line. */
  public readonly indent: number[];

  public constructor(text: string) {
    this.text = text.split('\n');
    this.indent = this.text.map(l => {
      const c = l.search(/[^ ]/);
      return c < 0 || l[c] === '#' || l[c] === '\r' ? -1 : c;
    });
  }

  /** The first content line after `line`, or -1. */
  public next(line: number): number {
    for (let i = line + 1; i < this.text.length; i++) {
      if (this.indent[i] >= 0) return i;
    }
    return -1;
  }
}

/** Why the walk stops: the full parser must judge this document. */
class Unsure extends Error {}

const UNSURE = new Unsure();

/** Whether a block sequence's `-` stands at `column`. */
function dash(l: string, column: number): boolean {
  const after = l[column + 1];
  return l[column] === '-' && (after === undefined || after === ' ' || after === '\r');
}

/** A character that starts what only the full parser places: a tag, an anchor, an alias, an explicit key. */
function props(c: string | undefined): boolean {
  return c === '!' || c === '&' || c === '*' || c === '?' || c === '%';
}

/**
 * Lines of the fields of one document: `line(value, path)` is the 1-based line in the file of the field at
 * `path` of the document whose value is `value`, or of its closest present ancestor; `undefined` when the
 * text needs the full parser.
 */
export class IndentLocator {
  private lines?: Lines;

  /** `firstLine`: the line in the file of the text's first line. */
  public constructor(private readonly text: string, private readonly firstLine: number) {}

  public line(value: unknown, path: readonly (string | number)[]): number | undefined {
    // a tab may indent nothing in YAML, but where one stands the columns no longer say the structure
    if (this.text.includes('\t')) return undefined;
    this.lines ??= new Lines(this.text);
    let present = 0;
    let node: unknown = value;
    for (const key of path) {
      if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) break;
      node = (node as any)[key];
      present++;
    }
    try {
      let at = root(this.lines);
      if (!at) return undefined;
      for (let i = 0; i < present; i++) {
        at = child(this.lines, at, path[i]);
      }
      return at.line + this.firstLine;
    } catch (e) {
      if (e instanceof Unsure) return undefined;
      throw e;
    }
  }
}

/** Where the document's content starts: its first content line, after any `---` marker line. */
function root(lines: Lines): At | undefined {
  for (let i = 0; i < lines.text.length; i++) {
    if (lines.indent[i] < 0) continue;
    const l = lines.text[i];
    if (/^---(\s|$)/.test(l)) {
      if (l.slice(3).trim() !== '' && !l.slice(3).trim().startsWith('#')) return undefined;
      continue;
    }
    if (l.startsWith('%')) return undefined;
    return { line: i, column: lines.indent[i] };
  }
  return undefined;
}

/** The node of `key` inside the (present) node at `at`. */
function child(lines: Lines, at: At, key: string | number): At {
  const l = lines.text[at.line];
  const c = l[at.column];
  if (c === '{' || c === '[') {
    // every node inside a one-line flow collection is on its line
    if (flowEnd(l, at.column) < 0) throw UNSURE;
    return at;
  }
  if (props(c)) throw UNSURE;
  if (dash(l, at.column)) {
    if (typeof key !== 'number') throw UNSURE;
    return item(lines, at, key);
  }
  return entry(lines, at, String(key));
}

/** Item `index` of the block sequence whose first `-` is at `at`. */
function item(lines: Lines, at: At, index: number): At {
  let line = at.line;
  for (let n = 0; ; n++) {
    if (n === index) return itemContent(lines, { line, column: at.column });
    let next = lines.next(line);
    while (next >= 0 && lines.indent[next] > at.column) next = lines.next(next);
    if (next < 0 || lines.indent[next] !== at.column || lines.text[next][at.column] !== '-') throw UNSURE;
    line = next;
  }
}

/** Where the content of the sequence item whose `-` is at `dash` starts. */
function itemContent(lines: Lines, dash: At): At {
  const l = lines.text[dash.line];
  const rest = l.slice(dash.column + 1);
  const offset = rest.search(/[^ ]/);
  if (offset >= 0 && rest[offset] !== '#' && rest[offset] !== '\r') {
    return { line: dash.line, column: dash.column + 1 + offset };
  }
  const next = lines.next(dash.line);
  if (next < 0 || lines.indent[next] <= dash.column) throw UNSURE;
  return { line: next, column: lines.indent[next] };
}

/** The value of `key` in the block mapping whose first key is at `at`. */
function entry(lines: Lines, at: At, key: string): At {
  let line = at.line;
  let column = at.column;
  for (;;) {
    const parsed = mappingKey(lines.text[line], column);
    if (parsed.key === key) return value(lines, { line, column: parsed.end }, at.column);
    // deeper lines are this entry's value; so is a sequence at the key's own indentation
    let next = lines.next(line);
    while (next >= 0 && (lines.indent[next] > at.column || lines.indent[next] === at.column && dash(lines.text[next], at.column))) {
      next = lines.next(next);
    }
    if (next < 0 || lines.indent[next] !== at.column) throw UNSURE;
    line = next;
    column = at.column;
  }
}

/** Where the value after a key's `:` (at `after`) starts, in a mapping indented `indent`. */
function value(lines: Lines, after: At, indent: number): At {
  const l = lines.text[after.line];
  const rest = l.slice(after.column);
  const offset = rest.search(/[^ ]/);
  if (offset >= 0 && rest[offset] !== '#' && rest[offset] !== '\r') {
    const c = rest[offset];
    if (props(c)) throw UNSURE;
    return { line: after.line, column: after.column + offset };
  }
  const next = lines.next(after.line);
  if (next >= 0 && (lines.indent[next] > indent
    || lines.indent[next] === indent && dash(lines.text[next], indent))) {
    return { line: next, column: lines.indent[next] };
  }
  // an empty value: the full parser places it after the colon, on the key's line
  return after;
}

/** The key that starts at `column` of a mapping line, and the column after its `:`. */
function mappingKey(l: string, column: number): { key: string; end: number } {
  const c = l[column];
  if (props(c) || c === '{' || c === '[' || c === '-' && l[column + 1] === ' ') throw UNSURE;
  let i = column;
  let key: string;
  if (c === '"' || c === '\'') {
    const close = quoteEnd(l, column);
    if (close < 0) throw UNSURE;
    const raw = l.slice(column + 1, close);
    if (c === '"' && raw.includes('\\')) throw UNSURE;
    key = c === '\'' ? raw.replace(/''/g, '\'') : raw;
    i = close + 1;
    while (l[i] === ' ') i++;
    if (l[i] !== ':') throw UNSURE;
  } else {
    for (; i < l.length; i++) {
      if (l[i] === ':' && (i + 1 === l.length || l[i + 1] === ' ' || l[i + 1] === '\r')) break;
      if (l[i] === '#' && l[i - 1] === ' ') throw UNSURE;
    }
    if (i === l.length) throw UNSURE;
    key = l.slice(column, i).trimEnd();
  }
  return { key, end: i + 1 };
}

/** The column of the quote that closes the one at `open`, or -1. */
function quoteEnd(l: string, open: number): number {
  const q = l[open];
  for (let i = open + 1; i < l.length; i++) {
    if (q === '"' && l[i] === '\\') {
      i++;
    } else if (l[i] === q) {
      if (q === '\'' && l[i + 1] === '\'') {
        i++;
      } else {
        return i;
      }
    }
  }
  return -1;
}

/** The column after the flow collection that opens at `open`, when it closes on its line; else -1. */
function flowEnd(l: string, open: number): number {
  let depth = 0;
  for (let i = open; i < l.length; i++) {
    const c = l[i];
    if ((c === '"' || c === '\'') && /[[{,:]$/.test(l.slice(open, i).trimEnd())) {
      const close = quoteEnd(l, i);
      if (close < 0) return -1;
      i = close;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    } else if (c === '#' && l[i - 1] === ' ') {
      return -1;
    }
  }
  return -1;
}

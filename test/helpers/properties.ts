/**
 * Shared pieces of the property-based tests (`test/unit/properties-*.test.ts`): the contract every
 * diagnostic must meet, and arbitraries that produce text shaped like what authors write, so the
 * parsers are exercised past their first syntax error.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { expect } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.ts';
import { RULES } from '../../src/core/rules.ts';

/**
 * Runs per property, scaled by `PROPERTY_RUNS` (e.g. `PROPERTY_RUNS=20 npx vitest run
 * test/unit/properties`) for a longer hunt than the quick default.
 */
export const runs = (count: number): number => Math.max(1, Math.round(count * (Number(process.env['PROPERTY_RUNS']) || 1)));

/**
 * An upper bound on the lines of a text: every character some tool treats as a line break counts
 * (`\n`, `\r`, U+2028, U+2029), so a diagnostic past it points at no line at all.
 */
export const lineCount = (text: string): number => text.split(/\r\n|[\n\r\u2028\u2029]/).length;

/**
 * The contract of a diagnostic: a registered rule, a file, a 1-based line and column (within the
 * file when `maxLine` is given), a message and a hint saying what to write instead.
 */
export function expectWellFormed(diagnostics: readonly Diagnostic[], options: { file?: string | RegExp; maxLine?: number } = {}): void {
  expect(Array.isArray(diagnostics)).toBe(true);
  for (const d of diagnostics) {
    const shown = JSON.stringify(d);
    expect(Object.hasOwn(RULES, d.rule), `unregistered rule in ${shown}`).toBe(true);
    expect(['error', 'warning'], `severity of ${shown}`).toContain(d.severity);
    expect(typeof d.file === 'string' && d.file !== '', `file of ${shown}`).toBe(true);
    if (typeof options.file === 'string') expect(d.file, `file of ${shown}`).toBe(options.file);
    if (options.file instanceof RegExp) expect(d.file, `file of ${shown}`).toMatch(options.file);
    expect(Number.isInteger(d.line) && d.line >= 1, `line of ${shown}`).toBe(true);
    expect(Number.isInteger(d.column) && d.column >= 1, `column of ${shown}`).toBe(true);
    if (options.maxLine !== undefined) expect(d.line, `line of ${shown} is past the end of the file`).toBeLessThanOrEqual(options.maxLine);
    expect(typeof d.message === 'string' && d.message.trim() !== '', `message of ${shown}`).toBe(true);
    expect(typeof d.hint === 'string' && d.hint.trim() !== '', `hint of ${shown}`).toBe(true);
  }
}

/** Characters that carry meaning in YAML, Markdown, JSON or Mermaid, to bias random text towards syntax. */
const SYNTAX = [...':-?[]{},&*!|>\'"%@`#\\/<=~^.()$;+_', ' ', '  ', '\t', '\n', '\n', '\r\n', '\r', '\u00a0', '\ufeff', '\u2028', '\0', 'é', '😀'];

/** Random text: plain, full Unicode (lone surrogates included), and biased towards syntax characters. */
export const anyText = (maxLength = 200): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: fc.oneof(fc.constantFrom(...SYNTAX), fc.constantFrom(...'abcxyz019AZ')), maxLength }),
  );

/** A JSON-like value whose keys and strings look like spec content, including keys that are special to JavaScript. */
export const jsonLike = (depth = 3): fc.Arbitrary<unknown> => {
  const key = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('id', 'title', 'name', 'type', 'description', 'status', 'target', 'items', 'value', 'x-ext', '$ref') },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', '', '0', '200', 'a b', 'a: b', '- x', '#c', '&a', '*a', 'null', 'true') },
    { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  );
  const leaf = fc.oneof(
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e21, '', ' ', 'yes', 'no', '~', 'null', '3.1.0', '2.0', '0x1F', '1e3', '*a', '&a', '- x', 'a: b', '#c', '---', '...'),
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: depth },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 5, noNullPrototype: true }),
    ),
  }));
  return value;
};

/** Ways YAML can be written for the same value: block or flow style, indentation, quoting. */
const yamlStyle = fc.record({
  indent: fc.integer({ min: 1, max: 4 }),
  collectionStyle: fc.constantFrom('any', 'block', 'flow'),
  quote: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'),
});

/** Serialises a value as YAML in a random style. */
export const toYamlText = (value: unknown): fc.Arbitrary<string> =>
  yamlStyle.map(({ indent, collectionStyle, quote }) => {
    try {
      return stringify(value, {
        indent,
        collectionStyle,
        defaultStringType: quote,
        defaultKeyType: 'PLAIN',
        aliasDuplicateObjects: false,
        lineWidth: 0,
      });
    } catch {
      // The yaml library refuses a few values (a key of `__proto__` in some versions): fall back to JSON, which is YAML too.
      return JSON.stringify(value) ?? 'null';
    }
  });

/**
 * Text edits that make realistic mistakes: a file cut short, a tab used for indentation, a line
 * written twice (a duplicate key), a line indented wrongly, anchors and aliases (also undefined
 * ones), stray syntax characters, Windows line ends and a byte order mark.
 */
export type Mutation = { kind: (typeof MUTATIONS)[number]; at: number; amount: number; text: string };
const MUTATIONS = ['truncate', 'tab', 'duplicate-line', 'indent', 'dedent', 'anchor-alias', 'undefined-alias', 'insert', 'crlf', 'bom', 'delete-line'] as const;

export const mutations = (maxLength = 3): fc.Arbitrary<Mutation[]> =>
  fc.array(
    fc.record({
      kind: fc.constantFrom(...MUTATIONS),
      at: fc.nat(),
      amount: fc.integer({ min: 1, max: 6 }),
      text: fc.oneof(fc.constantFrom(':', '- ', '? ', '{', '}', '[', ']', '"', "'", '|', '>', '#', '&x ', '*x', '!!binary ', '!!str ', '<<: *x', '---', '...', '%YAML 1.2', '@'), anyText(6)),
    }),
    { maxLength },
  );

export function applyMutations(text: string, list: readonly Mutation[]): string {
  let out = text;
  for (const m of list) {
    const lines = out.split('\n');
    const line = m.at % lines.length;
    const position = out.length === 0 ? 0 : m.at % (out.length + 1);
    switch (m.kind) {
      case 'truncate':
        out = out.slice(0, position);
        break;
      case 'tab':
        lines[line] = `\t${lines[line]}`;
        out = lines.join('\n');
        break;
      case 'duplicate-line':
        lines.splice(line, 0, lines[line] ?? '');
        out = lines.join('\n');
        break;
      case 'indent':
        lines[line] = ' '.repeat(m.amount) + lines[line];
        out = lines.join('\n');
        break;
      case 'dedent':
        lines[line] = (lines[line] ?? '').replace(new RegExp(`^ {1,${m.amount}}`), '');
        out = lines.join('\n');
        break;
      case 'anchor-alias': {
        // Anchor one value and refer to it from another line: `key: &a value` … `other: *a`.
        const from = lines.findIndex((l, i) => i >= line && /:\s+\S/.test(l));
        if (from < 0) break;
        lines[from] = lines[from]!.replace(/:(\s+)/, ':$1&a ');
        const to = (from + m.amount) % lines.length;
        lines[to] = (lines[to] ?? '').replace(/:(\s+)\S.*$/, ':$1*a');
        out = lines.join('\n');
        break;
      }
      case 'undefined-alias':
        lines[line] = (lines[line] ?? '').replace(/:(\s+)\S.*$/, ':$1*nowhere');
        out = lines.join('\n');
        break;
      case 'insert':
        out = out.slice(0, position) + m.text + out.slice(position);
        break;
      case 'crlf':
        out = out.replace(/\n/g, '\r\n');
        break;
      case 'bom':
        out = `\ufeff${out}`;
        break;
      case 'delete-line':
        lines.splice(line, 1);
        out = lines.join('\n');
        break;
    }
  }
  return out;
}

/** A value written as YAML, then possibly damaged. */
export const yamlOf = (value: fc.Arbitrary<unknown>, maxMutations = 3): fc.Arbitrary<string> =>
  fc.tuple(value.chain(toYamlText), mutations(maxMutations)).map(([text, list]) => applyMutations(text, list));

/** Every path to a value inside `root`, root first, in a stable order. */
export function pathsOf(root: unknown): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  const walk = (node: unknown, at: Array<string | number>) => {
    out.push(at);
    if (Array.isArray(node)) node.forEach((child, i) => walk(child, [...at, i]));
    else if (typeof node === 'object' && node !== null) for (const [k, v] of Object.entries(node)) walk(v, [...at, k]);
  };
  walk(root, []);
  return out;
}

/**
 * One structural edit of a JSON value: replace the value at a path, or delete it; or, with
 * `field`, set that field on an object (so edits reach the fields a reader looks for).
 */
export type Edit = { at: number; replacement: unknown; remove: boolean; field: string | null };
export const edits = (maxLength = 4, replacement: fc.Arbitrary<unknown> = jsonLike(2), fields: readonly string[] = []): fc.Arbitrary<Edit[]> =>
  fc.array(
    fc.record({
      at: fc.nat(),
      replacement,
      remove: fc.nat(4).map((n) => n === 0),
      // Given fields, three edits in four set one of them.
      field: fields.length > 0 ? fc.option(fc.constantFrom(...fields), { freq: 4 }) : fc.constant(null),
    }),
    { maxLength },
  );

/** Applies structural edits to a copy of `value` (which must be JSON-serialisable). */
export function applyEdits(value: unknown, list: readonly Edit[]): unknown {
  let root = structuredClone(value);
  for (const edit of list) {
    if (edit.field !== null) {
      const objects = pathsOf(root).filter((p) => isObject(valueAt(root, p)));
      const target = objects.length > 0 ? (valueAt(root, objects[edit.at % objects.length]!) as Record<string, unknown>) : undefined;
      if (target && edit.remove) delete target[edit.field];
      else if (target) target[edit.field] = structuredClone(edit.replacement);
      continue;
    }
    const paths = pathsOf(root);
    const at = paths[edit.at % paths.length]!;
    if (at.length === 0) {
      root = structuredClone(edit.replacement);
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = at.at(-1)!;
    if (edit.remove && Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (edit.remove) delete parent[last];
    else parent[last] = structuredClone(edit.replacement);
  }
  return root;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a path of `root`. */
export function valueAt(root: unknown, at: ReadonlyArray<string | number>): unknown {
  let node = root;
  for (const key of at) node = (node as Record<string | number, unknown> | undefined)?.[key];
  return node;
}

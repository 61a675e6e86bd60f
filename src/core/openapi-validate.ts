/**
 * Schema validation of a bundled contract with `@scalar/openapi-parser`, and the translation of
 * its errors into diagnostics that point at the file and line to change, with a hint.
 *
 * Bundled files sit under `x-ext`, where the OpenAPI schema allows anything (it is an extension),
 * so they would go unchecked. The validator therefore sees a view in which each reference into
 * `x-ext` is replaced by its target (as a schema, a path item, …, wherever it is used), and its
 * errors are mapped back through those replacements to the file the content came from.
 */
import { validate } from '@scalar/openapi-parser';
import { problem, type Diagnostic } from './diagnostics.ts';
import { isRecord, resolvePointer } from './json-pointer.ts';
import type { Segment } from './json-position.ts';
import { EXTERNAL_KEY, type Bundle } from './openapi-refs.ts';
import { openapiRules } from './openapi-rules.ts';
import type { SourceFile } from './openapi-source.ts';

/** Reference errors are the bundler's business; it reports them with their line. */
const REFERENCE_CODES = new Set(['INVALID_REFERENCE', 'EXTERNAL_REFERENCE_NOT_FOUND', 'SELF_REFERENCE']);

/**
 * Validates `document` (bundled, not upgraded, so errors match what the author wrote) and
 * returns one diagnostic per error. Never throws.
 */
export async function validateBundle(document: Record<string, unknown>, version: string, bundle: Bundle): Promise<Diagnostic[]> {
  const { view, toDocumentPath } = validationView(document, bundle);
  const diagnostics: Diagnostic[] = [];
  const at = (documentPath: readonly Segment[], key = false) => {
    const { source, path: raw } = bundle.origin(documentPath);
    const path = typed(source.value, raw);
    return { source, path, place: key ? source.locateKey(path) : source.locate(path) };
  };

  // The parser fills in a missing `info.version` (it is lenient on purpose) by writing to the
  // document; give it a copy of `info`, and report the omission as the specification requires.
  const info = view['info'];
  if (isRecord(info) && typeof info['version'] !== 'string') {
    if (info['version'] === undefined) {
      const where = at(['info'], true);
      diagnostics.push(invalid(where.source, where.place, 'info is missing the required field "version".',
        'Add `version:` with the version of the API (not of OpenAPI), e.g. `version: 1.0.0`.'));
    } else {
      const where = at(['info', 'version']);
      diagnostics.push(invalid(where.source, where.place, 'info.version must be a string.',
        'Quote the version so YAML does not read it as a number, e.g. `version: "1.0"`.'));
    }
    view['info'] = { ...info };
  }

  let errors: Array<{ message: string; path?: string | string[]; code?: string }>;
  try {
    errors = (await validate(view)).errors ?? [];
  } catch (error) {
    return [...diagnostics, invalid(bundle.origin([]).source, { line: 1, column: 1 }, `The contract could not be validated: ${(error as Error).message}`, 'Check that the file is a complete OpenAPI document.')];
  }

  for (const error of errors) {
    if (error.code && REFERENCE_CODES.has(error.code)) {
      const reported = referenceFallback(error.message, bundle);
      if (reported) diagnostics.push(reported);
      continue;
    }
    const viewPath = typeof error.path === 'string' ? fromPointer(error.path) : (error.path ?? []);
    const explained = explain(error.message, version);
    const documentPath = toDocumentPath(explained.property === undefined ? viewPath : [...viewPath, explained.property]);
    // Point at the key that names the offending object (`get:`), not at the first line inside it.
    const where = at(documentPath, explained.property !== undefined || explained.atKey === true);
    const subject = display(explained.property === undefined ? where.path : where.path.slice(0, -1));
    diagnostics.push(invalid(where.source, where.place, explained.message(subject), explained.hint(subject)));
  }

  // The same message at the same place (the validator can repeat itself): report it once.
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The document with references into `x-ext` replaced by their targets, copied only along the
 * paths that lead to such references (the rest is shared, so large single-file contracts cost
 * nothing). Each target is expanded once, at its first use: that checks it in context, keeps the
 * cost linear however often it is reused, and leaves recursive schemas as references.
 */
function validationView(document: Record<string, unknown>, bundle: Bundle): { view: Record<string, unknown>; toDocumentPath(path: readonly Segment[]): Segment[] } {
  const prefix = `#/${EXTERNAL_KEY}/`;
  const external = bundle.sites.filter((s) => s.status === 'ok' && String(s.node['$ref']).startsWith(prefix));
  if (external.length === 0) return { view: { ...document }, toDocumentPath: (path) => [...path] };

  const keyOf = (path: readonly Segment[]) => path.join('\0');
  // Document paths that lead to a reference into `x-ext`: only those are copied.
  const leading = new Set<string>();
  for (const site of external) {
    for (let length = 0; length <= site.documentPath.length; length++) leading.add(keyOf(site.documentPath.slice(0, length)));
  }
  const expanded = new Set<string>(); // document paths of targets already expanded
  const replaced = new Map<string, Segment[]>(); // view path → document path of what replaced it

  const copy = (node: unknown, viewPath: Segment[], documentPath: Segment[]): unknown => {
    if (typeof node !== 'object' || node === null || !leading.has(keyOf(documentPath))) return node;
    const ref = isRecord(node) ? node['$ref'] : undefined;
    if (typeof ref === 'string' && ref.startsWith(prefix)) {
      const target = resolvePointer(document, ref);
      if (target.ok && !expanded.has(keyOf(target.path))) {
        expanded.add(keyOf(target.path));
        replaced.set(keyOf(viewPath), target.path);
        return copy(target.value, viewPath, target.path);
      }
      return node;
    }
    if (Array.isArray(node)) return node.map((item, index) => copy(item, [...viewPath, index], [...documentPath, index]));
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] = viewPath.length === 0 && key === EXTERNAL_KEY ? value : copy(value, [...viewPath, key], [...documentPath, key]);
    }
    return out;
  };

  const view = copy(document, [], []) as Record<string, unknown>;
  return {
    view: view === document ? { ...document } : view,
    toDocumentPath: (path) => {
      for (let length = path.length; length >= 0; length--) {
        const target = replaced.get(keyOf(path.slice(0, length)));
        if (target) return [...target, ...path.slice(length)];
      }
      return [...path];
    },
  };
}

/** A reference error the bundler did not report (it should have): report it at the reference. */
function referenceFallback(message: string, bundle: Bundle): Diagnostic | undefined {
  const ref = message.slice(message.indexOf(': ') + 2);
  // The validator names external references without their fragment.
  const sites = bundle.sites.filter((s) => s.node['$ref'] === ref || s.written === ref || s.written.split('#')[0] === ref);
  if (sites.some((s) => s.status !== 'ok')) return undefined;
  const site = sites[0];
  const source = site?.source ?? bundle.origin([]).source;
  return problem(openapiRules, 'openapi/ref-unresolved', { file: source.file, ...(site ? source.locate([...site.path, '$ref']) : {}) },
    `$ref "${site?.written ?? ref}" cannot be resolved: ${message}`, 'Point the reference at an existing definition.');
}

const invalid = (source: SourceFile, place: { line: number; column: number }, message: string, hint: string) =>
  problem(openapiRules, 'openapi/invalid', { file: source.file, ...place }, message, hint);

interface Explained {
  /** For "not expected here" errors: the offending key, which is what to point at. */
  property?: string;
  /** The error concerns the object as a whole (a field is missing): point at its key. */
  atKey?: boolean;
  message(subject: string): string;
  hint(subject: string): string;
}

/** Words the validator's (already prettified) messages as a problem and a fix. */
function explain(text: string, version: string): Explained {
  const spec = `OpenAPI ${version === '2.0' ? 'Swagger 2.0' : version}`;
  let match: RegExpExecArray | null;
  if ((match = /^must have required property '(.+)'$/.exec(text))) {
    const field = match[1]!;
    return {
      atKey: true,
      message: (s) => `${cap(s)} is missing the required field "${field}".`,
      hint: (s) => `Add \`${field}:\` to ${s}${REQUIRED_EXAMPLES[field] ? `, e.g. ${REQUIRED_EXAMPLES[field]}` : ''}.`,
    };
  }
  if ((match = /^Property (.+) is not expected to be here$/.exec(text))) {
    const property = match[1]!;
    return {
      property,
      message: (s) => `"${property}" is not allowed in ${s}.`,
      hint: () => `Remove \`${property}\`, or fix its spelling or indentation; custom fields must start with \`x-\`.`,
    };
  }
  if ((match = /^type must be (\w+)$/.exec(text))) {
    const type = match[1]!;
    const article = /^[aeiou]/.test(type) ? 'an' : 'a';
    return {
      message: (s) => `${cap(s)} must be ${article} ${type}.`,
      hint: () => `Write ${article} ${type} here${type === 'string' ? ' (in YAML, quote values that look like numbers, dates or booleans)' : ''}.`,
    };
  }
  if ((match = /^must be equal to one of the allowed values: (.+)$/.exec(text))) {
    const values = match[1]!;
    return { message: (s) => `${cap(s)} must be one of: ${values}.`, hint: () => `Write one of: ${values}.` };
  }
  if ((match = /^Property "(.+)" must match pattern (.+)$/.exec(text))) {
    const pattern = match[2]!;
    return {
      message: (s) => `${cap(s)} does not match the pattern ${pattern}.`,
      hint: (s) => s === 'openapi' ? 'Write the full version, e.g. `openapi: 3.1.0`.' : `Write a value matching ${pattern}.`,
    };
  }
  if ((match = /^format must match format "(.+)"$/.exec(text))) {
    const format = match[1]!;
    return { message: (s) => `${cap(s)} is not a valid ${format}.`, hint: () => `Write a valid ${format} here.` };
  }
  if (/^Declared path parameter/.test(text)) {
    return {
      atKey: true,
      message: (s) => `${cap(s)}: ${text}.`,
      hint: () => 'Declare the parameter under `parameters` (of the path or of the operation) with `in: path` and `required: true`, or remove it from the path.',
    };
  }
  return {
    message: (s) => `${cap(s)}: ${text.replace(/\.$/, '')}.`,
    hint: (s) => `Change ${s} so it follows the ${spec} specification.`,
  };
}

const REQUIRED_EXAMPLES: Record<string, string> = {
  responses: "`responses: {'200': {description: OK}}`",
  description: '`description: The order was created.`',
  info: '`info: {title: Orders API, version: 1.0.0}`',
  title: '`title: Orders API`',
  paths: '`paths: {}`',
  name: '`name: orderId`',
  in: '`in: query`',
  required: '`required: true`',
  schema: '`schema: {type: string}`',
  type: '`type: string`',
};

/** `paths["/orders"].get.responses["200"]`: a path as a reader finds it in the file. */
function display(path: readonly Segment[]): string {
  if (path.length === 0) return 'the document';
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (/^[A-Za-z_$][\w$-]*$/.test(segment)) return index === 0 ? segment : `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');
}

/** "the document" starts a sentence as "The document"; code paths stay as written. */
const cap = (subject: string) => (subject === 'the document' ? 'The document' : subject);

/** Array indexes as numbers (validators report `"0"`), so they read `parameters[0]`, not `parameters["0"]`. */
function typed(root: unknown, path: readonly Segment[]): Segment[] {
  let node = root;
  return path.map((segment) => {
    const index = Array.isArray(node) && /^(0|[1-9]\d*)$/.test(String(segment)) ? Number(segment) : segment;
    node = Array.isArray(node) ? node[Number(index)] : isRecord(node) ? node[String(segment)] : undefined;
    return index;
  });
}

/** Segments of a plain JSON pointer (`/paths/~1orders/get`), as validators report paths. */
const fromPointer = (pointer: string): string[] =>
  pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));

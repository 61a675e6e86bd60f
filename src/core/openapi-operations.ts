/**
 * The operations of a contract, summarised for the portal: one per path × method, with a stable
 * ID, the responses it declares and whether security applies. Also checks operation IDs, which
 * the portal's `op:` references rely on.
 */
import { problem, type Diagnostic } from './diagnostics.ts';
import { isRecord, resolvePointer } from './json-pointer.ts';
import type { Segment } from './json-position.ts';
import type { Operation } from './model.ts';
import type { Bundle } from './openapi-refs.ts';
import { openapiRules } from './openapi-rules.ts';
import type { SourceFile } from './openapi-source.ts';

/** The HTTP methods a path item can hold, in the order the specification lists them. */
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Found {
  operation: Operation;
  /** Where the operation is written (the contract, or a file holding a referenced path item). */
  source: SourceFile;
  path: Segment[];
}

/**
 * Lists the operations of `document` (the published, 3.x form). `entry` is the contract file;
 * `bundle` maps document paths back to the files they were written in.
 */
export function summariseOperations(document: Record<string, unknown>, entry: SourceFile, bundle: Bundle): { operations: Operation[]; diagnostics: Diagnostic[] } {
  const found: Found[] = [];
  const paths = isRecord(document['paths']) ? document['paths'] : {};
  const globalSecurity = document['security'];

  for (const [route, raw] of Object.entries(paths)) {
    if (route.startsWith('x-')) continue;
    let item = raw;
    let itemPath: Segment[] = ['paths', route];
    // A path item may be a reference (often to a file of its own): list what it points at.
    const ref = isRecord(raw) ? raw['$ref'] : undefined;
    if (typeof ref === 'string') {
      const target = resolvePointer(document, ref);
      if (!target.ok) continue; // reported by the bundler
      item = target.value;
      itemPath = target.path;
    }
    if (!isRecord(item)) continue;
    // In the order they are written, which is the order their authors meant them to be read in.
    for (const method of Object.keys(item).filter(isMethod)) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const { source, path } = bundle.origin([...itemPath, method]);
      // Operations written in another file are listed at the line of the contract that pulls them in.
      const line = source === entry ? source.locateKey(path).line : entry.locate(['paths', route, '$ref']).line;
      const security = Array.isArray(operation['security']) ? operation['security'] : Array.isArray(globalSecurity) ? globalSecurity : [];
      const responses = isRecord(operation['responses']) ? Object.keys(operation['responses']).filter((code) => !code.startsWith('x-')) : [];
      const id = operation['operationId'];
      found.push({
        source,
        path,
        operation: {
          operationId: typeof id === 'string' ? id.trim() : '',
          derivedId: !(typeof id === 'string' && id.trim() !== ''),
          method: method.toUpperCase(),
          path: route,
          summary: text(operation['summary']),
          description: text(operation['description']),
          tags: Array.isArray(operation['tags']) ? operation['tags'].filter((t): t is string => typeof t === 'string') : [],
          deprecated: operation['deprecated'] === true,
          responses,
          hasErrorResponse: responses.some((code) => /^([45](\d\d|XX)|default)$/i.test(code)),
          // `{}` among the requirements means "or anonymously": security then does not apply.
          secured: security.length > 0 && security.every((requirement) => isRecord(requirement) && Object.keys(requirement).length > 0),
          // `security: []` on the operation itself: public on purpose, not forgotten.
          declaredPublic: Array.isArray(operation['security']) && operation['security'].length === 0,
          line,
        },
      });
    }
  }

  return { operations: found.map((f) => f.operation), diagnostics: [...deriveIds(found), ...duplicates(found)] };
}

const isMethod = (key: string): key is (typeof METHODS)[number] => (METHODS as readonly string[]).includes(key);

/** Gives operations without an ID a derived one, unique within the contract, and warns. */
function deriveIds(found: readonly Found[]): Diagnostic[] {
  const taken = new Set(found.filter((f) => !f.operation.derivedId).map((f) => f.operation.operationId));
  const diagnostics: Diagnostic[] = [];
  for (const { operation, source, path } of found.filter((f) => f.operation.derivedId)) {
    const base = `${operation.method.toLowerCase()}-${slug(operation.path)}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    operation.operationId = id;
    diagnostics.push(
      problem(openapiRules, 'openapi/missing-operation-id', { file: source.file, ...source.locateKey(path) },
        `${operation.method} ${operation.path} has no operationId; it is called "${id}" until it has one.`,
        `Add \`operationId: ${suggestId(operation)}\` (or another unique name) to the operation; references and links use it, and a derived one changes when the path does.`),
    );
  }
  return diagnostics;
}

/** Reports every operation whose explicit ID an earlier operation already uses. */
function duplicates(found: readonly Found[]): Diagnostic[] {
  const first = new Map<string, Found>();
  const diagnostics: Diagnostic[] = [];
  for (const entry of found) {
    if (entry.operation.derivedId) continue;
    const earlier = first.get(entry.operation.operationId);
    if (!earlier) {
      first.set(entry.operation.operationId, entry);
      continue;
    }
    const { source, path, operation } = entry;
    const where = earlier.source === source ? `line ${earlier.source.locate([...earlier.path, 'operationId']).line}` : earlier.source.file;
    diagnostics.push(
      problem(openapiRules, 'openapi/duplicate-operation-id', { file: source.file, ...source.locate([...path, 'operationId']) },
        `operationId "${operation.operationId}" of ${operation.method} ${operation.path} is already used by ${earlier.operation.method} ${earlier.operation.path} (${where}).`,
        `Give each operation its own operationId, e.g. \`operationId: ${suggestId(operation)}\`; \`op:\` references name operations by it.`),
    );
  }
  return diagnostics;
}

/** `/orders/{orderId}` → `orders-orderId`; `/` → `root`. */
function slug(route: string): string {
  return route.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
}

/** `GET /orders/{orderId}` → `getOrdersOrderId`, a camelCase suggestion for the hint. */
function suggestId(operation: Operation): string {
  const words = slug(operation.path).split('-').filter((w) => w !== 'root');
  return operation.method.toLowerCase() + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

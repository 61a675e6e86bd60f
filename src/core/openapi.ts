/**
 * A bundle's OpenAPI contract: parsed, its references checked and bundled, validated against the
 * OpenAPI specification for its version, Swagger 2.0 upgraded, and summarised for the portal.
 *
 * Validation and the 2.0 upgrade come from `@scalar/openapi-parser` (the parser behind the Scalar
 * API reference the portal renders contracts with, so both agree on what a valid document is).
 * Reading referenced files is ours (`openapi-refs.ts`): the policy on what may be read is enforced
 * before anything is, and the library only ever sees a self-contained document.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { upgrade } from '@scalar/openapi-parser';
import { problem, pushAll, type Diagnostic } from './diagnostics.ts';
import { isRecord } from './json-pointer.ts';
import type { Contract } from './model.ts';
import { summariseOperations } from './openapi-operations.ts';
import { bundleRefs, isInside, neutraliseRefs } from './openapi-refs.ts';
import { readText, SIZE_LIMITS } from './read.ts';
import { openapiRules } from './openapi-rules.ts';
import { parseSource, type SourceFile } from './openapi-source.ts';
import { validateBundle } from './openapi-validate.ts';

export { openapiRules } from './openapi-rules.ts';

/** What `parseContract` found. `contract` and `document` are absent when the file cannot be read as OpenAPI at all. */
export interface ContractResult {
  contract?: Contract;
  /** The OpenAPI 3.x document to publish: bundled, self-contained, upgraded from 2.0 if needed. */
  document?: Record<string, unknown>;
  /** Files of the bundle the contract references (relative to the bundle folder), so they count as part of it. */
  files: string[];
  diagnostics: Diagnostic[];
}

/** Where a contract sits, and how large its files may be. */
export interface ContractContext {
  bundleDir: string;
  file: string;
  /** Size limit of the contract and of each file it references; the contract limit of read.ts by default. */
  maxBytes?: number;
}

/** Versions the validator knows, by `major.minor`; the field that declares them. */
const SUPPORTED = { '2.0': 'swagger', '3.0': 'openapi', '3.1': 'openapi', '3.2': 'openapi' } as const;
type Version = keyof typeof SUPPORTED;
const VERSION_HINT =
  'Start the file with `openapi: 3.1.0`. Supported: OpenAPI 3.0.x, 3.1.x and 3.2.x, and Swagger `swagger: "2.0"`, which is upgraded to OpenAPI 3.1.';

/**
 * Parses, checks and summarises one contract.
 *
 * `absFile`: absolute path of the contract file; `bundleDir`: absolute path of the bundle folder
 * (the contract and everything it references must stay inside it); `file`: the contract's path
 * relative to the content root. Diagnostics name `file`, or the content-root path of a referenced
 * file when the problem is written there. Never throws on user input, never reads outside
 * `bundleDir`, never touches the network.
 */
export async function parseContract(absFile: string, ctx: ContractContext): Promise<ContractResult> {
  const maxBytes = ctx.maxBytes ?? SIZE_LIMITS.contract;
  const name = toPosix(path.relative(ctx.bundleDir, absFile));
  // `file` is `<bundle dir>/<name>` relative to the content root; files next to it share the prefix.
  const prefix = ctx.file.endsWith(name) ? ctx.file.slice(0, ctx.file.length - name.length) : '';
  const fail = (rule: keyof typeof openapiRules, message: string, hint: string): ContractResult => ({
    files: [],
    diagnostics: [problem(openapiRules, rule, { file: ctx.file }, message, hint)],
  });

  let realBundle: string;
  let real: string;
  let text: string;
  try {
    [realBundle, real] = await Promise.all([realpath(ctx.bundleDir), realpath(absFile)]);
    if (!isInside(real, realBundle)) {
      return fail('openapi/ref-outside', 'The contract is a link to a file outside the bundle folder; it is not read.', 'Put the contract itself in the bundle instead of linking to it.');
    }
  } catch (error) {
    return fail('openapi/syntax', `The contract could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check that the file exists and is readable.');
  }
  const read = await readText(real, ctx.file, maxBytes);
  if (read.text === undefined) return { files: [], diagnostics: read.diagnostics };
  text = read.text;

  const parsed = parseSource(text, real, ctx.file);
  if (!parsed.source) return { files: [], diagnostics: parsed.diagnostics };
  const entry = parsed.source;
  const version = checkVersion(entry);
  if ('diagnostic' in version) return { files: [], diagnostics: [...parsed.diagnostics, version.diagnostic] };

  const bundle = await bundleRefs(entry, absFile, { bundleDir: ctx.bundleDir, realBundle, fileOf: (relative) => prefix + relative, maxBytes });
  const diagnostics = [...parsed.diagnostics, ...bundle.diagnostics];
  if (!bundle.document) return { files: bundle.files, diagnostics };

  // Validate what the author wrote (before any upgrade), so every error maps to their lines.
  pushAll(diagnostics, await validateBundle(bundle.document, version.version, bundle));
  neutraliseRefs(bundle.sites);

  let document = bundle.document;
  if (version.version === '2.0') {
    try {
      const upgraded = upgrade(document).specification as unknown;
      if (!isRecord(upgraded)) throw new Error('the upgrade produced no document');
      document = upgraded;
    } catch (error) {
      diagnostics.push(problem(openapiRules, 'openapi/invalid', { file: ctx.file }, `The Swagger 2.0 document could not be upgraded to OpenAPI 3: ${(error as Error).message}`, 'Fix the problems reported above, or convert the document to OpenAPI 3.1 yourself.'));
      return { files: bundle.files, diagnostics };
    }
  }
  // The upgrader writes `openapi` last; put it first, where readers look for it.
  document = { openapi: document['openapi'], ...document };

  const { operations, diagnostics: operationDiagnostics } = summariseOperations(document, entry, bundle);
  pushAll(diagnostics, operationDiagnostics);
  const info = isRecord(document['info']) ? document['info'] : {};
  const contract: Contract = {
    file: ctx.file,
    name,
    publicName: publicName(name),
    title: typeof info['title'] === 'string' && info['title'].trim() !== '' ? info['title'] : name,
    version: typeof info['version'] === 'string' || typeof info['version'] === 'number' ? String(info['version']) : '',
    openapi: String(document['openapi'] ?? ''),
    ...(version.version === '2.0' ? { upgradedFrom: '2.0' } : {}),
    operations,
  };
  return { contract, document, files: bundle.files, diagnostics };
}

/** `api/payments.yaml` → `api-payments`: the contract's name in URLs. */
export function publicName(name: string): string {
  return (
    name
      .replace(/\.(ya?ml|json)$/i, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'openapi'
  );
}

/** The declared version, if it is one the validator supports (matched on `major.minor`, as it does). */
function checkVersion(source: SourceFile): { version: Version } | { diagnostic: Diagnostic } {
  const value = source.value;
  const report = (message: string, hint: string, at: string[] = []) => ({
    diagnostic: problem(openapiRules, 'openapi/version', { file: source.file, ...source.locate(at) }, message, hint),
  });
  if (!isRecord(value)) {
    return report(`The file is not an OpenAPI document: it holds ${Array.isArray(value) ? 'a list' : 'a single value'}, not a mapping with an \`openapi\` field.`, VERSION_HINT);
  }
  const field = 'openapi' in value ? 'openapi' : 'swagger' in value ? 'swagger' : undefined;
  if (!field) return report('The document has no `openapi` field, so its OpenAPI version is unknown.', VERSION_HINT);
  const declared = value[field];
  if (typeof declared !== 'string') {
    return report(`\`${field}: ${JSON.stringify(declared)}\` must be a string.`,
      `Quote the version so YAML does not read it as a number: \`${field}: "${field === 'swagger' ? '2.0' : '3.1.0'}"\`.`, [field]);
  }
  const majorMinor = /^(\d+\.\d+)(\.|$|-)/.exec(declared)?.[1];
  if (majorMinor && majorMinor in SUPPORTED && SUPPORTED[majorMinor as Version] === field) return { version: majorMinor as Version };
  return report(`${field === 'swagger' ? 'Swagger' : 'OpenAPI'} version "${declared}" is not supported.`, VERSION_HINT, [field]);
}

const toPosix = (p: string) => p.split(path.sep).join('/');

/**
 * The hostile corpus: broken and hostile content roots, one folder of `test/fixtures/hostile/` per
 * case, each minimal and valid but for its fault, so the diagnostics it must give are exactly known.
 *
 * - In-process, every case gives exactly the diagnostics of its table entry (severity, rule, file,
 *   line; none missing, none extra), each with a hint, and nothing read from outside the content root.
 * - Through the real CLI, every case ends with those diagnostics as JSON, exit code 1 (0 for the
 *   cases that only warn), no stack trace, and every diagnostic with a file and a line.
 * - Copied next to (and below) a secret, the cases that try to leave the content root never print it.
 * - A few cases git cannot hold (a named pipe) or that are too large to commit are built at run time.
 *
 * Each case must end within 10 seconds: a guard against hangs, not a speed goal. Byte-level cases are
 * stored as real bytes (`test/fixtures/hostile/.gitattributes` keeps git from converting them); the
 * links point at `test/fixtures/hostile/_outside/`, which no case's content root contains.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic, Severity } from '../../src/core/diagnostics.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import { loadPortal } from '../../src/core/portal.ts';
import { tempDirs } from '../helpers/temp-dirs.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CORPUS = path.join(ROOT, 'test/fixtures/hostile');
const BIN = path.join(ROOT, 'bin/specport.mjs');
/** What every file under `_outside/` holds; no output may ever show it. */
const OUTSIDE_TOKEN = 'HOSTILE-SECRET-TOKEN';
/** A hang guard per case, not a speed goal: typical cases take well under a second. */
const CASE_LIMIT_MS = 10_000;
/** No output, on either stream, ever shows a stack trace. */
const STACK = /\n\s+at /;

afterAll(closeMermaid);

interface Expected {
  severity: Severity;
  rule: string;
  file: string;
  line: number;
}
const error = (rule: string, file: string, line: number): Expected => ({ severity: 'error', rule, file, line });
const warning = (rule: string, file: string, line: number): Expected => ({ severity: 'warning', rule, file, line });

/**
 * Every case: what it holds, and exactly the diagnostics it gives, sorted as the core sorts them
 * (file, line, column, rule). Files are relative to the case folder, which is the content root and
 * the folder the configuration is read from.
 */
const CASES: Record<string, { about: string; expect: Expected[] }> = {
  'bytes-bom-context': {
    about: 'a UTF-8 byte order mark before a broken flowchart; lines count as written',
    expect: [error('mermaid/syntax', 'checkout/context.mmd', 2)],
  },
  'bytes-bom-nfr': {
    about: 'a byte order mark before nfr.yaml, whose priority is not allowed',
    expect: [error('schema/invalid-value', 'checkout/nfr.yaml', 8)],
  },
  'bytes-bom-openapi-json': {
    about: 'a byte order mark before JSON with a double comma',
    expect: [error('openapi/syntax', 'checkout/openapi.json', 3)],
  },
  'bytes-cr-only-edge-cases': {
    about: 'classic Mac OS line ends (CR only) in edge-cases.yaml, with a bad severity on line 6',
    expect: [error('schema/invalid-value', 'checkout/edge-cases.yaml', 6)],
  },
  'bytes-crlf-feature-md': {
    about: 'Windows line ends in feature.md, with a bad status on line 4',
    expect: [error('schema/invalid-value', 'checkout/feature.md', 4)],
  },
  'bytes-crlf-openapi': {
    about: 'Windows line ends in an OpenAPI 3.0 contract whose operation has no responses',
    expect: [
      warning('consistency/uncovered-operation', 'checkout/openapi.yaml', 7),
      error('openapi/invalid', 'checkout/openapi.yaml', 7),
    ],
  },
  'bytes-crlf-sequence': {
    about: 'Windows line ends in a sequence whose message has no colon',
    expect: [error('mermaid/syntax', 'checkout/sequences/pay.mmd', 3)],
  },
  'bytes-crlf-threats': {
    about: 'Windows line ends in threats.yaml with an unknown STRIDE category',
    expect: [error('schema/invalid-value', 'checkout/threats.yaml', 4)],
  },
  'bytes-gzip-as-openapi': {
    about: 'gzip bytes saved as openapi.yaml',
    expect: [error('file/encoding', 'checkout/openapi.yaml', 1)],
  },
  'bytes-invalid-utf8-story': {
    about: 'a Latin-1 byte in the story of feature.md, on line 10',
    expect: [error('file/encoding', 'checkout/feature.md', 10)],
  },
  'bytes-latin1-nfr': {
    about: 'a Latin-1 "é" in nfr.yaml, on line 4',
    expect: [error('file/encoding', 'checkout/nfr.yaml', 4)],
  },
  'bytes-nul-edge-cases': {
    about: 'a NUL byte inside edge-cases.yaml, on line 3',
    expect: [error('file/encoding', 'checkout/edge-cases.yaml', 3)],
  },
  'bytes-png-as-context': {
    about: 'a PNG image saved as context.mmd',
    expect: [error('file/encoding', 'checkout/context.mmd', 3)],
  },
  'bytes-surrogate-edge-cases': {
    about: 'an encoded UTF-16 surrogate, which UTF-8 forbids, on line 3',
    expect: [error('file/encoding', 'checkout/edge-cases.yaml', 3)],
  },
  'bytes-utf16-threats': {
    about: 'threats.yaml saved as UTF-16 with a byte order mark',
    expect: [error('file/encoding', 'checkout/threats.yaml', 1)],
  },
  'config-syntax': {
    about: 'a config file that is not valid YAML',
    expect: [error('yaml/syntax', 'specport.config.yaml', 2)],
  },
  'empty-comments-only-threats': {
    about: 'a threats.yaml holding only comments',
    expect: [error('yaml/empty', 'checkout/threats.yaml', 1)],
  },
  'empty-data-model': {
    about: 'an empty data-model.mmd (0 bytes)',
    expect: [error('mermaid/empty', 'checkout/data-model.mmd', 1)],
  },
  'empty-feature-md': {
    about: 'an empty feature.md (0 bytes)',
    expect: [error('feature/no-frontmatter', 'checkout/feature.md', 1)],
  },
  'empty-nfr': {
    about: 'an empty nfr.yaml (0 bytes)',
    expect: [error('yaml/empty', 'checkout/nfr.yaml', 1)],
  },
  'empty-openapi-json': {
    about: 'an empty openapi.json (0 bytes)',
    expect: [error('openapi/syntax', 'checkout/openapi.json', 1)],
  },
  'feature-frontmatter-empty': {
    about: 'feature.md with an empty frontmatter block',
    expect: [error('feature/no-frontmatter', 'checkout/feature.md', 1)],
  },
  'feature-frontmatter-list': {
    about: 'feature.md whose frontmatter is a list',
    expect: [error('schema/invalid-value', 'checkout/feature.md', 2)],
  },
  'feature-frontmatter-not-first': {
    about: 'feature.md with a blank line above its frontmatter',
    expect: [error('feature/no-frontmatter', 'checkout/feature.md', 1)],
  },
  'feature-frontmatter-syntax': {
    about: 'feature.md whose frontmatter has an unclosed flow sequence',
    expect: [error('yaml/syntax', 'checkout/feature.md', 3)],
  },
  'feature-frontmatter-unclosed': {
    about: 'feature.md whose frontmatter has no closing ---',
    expect: [error('feature/no-frontmatter', 'checkout/feature.md', 1)],
  },
  'feature-no-frontmatter': {
    about: 'feature.md without frontmatter',
    expect: [error('feature/no-frontmatter', 'checkout/feature.md', 1)],
  },
  'feature-schema': {
    about: 'feature.md with a lowercase key, an unknown status and no owner',
    expect: [
      error('schema/missing-field', 'checkout/feature.md', 2),
      error('schema/invalid-value', 'checkout/feature.md', 3),
      error('schema/invalid-value', 'checkout/feature.md', 4),
    ],
  },
  'ids-differ-in-case': {
    about: 'two NFR IDs that differ only in letter case (the mixed-case one fails the ID pattern)',
    expect: [error('schema/invalid-value', 'checkout/nfr.yaml', 9)],
  },
  'ids-duplicate-across-bundles': {
    about: 'an edge case of one bundle reusing an NFR ID of another',
    expect: [error('ids/duplicate', 'payments/edge-cases.yaml', 2)],
  },
  'ids-duplicate-feature-key': {
    about: 'two features with the same key',
    expect: [error('ids/duplicate-key', 'payments/feature.md', 3)],
  },
  'ids-duplicate-in-bundle': {
    about: 'one NFR ID twice in one file',
    expect: [error('ids/duplicate', 'checkout/nfr.yaml', 9)],
  },
  'import-broken-threat-model-json': {
    about: 'a Threat Dragon export cut off in the middle',
    expect: [error('import/invalid-json', 'checkout/threat-model.json', 1)],
  },
  'limit-contract': {
    about: 'a contract above a 1 KB contract limit set in the config',
    expect: [error('file/too-large', 'checkout/openapi.yaml', 1)],
  },
  'limit-file': {
    about: 'nfr.yaml above a 1 KB file limit set in the config',
    expect: [error('file/too-large', 'checkout/nfr.yaml', 1)],
  },
  'limit-invalid-config': {
    about: 'a file limit that is not a size',
    expect: [error('schema/invalid-value', 'specport.config.yaml', 3)],
  },
  'limit-referenced-file': {
    about: 'a schema file referenced by the contract, above a 2 KB contract limit',
    expect: [error('file/too-large', 'checkout/schemas/order.yaml', 1)],
  },
  'many-problems-one-file': {
    about: '120 edge cases with the same mistake: the first 100 listed, the rest counted',
    expect: [
      ...Array.from({ length: 100 }, (_, i) => error('schema/invalid-value', 'checkout/edge-cases.yaml', 6 + 5 * i)),
      error('file/too-many-problems', 'checkout/edge-cases.yaml', 506),
    ],
  },
  'mermaid-c4-syntax': {
    about: 'a C4 context with a misspelt element',
    expect: [error('mermaid/syntax', 'checkout/context.mmd', 4)],
  },
  'mermaid-deep-subgraphs': {
    about: '1,000 nested, indented, unclosed subgraphs: the flowchart parser time grows with the cube of the depth (400 took 4 s), so this one always outlasts the limit',
    expect: [error('mermaid/timeout', 'checkout/context.mmd', 1)],
  },
  'mermaid-empty-diagram': {
    about: 'a sequence file with front matter and no diagram',
    expect: [error('mermaid/empty', 'checkout/sequences/pay.mmd', 1)],
  },
  'mermaid-er-syntax': {
    about: 'an ER diagram with an entity block left open',
    expect: [error('mermaid/syntax', 'checkout/data-model.mmd', 6)],
  },
  'mermaid-flowchart-syntax': {
    about: 'a flowchart with an unclosed bracket',
    expect: [error('mermaid/syntax', 'checkout/context.mmd', 2)],
  },
  'mermaid-frontmatter-unclosed': {
    about: 'a sequence whose front matter is never closed',
    expect: [error('mermaid/frontmatter', 'checkout/sequences/pay.mmd', 1)],
  },
  'mermaid-frontmatter-yaml': {
    about: 'a sequence whose front matter is broken YAML',
    expect: [error('mermaid/frontmatter', 'checkout/sequences/pay.mmd', 2)],
  },
  'mermaid-hang-blank-lines': {
    about: '150,000 blank lines inside an ER diagram, quadratic for the comment stripper (60,000 took 14 s with no limit)',
    expect: [error('mermaid/timeout', 'checkout/data-model.mmd', 1)],
  },
  'mermaid-hang-classdef-inline': {
    about: 'a story diagram of repeated classDef, : and # (catastrophic backtracking in Mermaid)',
    expect: [error('mermaid/timeout', 'checkout/feature.md', 9)],
  },
  'mermaid-hang-several': {
    about: 'a hanging diagram in the story and one in context.mmd, before a valid data model: one time limit for all',
    expect: [
      error('mermaid/timeout', 'checkout/context.mmd', 1),
      error('mermaid/timeout', 'checkout/data-model.mmd', 1),
      error('mermaid/timeout', 'checkout/feature.md', 9),
    ],
  },
  'mermaid-hang-style-regex': {
    about: 'a flowchart of repeated style, : and # (catastrophic backtracking in Mermaid)',
    expect: [error('mermaid/timeout', 'checkout/context.mmd', 1)],
  },
  'mermaid-inline-syntax': {
    about: 'three broken ```mermaid blocks in the story: flowchart, sequence and ER',
    expect: [
      error('mermaid/syntax', 'checkout/feature.md', 12),
      error('mermaid/syntax', 'checkout/feature.md', 19),
      error('mermaid/syntax', 'checkout/feature.md', 27),
    ],
  },
  'mermaid-long-label': {
    about: 'a 100,000-character node label that is never closed',
    expect: [error('mermaid/syntax', 'checkout/context.mmd', 2)],
  },
  'mermaid-many-edges': {
    about: '1,000 edges, beyond the limit Mermaid renders',
    expect: [error('mermaid/syntax', 'checkout/context.mmd', 1)],
  },
  'mermaid-participant-as': {
    about: 'a participant with "as" glued to its label, which hung Mermaid 11.5',
    expect: [error('mermaid/syntax', 'checkout/sequences/pay.mmd', 2)],
  },
  'mermaid-sequence-syntax': {
    about: 'a sequence message without a colon',
    expect: [error('mermaid/syntax', 'checkout/sequences/pay.mmd', 4)],
  },
  'mermaid-sequence-unclosed-block': {
    about: 'an alt block without end',
    expect: [error('mermaid/syntax', 'checkout/sequences/pay.mmd', 4)],
  },
  'mermaid-unclosed-brackets': {
    about: '5,000 unclosed brackets after a node',
    expect: [error('mermaid/syntax', 'checkout/context.mmd', 2)],
  },
  'mermaid-unknown-type': {
    about: 'a context diagram of a type Mermaid does not know',
    expect: [error('mermaid/kind', 'checkout/context.mmd', 1)],
  },
  'mermaid-wrong-kind': {
    about: 'a data model that is a flowchart',
    expect: [error('mermaid/kind', 'checkout/data-model.mmd', 1)],
  },
  'no-bundle': {
    about: 'a content root with files but no feature.md',
    expect: [
      error('scan/no-content', '.', 1),
      warning('scan/outside-bundle', 'checkout/nfr.yaml', 1),
      warning('scan/outside-bundle', 'README.md', 1),
    ],
  },
  'openapi-alias-bomb': {
    about: 'a contract whose YAML aliases expand a thousandfold',
    expect: [error('yaml/alias-bomb', 'checkout/openapi.yaml', 1)],
  },
  'openapi-circular-across-files': {
    about: 'schemas that reference each other across files, and a file that is missing',
    expect: [error('openapi/ref-unresolved', 'checkout/schemas/b.yaml', 6)],
  },
  'openapi-circular-with-error': {
    about: 'a recursive schema (through two schemas) beside one broken pointer',
    expect: [
      warning('consistency/uncovered-operation', 'checkout/openapi.yaml', 7),
      error('openapi/ref-unresolved', 'checkout/openapi.yaml', 28),
    ],
  },
  'openapi-contract-symlink': {
    about: 'openapi.yaml is a link to a file outside the content root',
    expect: [error('scan/link-outside', 'checkout/openapi.yaml', 1)],
  },
  'openapi-deep-json': {
    about: 'a JSON contract nested 10,000 levels deep',
    expect: [error('openapi/syntax', 'checkout/openapi.json', 1)],
  },
  'openapi-duplicate-json-key': {
    about: 'a JSON contract with the key "paths" twice',
    expect: [error('openapi/syntax', 'checkout/openapi.json', 5)],
  },
  'openapi-duplicate-operation-id': {
    about: 'two operations of one contract with the same operationId',
    expect: [
      warning('consistency/uncovered-operation', 'checkout/openapi.yaml', 7),
      warning('consistency/uncovered-operation', 'checkout/openapi.yaml', 13),
      error('openapi/duplicate-operation-id', 'checkout/openapi.yaml', 14),
    ],
  },
  'openapi-duplicate-operation-id-across-contracts': {
    about: 'the same operationId in two contracts of one bundle',
    expect: [
      warning('consistency/uncovered-operation', 'checkout/api/admin.yaml', 7),
      warning('consistency/uncovered-operation', 'checkout/api/orders.yaml', 7),
      error('ids/duplicate-operation', 'checkout/api/orders.yaml', 7),
    ],
  },
  'openapi-json-syntax': {
    about: 'a JSON contract missing a comma',
    expect: [error('openapi/syntax', 'checkout/openapi.json', 4)],
  },
  'openapi-no-responses': {
    about: 'an OpenAPI 3.0 operation without responses',
    expect: [
      warning('consistency/uncovered-operation', 'checkout/openapi.yaml', 7),
      error('openapi/invalid', 'checkout/openapi.yaml', 7),
    ],
  },
  'openapi-no-version': {
    about: 'a contract without an openapi field',
    expect: [error('openapi/version', 'checkout/openapi.yaml', 1)],
  },
  'openapi-not-a-mapping': {
    about: 'a contract that is a YAML list',
    expect: [error('openapi/version', 'checkout/openapi.yaml', 1)],
  },
  'openapi-ref-absolute': {
    about: 'a $ref to /etc/passwd',
    expect: [error('openapi/ref-outside', 'checkout/openapi.yaml', 9)],
  },
  'openapi-ref-chain': {
    about: 'a chain of 70 references to references: the first ones never reach a schema within 64 steps',
    expect: [
      error('openapi/ref-unresolved', 'checkout/openapi.yaml', 9),
      error('openapi/ref-unresolved', 'checkout/openapi.yaml', 11),
      error('openapi/ref-unresolved', 'checkout/openapi.yaml', 13),
      error('openapi/ref-unresolved', 'checkout/openapi.yaml', 15),
      error('openapi/ref-unresolved', 'checkout/openapi.yaml', 17),
      error('openapi/ref-unresolved', 'checkout/openapi.yaml', 19),
    ],
  },
  'openapi-ref-encoded-parent': {
    about: 'a $ref escaping through percent-encoded ../',
    expect: [error('openapi/ref-outside', 'checkout/openapi.yaml', 9)],
  },
  'openapi-ref-file-url': {
    about: 'a $ref to a file: URL',
    expect: [error('openapi/ref-outside', 'checkout/openapi.yaml', 9)],
  },
  'openapi-ref-http': {
    about: 'a $ref to an https: URL and to a network path',
    expect: [
      error('openapi/ref-outside', 'checkout/openapi.yaml', 9),
      error('openapi/ref-outside', 'checkout/openapi.yaml', 11),
    ],
  },
  'openapi-ref-loop': {
    about: 'two references that point at each other and never at a schema',
    expect: [
      error('openapi/ref-unresolved', 'checkout/openapi.yaml', 9),
      error('openapi/ref-unresolved', 'checkout/openapi.yaml', 11),
    ],
  },
  'openapi-ref-missing-file': {
    about: 'a $ref to a file that does not exist',
    expect: [error('openapi/ref-unresolved', 'checkout/openapi.yaml', 9)],
  },
  'openapi-ref-parent': {
    about: 'a $ref through ../ to a file next to the content root',
    expect: [error('openapi/ref-outside', 'checkout/openapi.yaml', 9)],
  },
  'openapi-ref-through-symlink': {
    about: 'a $ref to a file of the bundle that links outside the content root',
    expect: [
      error('openapi/ref-outside', 'checkout/openapi.yaml', 9),
      error('scan/link-outside', 'checkout/schemas/order.yaml', 1),
    ],
  },
  'openapi-ref-to-folder': {
    about: 'a $ref to a folder',
    expect: [
      error('openapi/ref-unresolved', 'checkout/openapi.yaml', 9),
      warning('bundle/unknown-file', 'checkout/schemas/order.yaml', 1),
    ],
  },
  'openapi-ref-unresolved-pointer': {
    about: 'a $ref to a schema that does not exist',
    expect: [error('openapi/ref-unresolved', 'checkout/openapi.yaml', 11)],
  },
  'openapi-swagger2-invalid': {
    about: 'a Swagger 2.0 contract with an empty responses object',
    expect: [
      warning('consistency/uncovered-operation', 'checkout/openapi.yaml', 7),
      error('openapi/invalid', 'checkout/openapi.yaml', 7),
      error('openapi/invalid', 'checkout/openapi.yaml', 9),
      error('openapi/invalid', 'checkout/openapi.yaml', 9),
    ],
  },
  'openapi-unknown-version': {
    about: 'openapi: 4.0.0',
    expect: [error('openapi/version', 'checkout/openapi.yaml', 1)],
  },
  'openapi-version-as-number': {
    about: 'openapi: 3.1, read by YAML as a number',
    expect: [error('openapi/version', 'checkout/openapi.yaml', 1)],
  },
  'openapi-yaml-syntax': {
    about: 'a contract with an unclosed quote',
    expect: [error('yaml/syntax', 'checkout/openapi.yaml', 6)],
  },
  'ref-ambiguous-op': {
    about: 'op:createOrder, defined by two other features',
    expect: [
      warning('consistency/uncovered-operation', 'checkout/openapi.yaml', 7),
      error('refs/ambiguous', 'orders/nfr.yaml', 6),
      warning('consistency/uncovered-operation', 'payments/openapi.yaml', 7),
    ],
  },
  'ref-component': {
    about: 'a threat targeting a component no context diagram has',
    expect: [error('refs/unresolved', 'checkout/threats.yaml', 5)],
  },
  'ref-edge': {
    about: 'an NFR applying to an edge case that does not exist',
    expect: [error('refs/unresolved', 'checkout/nfr.yaml', 6)],
  },
  'ref-entity': {
    about: 'a threat targeting an entity, with no data model anywhere',
    expect: [error('refs/unresolved', 'checkout/threats.yaml', 5)],
  },
  'ref-escape-attempts': {
    about: 'story links and wiki links that point outside the content root',
    expect: [
      error('refs/unresolved', 'checkout/feature.md', 10),
      error('refs/unresolved', 'checkout/feature.md', 10),
    ],
  },
  'ref-feature': {
    about: 'depends_on a feature that does not exist',
    expect: [error('refs/unresolved', 'checkout/feature.md', 6)],
  },
  'ref-malformed-wiki-link': {
    about: 'a wiki link of an unknown kind',
    expect: [error('refs/malformed', 'checkout/feature.md', 8)],
  },
  'ref-nfr': {
    about: 'a threat mitigated by an NFR that does not exist',
    expect: [error('refs/unresolved', 'checkout/threats.yaml', 9)],
  },
  'ref-op': {
    about: 'an edge case referring to an operation that does not exist',
    expect: [error('refs/unresolved', 'checkout/edge-cases.yaml', 5)],
  },
  'ref-sequence': {
    about: 'an edge case referring to a sequence that does not exist',
    expect: [error('refs/unresolved', 'checkout/edge-cases.yaml', 5)],
  },
  'ref-threat': {
    about: 'a story wiki link to a threat that does not exist',
    expect: [error('refs/unresolved', 'checkout/feature.md', 8)],
  },
  'ref-wrong-kind': {
    about: 'threat:CHK-NFR-01, where CHK-NFR-01 is an NFR',
    expect: [error('refs/unresolved', 'checkout/edge-cases.yaml', 5)],
  },
  'schema-config': {
    about: 'a config with an unknown field, a bad base path and a bad severity',
    expect: [
      warning('schema/unknown-field', 'specport.config.yaml', 1),
      error('schema/invalid-value', 'specport.config.yaml', 2),
      error('schema/invalid-value', 'specport.config.yaml', 4),
    ],
  },
  'schema-edge-cases': {
    about: 'an edge case with a lowercase ID and a numeric severity',
    expect: [
      error('schema/invalid-value', 'checkout/edge-cases.yaml', 2),
      error('schema/invalid-value', 'checkout/edge-cases.yaml', 6),
    ],
  },
  'schema-nfr': {
    about: 'an NFR whose target value is not a number',
    expect: [error('schema/invalid-value', 'checkout/nfr.yaml', 5)],
  },
  'schema-sequence-frontmatter': {
    about: 'sequence front matter with a timeout that is no duration and an unknown retry policy',
    expect: [
      error('schema/invalid-value', 'checkout/sequences/pay.mmd', 3),
      error('schema/invalid-value', 'checkout/sequences/pay.mmd', 4),
    ],
  },
  'schema-threats': {
    about: 'a threat without a description and with an unknown likelihood',
    expect: [
      error('schema/missing-field', 'checkout/threats.yaml', 2),
      error('schema/invalid-value', 'checkout/threats.yaml', 6),
    ],
  },
  'slug-differ-in-case': {
    about: 'bundle folders checkout and Checkout',
    expect: [
      warning('ids/permalink-collision', 'shop/checkout/feature.md', 1),
      error('feature/slug', 'web/Checkout/feature.md', 1),
    ],
  },
  'slug-duplicate': {
    about: 'two bundle folders named checkout in different areas',
    expect: [error('ids/duplicate-slug', 'web/checkout/feature.md', 1)],
  },
  'slug-invalid': {
    about: 'a bundle folder named "Check Out"',
    expect: [error('feature/slug', 'Check Out/feature.md', 1)],
  },
  'story-deep-lists': {
    about: '600 nested list items in the story',
    expect: [error('feature/story-unreadable', 'checkout/feature.md', 7)],
  },
  'story-deep-quotes': {
    about: '5,000 nested block quotes in the story',
    expect: [error('feature/story-unreadable', 'checkout/feature.md', 7)],
  },
  'story-emphasis-runs': {
    about: '80 KB of *a*a*a…, quadratic for the Markdown parser',
    expect: [error('feature/story-unreadable', 'checkout/feature.md', 7)],
  },
  'story-unclosed-wiki-links': {
    about: '5,000 unclosed [[a: before a dangling wiki link',
    expect: [error('refs/unresolved', 'checkout/feature.md', 10)],
  },
  'symlink-absolute': {
    about: 'threats.yaml is an absolute link to /etc/passwd',
    expect: [error('scan/link-outside', 'checkout/threats.yaml', 1)],
  },
  'symlink-bundle-outside': {
    about: 'a bundle folder that is a link to a folder outside the content root',
    expect: [
      error('scan/no-content', '.', 1),
      error('scan/link-outside', 'checkout', 1),
    ],
  },
  'symlink-dangling': {
    about: 'edge-cases.yaml is a link to nothing',
    expect: [error('scan/link-outside', 'checkout/edge-cases.yaml', 1)],
  },
  'symlink-feature-md-outside': {
    about: 'feature.md is a link to a file outside the content root',
    expect: [error('scan/link-outside', 'checkout/feature.md', 1)],
  },
  'symlink-folder-outside': {
    about: 'the sequences folder is a link outside the content root',
    expect: [error('scan/link-outside', 'checkout/sequences', 1)],
  },
  'symlink-nfr-outside': {
    about: 'nfr.yaml is a link to a file outside the content root',
    expect: [error('scan/link-outside', 'checkout/nfr.yaml', 1)],
  },
  'warn-consistency-path-regex': {
    about: 'a path template of eight parameters and a 200-character call (exponential for a regular expression)',
    expect: [
      warning('consistency/uncovered-operation', 'checkout/openapi.yaml', 16),
      warning('consistency/unknown-call', 'checkout/sequences/pay.mmd', 2),
    ],
  },
  'warn-missing-operation-id': {
    about: 'an operation without operationId',
    expect: [warning('openapi/missing-operation-id', 'checkout/openapi.yaml', 7)],
  },
  'warn-proto-keys': {
    about: 'an NFR with __proto__ and constructor keys',
    expect: [
      warning('schema/unknown-field', 'checkout/nfr.yaml', 9),
      warning('schema/unknown-field', 'checkout/nfr.yaml', 10),
    ],
  },
  'warn-raw-html': {
    about: 'script and img tags in the story',
    expect: [
      warning('feature/raw-html', 'checkout/feature.md', 8),
      warning('feature/raw-html', 'checkout/feature.md', 10),
    ],
  },
  'warn-symlink-loop': {
    about: 'a link from a bundle back to its own folder',
    expect: [warning('scan/link-loop', 'checkout/again', 1)],
  },
  'warn-unknown-files': {
    about: 'files that are not part of the bundle format, a misspelt one among them',
    expect: [
      warning('bundle/unknown-file', 'checkout/.DS_Store', 1),
      warning('bundle/unknown-file', 'checkout/api/v1/orders.yaml', 1),
      warning('bundle/unknown-file', 'checkout/nfrs.yml', 1),
      warning('bundle/unknown-file', 'checkout/notes.txt', 1),
      warning('bundle/unknown-file', 'checkout/sequences/old/pay.mmd', 1),
    ],
  },
  'yaml-alias-bomb-frontmatter': {
    about: 'an alias bomb in the frontmatter of feature.md',
    expect: [error('yaml/alias-bomb', 'checkout/feature.md', 2)],
  },
  'yaml-alias-bomb-nfr': {
    about: 'a billion-laughs alias bomb in nfr.yaml',
    expect: [error('yaml/alias-bomb', 'checkout/nfr.yaml', 1)],
  },
  'yaml-alias-cycle': {
    about: 'a list that contains itself through an alias',
    expect: [error('schema/invalid-value', 'checkout/edge-cases.yaml', 5)],
  },
  'yaml-bad-indent-edge-cases': {
    about: 'a field indented deeper than its siblings',
    expect: [
      error('yaml/syntax', 'checkout/edge-cases.yaml', 3),
      error('yaml/syntax', 'checkout/edge-cases.yaml', 3),
    ],
  },
  'yaml-deep-block-nesting': {
    about: '400 levels of nested mappings',
    expect: [error('schema/invalid-value', 'checkout/edge-cases.yaml', 2)],
  },
  'yaml-deep-flow-nesting': {
    about: '20,000 levels of nested flow sequences',
    expect: [error('yaml/syntax', 'checkout/nfr.yaml', 3)],
  },
  'yaml-duplicate-key-frontmatter': {
    about: 'owner twice in the frontmatter',
    expect: [error('yaml/duplicate-key', 'checkout/feature.md', 6)],
  },
  'yaml-duplicate-key-nfr': {
    about: 'category twice in one NFR',
    expect: [error('yaml/duplicate-key', 'checkout/nfr.yaml', 9)],
  },
  'yaml-multiple-documents': {
    about: 'two YAML documents in one nfr.yaml',
    expect: [error('yaml/syntax', 'checkout/nfr.yaml', 9)],
  },
  'yaml-scalar-document': {
    about: 'a threats.yaml holding a sentence',
    expect: [error('schema/missing-field', 'checkout/threats.yaml', 1)],
  },
  'yaml-syntax-nfr': {
    about: 'an unclosed flow sequence in nfr.yaml',
    expect: [
      error('yaml/syntax', 'checkout/nfr.yaml', 7),
      error('yaml/syntax', 'checkout/nfr.yaml', 7),
      error('yaml/syntax', 'checkout/nfr.yaml', 7),
    ],
  },
  'yaml-tabs-threats': {
    about: 'a tab indenting a field of threats.yaml',
    expect: [
      error('yaml/syntax', 'checkout/threats.yaml', 7),
      error('yaml/syntax', 'checkout/threats.yaml', 7),
      error('yaml/syntax', 'checkout/threats.yaml', 7),
      error('yaml/syntax', 'checkout/threats.yaml', 8),
      error('yaml/syntax', 'checkout/threats.yaml', 8),
      error('yaml/syntax', 'checkout/threats.yaml', 10),
    ],
  },
  'yaml-top-level-list': {
    about: 'an nfr.yaml that is a bare list, without nfrs:',
    expect: [error('schema/missing-field', 'checkout/nfr.yaml', 1)],
  },
  'yaml-undefined-alias': {
    about: 'an alias to an anchor that does not exist',
    expect: [error('yaml/syntax', 'checkout/nfr.yaml', 6)],
  },
};

const NAMES = Object.keys(CASES);
/** Cases that only warn: reported, never silently dropped, and not a reason to fail the check. */
const warnsOnly = (name: string) => CASES[name]!.expect.every((e) => e.severity === 'warning');
const fields = (d: Pick<Diagnostic, 'severity' | 'rule' | 'file' | 'line'>): Expected => ({ severity: d.severity, rule: d.rule, file: d.file, line: d.line });

describe('the hostile corpus', () => {
  it('has at least 60 cases, and a table entry for every case folder', async () => {
    const folders = (await readdir(CORPUS, { withFileTypes: true })).filter((e) => e.isDirectory() && e.name !== '_outside').map((e) => e.name);
    expect(folders.sort()).toEqual([...NAMES].sort());
    expect(NAMES.filter((name) => !warnsOnly(name)).length).toBeGreaterThanOrEqual(60);
  });
});

describe('each case, loaded in-process', () => {
  it.each(NAMES)(
    '%s',
    async (name) => {
      const dir = path.join(CORPUS, name);
      const portal = await loadPortal(dir, { configDir: dir });
      expect(portal.diagnostics.map(fields), CASES[name]!.about).toEqual(CASES[name]!.expect);
      for (const d of portal.diagnostics) {
        expect(d.hint.trim(), `hint of ${d.rule} at ${d.file}:${d.line}`).not.toBe('');
        expect(d.column).toBeGreaterThanOrEqual(1);
      }
      // Nothing read from outside the content root reaches the model: not a title, not a story, not a contract.
      const model = JSON.stringify({ diagnostics: portal.diagnostics, features: portal.features, documents: [...portal.documents.values()] });
      expect(model).not.toContain(OUTSIDE_TOKEN);
    },
    CASE_LIMIT_MS,
  );
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `specport <args>` in `cwd`; a run that outlives `limitMs` is killed and reported as such. */
function specport(cwd: string, args: string[], limitMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Runs `task` over `items`, `width` at a time. */
async function pooled<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!);
      }
    }),
  );
  return results;
}

/**
 * Runs are several at a time to keep the suite quick, so on a small machine each one shares the CPU
 * with five others: the limit per run is looser than the in-process one, and still catches a hang.
 */
const PARALLEL = 6;
const SHARED_CPU_LIMIT_MS = 3 * CASE_LIMIT_MS;

describe('each case, through `specport check --format json`', () => {
  const runs = new Map<string, Run>();
  beforeAll(async () => {
    // From the case folder, as a user would run it there: the case's own config applies.
    const results = await pooled(NAMES, PARALLEL, (name) => specport(path.join(CORPUS, name), ['check', '--content', '.', '--format', 'json'], SHARED_CPU_LIMIT_MS));
    NAMES.forEach((name, i) => runs.set(name, results[i]!));
  }, 600_000);

  it.each(NAMES)('%s', (name) => {
    const run = runs.get(name)!;
    expect(run.ms, `${name} took ${Math.round(run.ms)} ms`).toBeLessThan(SHARED_CPU_LIMIT_MS);
    expect(run.code).toBe(warnsOnly(name) ? 0 : 1);
    expect(run.stdout).not.toMatch(STACK);
    expect(run.stderr).not.toMatch(STACK);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { diagnostics: Diagnostic[] };
    for (const d of report.diagnostics) {
      expect(d.file, JSON.stringify(d)).toMatch(/\S/);
      expect(d.line, JSON.stringify(d)).toBeGreaterThanOrEqual(1);
      expect(d.hint.trim(), JSON.stringify(d)).not.toBe('');
    }
    expect(report.diagnostics.map(fields)).toEqual(CASES[name]!.expect);
    expect(run.stdout).not.toContain(OUTSIDE_TOKEN);
  });
});

const tempDir = tempDirs('corpus');

describe('specport build on a byte-level case', () => {
  it('exits 1 with the messages check prints, no stack trace, and no site', async () => {
    const dir = path.join(CORPUS, 'bytes-utf16-threats');
    const out = path.join(await tempDir(), 'site');
    const build = await specport(dir, ['build', '--content', '.', '--out', out]);
    const check = await specport(dir, ['check', '--content', '.']);
    expect(build.code).toBe(1);
    expect(build.stdout).not.toMatch(STACK);
    expect(build.stderr).not.toMatch(STACK);
    // The diagnostics, hint and code frame lines of `check`, without its summary line, on stderr.
    const lines = check.stdout.trimEnd().split('\n').slice(0, -1);
    expect(lines.join('\n')).toContain('checkout/threats.yaml:1:1  error  The file is UTF-16 text, but UTF-8 is expected.  file/encoding');
    expect(build.stderr).toContain(lines.join('\n'));
    expect(build.stderr).toContain('Build stopped');
    expect(existsSync(out)).toBe(false);
  });
});

/**
 * Cases git cannot hold, or too large to commit, built in a temporary folder: a named pipe where a
 * YAML file belongs (reading it would block for ever), folders nested deeper than the scan goes,
 * a chain of 10,000 references (a minute in the validator before it was cut), 10,000 dangling
 * references among 10,000 NFRs (quadratic suggestions), and a 1.7 MB nfr.yaml
 * with over 200,000 problems (one list that size overflowed the stack).
 */
describe('cases built at run time', () => {
  const FEATURE = '---\ntitle: Checkout\nid: CHK\nstatus: draft\nowner: team-a\n---\n\nThe story.\n';
  const BUILT: Record<string, { about: string; build(root: string): Promise<void>; check(diagnostics: readonly Expected[]): void }> = {
    'named-pipe-as-nfr': {
      about: 'nfr.yaml is a named pipe',
      async build(root) {
        await mkdir(path.join(root, 'checkout'), { recursive: true });
        await writeFile(path.join(root, 'checkout/feature.md'), FEATURE);
        execFileSync('mkfifo', [path.join(root, 'checkout/nfr.yaml')]);
      },
      check: (diagnostics) => expect(diagnostics).toEqual([error('file/unreadable', 'checkout/nfr.yaml', 1)]),
    },
    'folders-40-deep': {
      about: 'a bundle 40 folders below the content root',
      async build(root) {
        const deep = path.join(root, ...Array<string>(40).fill('d'));
        await mkdir(deep, { recursive: true });
        await writeFile(path.join(deep, 'feature.md'), FEATURE);
      },
      check: (diagnostics) => expect(diagnostics).toEqual([error('scan/no-content', '.', 1), error('scan/unreadable', Array(33).fill('d').join('/'), 1)]),
    },
    'ref-chain-10000': {
      about: 'a contract of 10,000 references in a row',
      async build(root) {
        await mkdir(path.join(root, 'checkout'), { recursive: true });
        await writeFile(path.join(root, 'checkout/feature.md'), FEATURE);
        const chain = Array.from({ length: 10_000 }, (_, i) => `    A${i}:\n      $ref: "#/components/schemas/A${i + 1}"\n`);
        await writeFile(path.join(root, 'checkout/openapi.yaml'), `openapi: 3.1.0\ninfo:\n  title: Chain\n  version: 1.0.0\npaths: {}\ncomponents:\n  schemas:\n${chain.join('')}    A10000:\n      type: object\n`);
      },
      check(diagnostics) {
        // 9,936 references start chains longer than 64: the first 100 are listed, the rest counted.
        expect(diagnostics.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => error('openapi/ref-unresolved', 'checkout/openapi.yaml', 9 + 2 * i)));
        expect(diagnostics.slice(100)).toEqual([error('file/too-many-problems', 'checkout/openapi.yaml', 209)]);
      },
    },
    'dangling-refs-by-the-thousand': {
      about: '10,000 NFRs, and an edge case with 10,000 references to NFRs that do not exist',
      async build(root) {
        await mkdir(path.join(root, 'checkout'), { recursive: true });
        await writeFile(path.join(root, 'checkout/feature.md'), FEATURE);
        const nfrs = Array.from({ length: 10_000 }, (_, i) => `  - { id: CHK-NFR-${i}, category: latency, statement: S., target: none, reason: R., applies_to: feature:checkout, verification: V., priority: must }\n`);
        await writeFile(path.join(root, 'checkout/nfr.yaml'), `nfrs:\n${nfrs.join('')}`);
        const refs = Array.from({ length: 10_000 }, (_, i) => `      - nfr:CHK-NFX-${i}\n`);
        await writeFile(path.join(root, 'checkout/edge-cases.yaml'), `edge_cases:\n  - id: CHK-EC-1\n    scenario: S?\n    expected: E.\n    severity: high\n    refs:\n${refs.join('')}`);
      },
      check(diagnostics) {
        // "Did you mean" compared each dangling reference with every NFR: minutes, before it had a budget.
        expect(diagnostics.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => error('refs/unresolved', 'checkout/edge-cases.yaml', 7 + i)));
        expect(diagnostics.slice(100)).toEqual([error('file/too-many-problems', 'checkout/edge-cases.yaml', 107)]);
      },
    },
    'problems-by-the-hundred-thousand': {
      about: '45,000 NFRs with five mistakes each',
      async build(root) {
        await mkdir(path.join(root, 'checkout'), { recursive: true });
        await writeFile(path.join(root, 'checkout/feature.md'), FEATURE);
        const items = Array.from({ length: 45_000 }, (_, i) => `  - id: CHK-NFR-${i}\n    category: 1\n`);
        await writeFile(path.join(root, 'checkout/nfr.yaml'), `nfrs:\n${items.join('')}`);
      },
      check(diagnostics) {
        expect(diagnostics).toHaveLength(101);
        expect(diagnostics.slice(0, 100).every((d) => d.rule.startsWith('schema/') && d.file === 'checkout/nfr.yaml')).toBe(true);
        expect(diagnostics.at(-1)).toEqual(error('file/too-many-problems', 'checkout/nfr.yaml', 42));
      },
    },
  };
  const BUILT_NAMES = Object.keys(BUILT);
  let top: string;

  beforeAll(async () => {
    top = await tempDir();
    for (const [name, { build }] of Object.entries(BUILT)) await build(path.join(top, name));
  });

  it.each(BUILT_NAMES)(
    '%s, in-process',
    async (name) => {
      const dir = path.join(top, name);
      const portal = await loadPortal(dir, { configDir: dir });
      BUILT[name]!.check(portal.diagnostics.map(fields));
      for (const d of portal.diagnostics) expect(d.hint.trim()).not.toBe('');
    },
    CASE_LIMIT_MS,
  );

  it.each(BUILT_NAMES)(
    '%s, through the CLI',
    async (name) => {
      const run = await specport(path.join(top, name), ['check', '--content', '.', '--format', 'json'], CASE_LIMIT_MS);
      expect(run.code).toBe(1);
      expect(run.stdout).not.toMatch(STACK);
      expect(run.stderr).not.toMatch(STACK);
      BUILT[name]!.check((JSON.parse(run.stdout) as { diagnostics: Diagnostic[] }).diagnostics.map(fields));
    },
    2 * CASE_LIMIT_MS,
  );
});

/**
 * The cases that try to read outside their content root, copied into a temporary folder with a
 * fresh secret next to the content roots and one above them, and with the `_outside/` files
 * holding that secret too. A case that reads any of them, in any output format, leaks it.
 */
describe('a secret next to the content root', () => {
  const ESCAPES = NAMES.filter((name) => /^(symlink-|openapi-ref-|openapi-contract-symlink$|ref-escape-attempts$)/.test(name));
  const secret = `SECRET-${randomUUID()}`;
  /** The first line of /etc/passwd, which two cases point at; a secret of the machine's own. */
  let passwd: string | undefined;
  let corpus: string;
  let cases: string[];

  beforeAll(async () => {
    passwd = (await readFile('/etc/passwd', 'utf8').catch(() => '')).split('\n')[0] || undefined;
    const top = await tempDir();
    corpus = path.join(top, 'hostile');
    await writeFile(path.join(top, 'secret.txt'), `${secret}\n`);
    await mkdir(corpus);
    await writeFile(path.join(corpus, 'secret.txt'), `${secret}\n`);
    await writeFile(path.join(corpus, 'secret.yaml'), `openapi: 3.1.0\ninfo:\n  title: ${secret}\n  version: 1.0.0\npaths: {}\n`);
    // `_outside/`, with the secret in place of the committed token; links are copied as links.
    await cp(path.join(CORPUS, '_outside'), path.join(corpus, '_outside'), { recursive: true, verbatimSymlinks: true });
    for (const entry of await readdir(path.join(corpus, '_outside'), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      await writeFile(file, (await readFile(file, 'utf8')).replaceAll(OUTSIDE_TOKEN, secret));
    }
    for (const name of ESCAPES) await cp(path.join(CORPUS, name), path.join(corpus, name), { recursive: true, verbatimSymlinks: true });
    // Absolute paths to this run's secrets: a link, a $ref and a file: URL.
    const absolute = path.join(corpus, 'absolute-paths', 'checkout');
    await mkdir(absolute, { recursive: true });
    await writeFile(path.join(absolute, 'feature.md'), '---\ntitle: Checkout\nid: CHK\nstatus: draft\nowner: team-a\n---\n\nThe story.\n');
    await symlink(path.join(top, 'secret.txt'), path.join(absolute, 'nfr.yaml'));
    await writeFile(
      path.join(absolute, 'openapi.yaml'),
      `openapi: 3.1.0\ninfo:\n  title: Checkout API\n  version: 1.0.0\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: ${path.join(corpus, 'secret.yaml')}\n    B:\n      $ref: file://${path.join(corpus, 'secret.yaml')}\n`,
    );
    cases = [...ESCAPES, 'absolute-paths'];
  });

  it('covers links out of the root, $refs out of the bundle and escaping story links', () => {
    expect(ESCAPES.length).toBeGreaterThanOrEqual(15);
  });

  /** Runs `check` with `args` on every escaping case; the names of those whose output shows the secret. */
  async function leaking(names: readonly string[], args: string[]): Promise<string[]> {
    const runs = await pooled(names, PARALLEL, (name) => specport(path.join(corpus, name), ['check', '--content', '.', ...args], SHARED_CPU_LIMIT_MS));
    runs.forEach((run, i) => {
      expect(run.code, names[i]).toBe(1);
      expect(run.stdout, names[i]).not.toMatch(STACK);
      expect(run.stderr, names[i]).not.toMatch(STACK);
    });
    const shown = (i: number) => `${runs[i]!.stdout}${runs[i]!.stderr}`;
    return names.filter((_, i) => shown(i).includes(secret) || (passwd !== undefined && shown(i).includes(passwd)));
  }

  it('never shows the secret with --format json', async () => {
    expect(await leaking(cases, ['--format', 'json'])).toEqual([]);
  }, 300_000);

  /**
   * The pretty format prints a code frame of each diagnostic's file. Under `scan/link-outside`
   * the file is the link itself, and a frame read through it would print the first lines of the
   * file it points at: src/cli/format.ts never follows a link for a frame.
   */
  const FRAMED_LINKS = ['openapi-contract-symlink', 'openapi-ref-through-symlink', 'symlink-absolute', 'symlink-feature-md-outside', 'symlink-nfr-outside', 'absolute-paths'];

  it('never shows the secret in the pretty output, code frames included', async () => {
    expect(await leaking(cases.filter((name) => !FRAMED_LINKS.includes(name)), [])).toEqual([]);
  }, 300_000);

  it('never shows the secret in the code frame under a link that leaves the content root', async () => {
    expect(await leaking(FRAMED_LINKS, [])).toEqual([]);
  }, 300_000);
});

/**
 * The rules an OpenAPI contract is checked against. Kept apart from `openapi.ts` so the modules
 * that read, bundle and validate a contract can report problems without importing each other.
 */
import type { RuleInfo } from './diagnostics.ts';

export const openapiRules = {
  'openapi/syntax': {
    severity: 'error',
    description: 'A contract file (or a file it references) is not parseable JSON or YAML.',
  },
  'openapi/version': {
    severity: 'error',
    description: 'The contract has no `openapi` or `swagger` version field, or declares a version that is not supported (OpenAPI 3.0, 3.1, 3.2, or Swagger 2.0).',
  },
  'openapi/invalid': {
    severity: 'error',
    description: 'The contract does not follow the OpenAPI specification for its version: a required field is missing, a value has the wrong type, or a field is not allowed where it is written.',
  },
  'openapi/ref-outside': {
    severity: 'error',
    description: 'A `$ref` points outside the feature bundle (an absolute path, a `../` escape, a link leading out of the bundle, or a URL such as `https:` or `file:`). Such references are never read or fetched.',
  },
  'openapi/ref-unresolved': {
    severity: 'error',
    description: 'A `$ref` points at a file of the bundle that does not exist, or at a location (JSON pointer) that the target document does not have.',
  },
  'openapi/duplicate-operation-id': {
    severity: 'error',
    description: 'Two operations of the same contract share an `operationId`, so references to the operation are ambiguous.',
  },
  'openapi/missing-operation-id': {
    severity: 'warning',
    description: 'An operation has no `operationId`; one is derived from the method and path (`get-orders-orderId`), which changes when the path does.',
  },
} as const satisfies Record<string, RuleInfo>;

/**
 * A deterministic, realistically shaped OpenAPI 3.0 document of any size, for benchmarks and
 * end-to-end tests. The default size mirrors GitHub's REST API description (~1,200 operations,
 * ~13 MB of JSON), the largest contract a portal is expected to handle.
 *
 * Shapes follow what real descriptions do: resources with collection and item paths, path and
 * query parameters, request bodies and responses behind `$ref`s, shared error responses, a
 * recursive schema, global security with a few public operations, examples and long prose.
 */

export interface LargeOpenApiOptions {
  /** How many operations to generate (rounded up to whole resources of six). Default 1,200. */
  operations?: number;
  /** Approximate size of `JSON.stringify(document)` in bytes; prose is padded to reach it. Default 13 MB. */
  targetBytes?: number;
}

/** Operations per resource: list, create, read, update, delete, and one action. */
const OPERATIONS_PER_RESOURCE = 6;

const NOUNS = [
  'repo', 'issue', 'comment', 'release', 'asset', 'team', 'member', 'project', 'column', 'card',
  'workflow', 'run', 'job', 'artifact', 'secret', 'variable', 'hook', 'delivery', 'key', 'deployment',
  'environment', 'package', 'version', 'label', 'milestone', 'review', 'check', 'suite', 'alert', 'gist',
];

const LOREM =
  'Returns the resource as stored, after access checks. Fields the caller may not see are omitted rather than nulled, ' +
  'so clients must treat every optional field as possibly absent. Results are eventually consistent: a write becomes ' +
  'visible to reads within a few seconds. Rate limits apply per token; see the rate limit headers on every response. ';

/**
 * Generates the document. Same options, same output, byte for byte.
 */
export function generateLargeOpenApi(options: LargeOpenApiOptions = {}): Record<string, unknown> {
  const operations = options.operations ?? 1200;
  const targetBytes = options.targetBytes ?? 13_000_000;
  const resources = Math.max(1, Math.ceil(operations / OPERATIONS_PER_RESOURCE));

  const unpadded = build(resources, 0);
  const missing = targetBytes - JSON.stringify(unpadded).length;
  // Spread the missing bytes evenly over the operations, as long prose and response examples:
  // that is where real descriptions carry their bulk.
  const padding = Math.max(0, Math.floor(missing / (resources * OPERATIONS_PER_RESOURCE)));
  return padding === 0 ? unpadded : build(resources, padding);
}

/** The bytes one example item adds to a response example, separator included. */
const exampleItem = (noun: string, n: number) => ({
  id: 1000 + n,
  node_id: `MDEwOlJlcG9zaXRvcnkx${n}`,
  name: `${noun}-${n}`,
  description: `The ${noun} number ${n}, as returned by the API.`,
  state: n % 3 === 0 ? 'closed' : 'open',
  owner: { id: 1, login: 'octocat', avatar_url: 'https://avatars.example.com/u/1?v=4', site_admin: false },
  labels: ['bug', 'good first issue'],
  created_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-02-01T12:30:00Z',
});

/**
 * Splits an operation's padding budget: with a JSON response, about half goes to a list of
 * example items and the rest to prose; without one, all of it to prose.
 */
function splitPadding(noun: string, bytes: number, withExamples: boolean): { prose: string; examples: unknown[] } {
  const itemBytes = JSON.stringify(exampleItem(noun, 1000)).length + 1;
  const count = withExamples ? Math.floor(bytes / 2 / itemBytes) : 0;
  const examples = Array.from({ length: count }, (_, n) => exampleItem(noun, n));
  const proseBytes = Math.max(0, bytes - (count > 0 ? JSON.stringify(examples).length : 0));
  const prose = LOREM.repeat(Math.floor(proseBytes / LOREM.length)) + LOREM.slice(0, proseBytes % LOREM.length);
  return { prose, examples };
}

function build(resources: number, padding: number): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      required: ['message'],
      properties: {
        message: { type: 'string', description: 'What went wrong, for people.' },
        documentation_url: { type: 'string', format: 'uri' },
        errors: { type: 'array', items: { $ref: '#/components/schemas/ErrorDetail' } },
      },
    },
    ErrorDetail: {
      type: 'object',
      properties: { resource: { type: 'string' }, field: { type: 'string' }, code: { type: 'string' } },
    },
    // A recursive schema, as real APIs have (comment threads, trees): resolvers must not loop on it.
    Thread: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        body: { type: 'string' },
        replies: { type: 'array', items: { $ref: '#/components/schemas/Thread' } },
      },
    },
    SimpleUser: {
      type: 'object',
      required: ['id', 'login'],
      properties: {
        id: { type: 'integer', format: 'int64', example: 1 },
        login: { type: 'string', example: 'octocat' },
        avatar_url: { type: 'string', format: 'uri' },
        site_admin: { type: 'boolean' },
      },
    },
  };

  for (let index = 0; index < resources; index++) {
    const noun = `${NOUNS[index % NOUNS.length] ?? 'item'}${Math.floor(index / NOUNS.length) || ''}`;
    const Noun = noun.charAt(0).toUpperCase() + noun.slice(1);
    const idParam = `${noun}Id`;
    const tag = noun;
    const withExamples = splitPadding(noun, padding, true);
    const proseOnly = splitPadding(noun, padding, false);
    const prose = (what: string, fill = proseOnly) => `${what}. ${fill.prose}`;

    schemas[Noun] = {
      type: 'object',
      description: `A ${noun}.`,
      required: ['id', 'name', 'created_at'],
      properties: {
        id: { type: 'integer', format: 'int64', example: 42 },
        node_id: { type: 'string', example: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5' },
        name: { type: 'string', minLength: 1, maxLength: 100, example: `my-${noun}` },
        description: { type: 'string', nullable: true },
        state: { type: 'string', enum: ['open', 'closed', 'archived'] },
        owner: { $ref: '#/components/schemas/SimpleUser' },
        thread: { $ref: '#/components/schemas/Thread' },
        labels: { type: 'array', items: { type: 'string' } },
        created_at: { type: 'string', format: 'date-time' },
        updated_at: { type: 'string', format: 'date-time' },
      },
    };
    schemas[`${Noun}Create`] = {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100 },
        description: { type: 'string' },
        labels: { type: 'array', items: { type: 'string' }, maxItems: 100 },
      },
    };

    const item = { $ref: `#/components/schemas/${Noun}` };
    const example = { id: 42, node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5', name: `my-${noun}`, state: 'open', created_at: '2024-01-01T00:00:00Z' };
    const list = withExamples.examples.length > 0 ? withExamples.examples : [example];
    // Single-resource responses show their examples as named Example objects, as GitHub's do.
    const named = Object.fromEntries(list.map((value, n) => [`example-${n}`, { summary: `A ${noun}`, value }]));
    const errors = (...codes: string[]) => Object.fromEntries(codes.map((code) => [code, { $ref: `#/components/responses/E${code}` }]));
    const pathParam = { name: idParam, in: 'path', required: true, schema: { type: 'integer', format: 'int64' }, description: `The ${noun}'s ID.` };
    const json = (schema: unknown, withExample = true) => ({
      content: { 'application/json': withExample ? { schema, examples: named } : { schema } },
    });

    paths[`/${noun}s`] = {
      get: {
        operationId: `${noun}s/list`,
        summary: `List ${noun}s`,
        description: prose(`Lists the ${noun}s the caller can see, newest first`, withExamples),
        tags: [tag],
        parameters: [{ $ref: '#/components/parameters/per-page' }, { $ref: '#/components/parameters/page' }, { name: 'sort', in: 'query', schema: { type: 'string', enum: ['created', 'updated', 'name'], default: 'created' } }],
        responses: {
          '200': { description: 'OK', headers: { Link: { $ref: '#/components/headers/link' } }, content: { 'application/json': { schema: { type: 'array', items: item }, example: list } } },
          ...errors('401', '403'),
        },
        // Every tenth resource is public, as some read-only endpoints are.
        ...(index % 10 === 0 ? { security: [] } : {}),
      },
      post: {
        operationId: `${noun}s/create`,
        summary: `Create a ${noun}`,
        description: prose(`Creates a ${noun}`, withExamples),
        tags: [tag],
        requestBody: { required: true, ...json({ $ref: `#/components/schemas/${Noun}Create` }, false) },
        responses: { '201': { description: 'Created', ...json(item) }, ...errors('400', '401', '403', '422') },
      },
    };
    paths[`/${noun}s/{${idParam}}`] = {
      parameters: [pathParam],
      get: {
        operationId: `${noun}s/get`,
        summary: `Get a ${noun}`,
        description: prose(`Gets one ${noun}`, withExamples),
        tags: [tag],
        responses: { '200': { description: 'OK', ...json(item) }, ...errors('401', '404') },
      },
      patch: {
        operationId: `${noun}s/update`,
        summary: `Update a ${noun}`,
        description: prose(`Updates a ${noun}; omitted fields keep their value`, withExamples),
        tags: [tag],
        requestBody: { required: true, ...json({ $ref: `#/components/schemas/${Noun}Create` }, false) },
        responses: { '200': { description: 'OK', ...json(item) }, ...errors('400', '401', '404', '422') },
      },
      delete: {
        operationId: `${noun}s/delete`,
        summary: `Delete a ${noun}`,
        description: prose(`Deletes a ${noun}`),
        tags: [tag],
        responses: { '204': { description: 'No Content' }, ...errors('401', '404'), default: { $ref: '#/components/responses/Edefault' } },
      },
    };
    paths[`/${noun}s/{${idParam}}/archive`] = {
      post: {
        operationId: `${noun}s/archive`,
        summary: `Archive a ${noun}`,
        description: prose(`Archives a ${noun}; archived ${noun}s are read-only`),
        tags: [tag],
        deprecated: index % 7 === 3,
        parameters: [pathParam],
        responses: { '202': { description: 'Accepted' }, ...errors('401', '404', '409') },
      },
    };
  }

  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: { message: description } } },
  });
  return {
    openapi: '3.0.3',
    info: {
      title: 'Generated REST API',
      version: '1.1.4',
      description: 'A generated description shaped like a large public REST API.',
      license: { name: 'MIT', url: 'https://spdx.org/licenses/MIT' },
    },
    servers: [{ url: 'https://api.example.com' }],
    security: [{ bearer: [] }],
    tags: Array.from({ length: Math.min(resources, NOUNS.length) }, (_, i) => ({ name: NOUNS[i] ?? 'item' })),
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      parameters: {
        'per-page': { name: 'per_page', in: 'query', schema: { type: 'integer', default: 30, maximum: 100 } },
        page: { name: 'page', in: 'query', schema: { type: 'integer', default: 1 } },
      },
      headers: { link: { schema: { type: 'string' }, example: '<https://api.example.com/items?page=2>; rel="next"' } },
      responses: {
        E400: errorResponse('Bad Request'),
        E401: errorResponse('Requires authentication'),
        E403: errorResponse('Forbidden'),
        E404: errorResponse('Resource not found'),
        E409: errorResponse('Conflict'),
        E422: errorResponse('Validation failed'),
        Edefault: errorResponse('Unexpected error'),
      },
    },
  };
}

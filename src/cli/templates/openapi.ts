/** Template of a new bundle's OpenAPI contract. */
import { basePath, ops, type BundleNames } from './names.ts';

export function openapiYaml(n: BundleNames): string {
  const op = ops(n);
  const p = n.pascal;
  return `# 2. API contract: OpenAPI 3.0 or 3.1 (YAML or JSON). More contracts may sit under api/.
# Give every operation an operationId: typed references (op:${op.create}) and permanent links
# (/ref/${op.create}/) are built from it, so keep it unique across the portal. The completeness score
# looks for error responses (4xx/5xx) and a security requirement on every operation.
openapi: 3.1.0
info:
  title: ${n.title} API
  version: 0.1.0
  description: What the API is for, who calls it, and the conventions it follows.
# Who may call the API; the scheme is defined under components.securitySchemes.
security:
  - bearerAuth: []
paths:
  ${basePath(n)}:
    post:
      operationId: ${op.create}
      summary: Create a record
      description: Explain the behaviour, the validation and the side effects.
      parameters:
        - $ref: '#/components/parameters/${p}IdempotencyKey'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/${p}NewRecord'
      responses:
        '201':
          description: The record was created.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/${p}Record'
        '400':
          $ref: '#/components/responses/${p}Problem'
        '401':
          $ref: '#/components/responses/${p}Problem'
        '503':
          $ref: '#/components/responses/${p}Problem'
  ${basePath(n)}/{recordId}:
    get:
      operationId: ${op.get}
      summary: Read a record
      parameters:
        - name: recordId
          in: path
          required: true
          schema:
            type: string
            format: uuid
      responses:
        '200':
          description: The record.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/${p}Record'
        '401':
          $ref: '#/components/responses/${p}Problem'
        '404':
          $ref: '#/components/responses/${p}Problem'
# Component names are prefixed with the feature so that they read unambiguously in the portal.
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
  parameters:
    ${p}IdempotencyKey:
      name: Idempotency-Key
      in: header
      required: true
      description: A retried create with the same key returns the first result.
      schema:
        type: string
  responses:
    ${p}Problem:
      description: An error, as RFC 9457 problem details.
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/${p}Problem'
  schemas:
    ${p}NewRecord:
      type: object
      required: [note]
      properties:
        note:
          type: string
          maxLength: 500
    ${p}Record:
      type: object
      required: [id, status, note, created_at]
      properties:
        id:
          type: string
          format: uuid
        status:
          type: string
          enum: [draft, active, closed]
        note:
          type: string
        created_at:
          type: string
          format: date-time
    ${p}Problem:
      type: object
      required: [type, title, status]
      properties:
        type:
          type: string
        title:
          type: string
        status:
          type: integer
        detail:
          type: string
`;
}

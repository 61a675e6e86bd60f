/**
 * Property-based tests of Mermaid diagrams. The source rewriting that maps Mermaid's positions
 * back to the file (`mermaid-source.ts`) is pure and cheap, so it gets many runs, including a
 * comparison with Mermaid's own rewriting. `parseDiagram` runs Mermaid's parser in the worker
 * thread (milliseconds per diagram), so it gets fewer runs, on the fixtures damaged at random and
 * on random text; whatever the diagram, it ends with well-formed diagnostics inside the diagram.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineError } from '../../src/core/mermaid-engine.ts';
import { describeError } from '../../src/core/mermaid-engine.ts';
import { closeMermaid, parseDiagram, type DiagramRole } from '../../src/core/mermaid.ts';
import { brokenFrontMatter, findFrontMatter, normalizeSource, rewriteLikeMermaid } from '../../src/core/mermaid-source.ts';
import { scanStory } from '../../src/core/markdown.ts';
import { anyText, applyMutations, expectWellFormed, lineCount, mutations, runs } from '../helpers/properties.ts';

const TIMEOUT = 120_000;

afterAll(closeMermaid);

/** Tokens of Mermaid syntax and of what Mermaid rewrites before parsing. */
const TOKENS = [
  '%%', '%%{', '}%%', '%%{init: {"theme": "forest"}}%%', '%% note', 'init', ':', ' ', '  ', '\n', '\n', '\t', '\r', '\u00a0', '\u2028',
  '#', ';', '#quot;', '#35;', 'style a fill:#f9f;', 'classDef c fill:#f00;', 'style ', 'classDef ', '---', '---\n', 'title: x', 'a', 'x', '-->', '[', ']',
];
const mermaidish = fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) }), { maxLength: 30 }).map((parts) => parts.join(''));

/** Mermaid 11's own rewriting (preprocessDiagram, then encodeEntities in Diagram.fromText), as the reference. */
function mermaidRewrite(text: string): { code: string; parsed: string } {
  let current = text;
  const frontMatter = /^([^\S\n\r]*)-{3}\s*[\n\r](.*?)[\n\r]\1-{3}\s*[\n\r]+/s.exec(current);
  if (frontMatter) current = current.slice(frontMatter[0].length);
  current = current.replace(/%{2}{\s*(?:(\w+)\s*:|(\w+))\s*(?:(\w+)|((?:(?!}%{2}).|\r?\n)*))?\s*(?:}%{2})?/gi, '');
  const code = current.replace(/^\s*%%(?!{)[^\n]+\n?/gm, '').trimStart();
  const parsed = code
    .replace(/style.*:\S*#.*;/g, (s) => s.slice(0, -1))
    .replace(/classDef.*:\S*#.*;/g, (s) => s.slice(0, -1))
    .replace(/#\w+;/g, (s) => {
      const inner = s.slice(1, -1);
      return (/^\+?\d+$/.test(inner) ? '\uFB02\xB0\xB0' : '\uFB02\xB0') + inner + '\xB6\xDF';
    });
  return { code, parsed: `${parsed}\n` };
}

/** The offset of a 1-based line and column in `text`. */
const offsetIn = (text: string, line: number, column: number) => text.split('\n').slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + column - 1;

describe('mermaid-source', () => {
  it('rewrites exactly as Mermaid does', () => {
    fc.assert(
      fc.property(mermaidish, (raw) => {
        const text = normalizeSource(raw);
        const rewritten = rewriteLikeMermaid(text);
        const reference = mermaidRewrite(text);
        expect(rewritten.code).toBe(reference.code);
        expect(rewritten.parsed).toBe(reference.parsed);
      }),
      { numRuns: runs(1000) },
    );
  }, TIMEOUT);

  it('maps every position Mermaid can report back into the file, onto the character it came from', () => {
    fc.assert(
      fc.property(fc.oneof(mermaidish, anyText(120)), fc.integer({ min: -5, max: 500 }), fc.integer({ min: -5, max: 500 }), (raw, line, column) => {
        const text = normalizeSource(raw);
        const rewritten = rewriteLikeMermaid(text);
        const inFile = (place: { line: number; column: number }) => {
          expect(place.line).toBeGreaterThanOrEqual(1);
          expect(place.line).toBeLessThanOrEqual(lineCount(text));
          expect(place.column).toBeGreaterThanOrEqual(1);
        };
        inFile(rewritten.declaration);
        inFile(rewritten.toSource(line, column));
        for (let offset = 0; offset < rewritten.parsed.length; offset++) inFile(rewritten.sourceAt(offset));
        // Where the rewriting only deleted text, each kept character maps onto itself (up to the
        // last one written: positions past it point at it, where an unclosed construct shows).
        if (!rewritten.code.includes('#')) {
          for (let offset = 0; offset < rewritten.code.trimEnd().length; offset++) {
            const place = rewritten.sourceAt(offset);
            expect(text[offsetIn(text, place.line, place.column)], `offset ${offset} of ${JSON.stringify(rewritten.code)} from ${JSON.stringify(text)}`).toBe(rewritten.code[offset]);
          }
        }
        expect(() => [findFrontMatter(text), brokenFrontMatter(text)]).not.toThrow();
      }),
      { numRuns: runs(500), examples: [['\n\n  \n%% note\n  flowchart LR\n', 1, 0]] },
    );
  }, TIMEOUT);

  it('describes any error Mermaid can throw at a position in the file', () => {
    const hash = fc.record(
      {
        token: fc.oneof(fc.constant(1), fc.string({ maxLength: 6 }), fc.constantFrom('NEWLINE', 'EOF', 'NL')),
        expected: fc.oneof(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), fc.anything()),
        line: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.constant('1'), fc.double()),
        loc: fc.oneof(fc.record({ first_line: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.double()), first_column: fc.oneof(fc.integer({ min: -2, max: 500 }), fc.double()) }, { requiredKeys: [] }), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const langium = fc.record(
      {
        lexerErrors: fc.array(fc.record({ line: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.double()), column: fc.oneof(fc.integer({ min: -2, max: 500 }), fc.double()), message: fc.string() }, { requiredKeys: [] }), { maxLength: 3 }),
        parserErrors: fc.array(fc.record({ message: fc.anything(), token: fc.record({ startLine: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.double()), startColumn: fc.oneof(fc.integer(), fc.double()), image: fc.anything() }, { requiredKeys: [] }) }, { requiredKeys: [] }), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    const thrown = fc.oneof(
      fc.anything(),
      fc.record({ name: fc.constantFrom('UnknownDiagramError', 'YAMLException', 'Error'), message: fc.oneof(fc.string(), fc.constantFrom('Parse error on line 2:\n...a --> \n-----^\nExpecting \'TXT\', got \'NEWLINE\'', 'Lexical error on line 1. Unrecognized text.\n@@\n^')), hash, result: langium, mark: fc.anything() }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(thrown, fc.oneof(mermaidish, anyText(80)), (error, raw) => {
        const text = normalizeSource(raw);
        const described: EngineError = describeError(error, text, rewriteLikeMermaid(text));
        expect(['syntax', 'unknown-type', 'frontmatter']).toContain(described.category);
        expect(typeof described.message).toBe('string');
        expect(Number.isInteger(described.line) && described.line >= 1, JSON.stringify(described)).toBe(true);
        expect(described.line).toBeLessThanOrEqual(lineCount(text) + (described.category === 'frontmatter' ? 50 : 0));
        expect(Number.isInteger(described.column) && described.column >= 1, JSON.stringify(described)).toBe(true);
        expect(Array.isArray(described.expected)).toBe(true);
      }),
      // Found by this property: `String()` throws on an object without a prototype, so describeError threw.
      { numRuns: runs(500), examples: [[Object.create(null), ''], [{ hash: { line: 0, token: Object.create(null), expected: [Object.create(null)] } }, 'a']] },
    );
  }, TIMEOUT);
});

const FIXTURES = new URL('../fixtures/mermaid/', import.meta.url);
const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.mmd')).map((name) => readFileSync(new URL(name, FIXTURES), 'utf8'));

const diagramText = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...fixtures), mutations(3)).map(([text, list]) => applyMutations(text, list)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('flowchart LR\n', 'sequenceDiagram\n', 'erDiagram\n', 'C4Context\n', '---\ntitle: x\n---\n', ''), mermaidish).map(([head, rest]) => head + rest) },
  { weight: 1, arbitrary: anyText(120) },
);

describe('parseDiagram', () => {
  it('ends every diagram with well-formed diagnostics inside it, or a diagram', async () => {
    await fc.assert(
      fc.asyncProperty(diagramText, fc.constantFrom<DiagramRole>('context', 'data-model', 'sequence', 'inline'), fc.nat(20), async (source, role, lineOffset) => {
        const { diagram, diagnostics } = await parseDiagram(source, 'checkout/diagram.mmd', { role, lineOffset });
        expectWellFormed(diagnostics, { file: 'checkout/diagram.mmd', maxLine: lineCount(source) + lineOffset });
        for (const d of diagnostics) expect(d.line, JSON.stringify(d)).toBeGreaterThan(lineOffset);
        if (diagram) {
          expect(diagram.source).toBe(source);
          expect(typeof diagram.kind).toBe('string');
          for (const list of [diagram.components, diagram.relations, diagram.entities, diagram.participants, diagram.messages]) expect(Array.isArray(list)).toBe(true);
        }
      }),
      { numRuns: runs(100) },
    );
  }, TIMEOUT);

  it('reports the diagrams of a story inside the story', async () => {
    const story = fc
      .array(fc.oneof(fc.constantFrom('Text.\n', '\n', '```mermaid\n', '```\n', '~~~mermaid\n', '> ```mermaid\n', 'flowchart LR\n', '  a --> b\n', 'sequenceDiagram\n', 'a->>b\n'), fc.constantFrom(...fixtures)), { maxLength: 6 })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(story, async (body) => {
        // As bundle.ts does for a story starting on line 1 of feature.md.
        for (const block of scanStory(body).diagrams) {
          const { diagnostics } = await parseDiagram(block.source, 'checkout/feature.md', { role: 'inline', lineOffset: block.line - 1 });
          expectWellFormed(diagnostics, { maxLine: lineCount(body) });
        }
      }),
      // Found by this property: an empty block left open at the end was reported a line past the end.
      { numRuns: runs(40), examples: [['```mermaid'], ['Text.\n```mermaid\n']] },
    );
  }, TIMEOUT);
});

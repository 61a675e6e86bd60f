/**
 * The rule registry: every rule the core can report is documented, has a default severity, and
 * is exercised by at least one unit test (its ID appears, quoted, in a test file).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/core/rules.ts';

const UNIT = import.meta.dirname;
const SELF = path.basename(import.meta.filename);

/** The other unit test files, as text. */
const tests = readdirSync(UNIT)
  .filter((name) => name.endsWith('.test.ts') && name !== SELF)
  .map((name) => ({ name, text: readFileSync(path.join(UNIT, name), 'utf8') }));

/** Files in which a rule ID appears as a string literal: `'rule'`, `"rule"` or `` `rule` ``. */
const testsMentioning = (rule: string) => tests.filter(({ text }) => ["'", '"', '`'].some((q) => text.includes(`${q}${rule}${q}`))).map((t) => t.name);

/**
 * Rules that no content can trigger through the pipeline, and why. They are reported as such
 * rather than counted as covered; a rule leaves this list as soon as a test exercises it.
 */
const UNREACHABLE: Readonly<Record<string, string>> = {
  'ids/case-collision':
    'Item IDs must match /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/ (schemas/refs.ts), so a mixed-case ID fails the schema and never reaches the index: two valid IDs cannot differ only in case.',
};

describe('the rule registry', () => {
  it('has rules', () => {
    expect(Object.keys(RULES).length).toBeGreaterThan(0);
  });

  it.each(Object.entries(RULES))('%s has a description and a severity of error or warning', (rule, info) => {
    expect(rule).toMatch(/^[a-z]+\/[a-z]+(-[a-z]+)*$/);
    expect(['error', 'warning']).toContain(info.severity);
    expect(info.description.trim()).not.toBe('');
  });

  it('has every rule exercised by at least one unit test', () => {
    const untested = Object.keys(RULES).filter((rule) => !(rule in UNREACHABLE) && testsMentioning(rule).length === 0);
    expect(untested, 'rules that no test/unit/*.test.ts mentions').toEqual([]);
  });

  it('lists as unreachable only registered rules that no test exercises', () => {
    for (const [rule, reason] of Object.entries(UNREACHABLE)) {
      expect(Object.keys(RULES), `${rule} is not in RULES any more`).toContain(rule);
      expect(testsMentioning(rule), `${rule} is exercised by a test now: remove it from UNREACHABLE`).toEqual([]);
      expect(reason.trim()).not.toBe('');
    }
  });
});

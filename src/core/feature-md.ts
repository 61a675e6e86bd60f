/** `feature.md`: frontmatter (gray-matter, with our YAML engine so errors keep their lines) and story. */
import matter from 'gray-matter';
import { problem, pushAll, type Diagnostic, type RuleInfo } from './diagnostics.ts';
import { validateSchema } from './schema-errors.ts';
import { featureFrontmatterSchema, type FeatureFrontmatter } from './schemas/feature.ts';
import { parseYaml, type DocPath, type YamlResult } from './yaml.ts';

export const featureRules = {
  'feature/no-frontmatter': { severity: 'error', description: '`feature.md` has no YAML frontmatter.' },
  'feature/slug': { severity: 'error', description: 'A bundle folder name is not a valid URL slug.' },
} as const satisfies Record<string, RuleInfo>;

export interface ParsedFeatureMd {
  meta?: FeatureFrontmatter | undefined;
  /** Where a frontmatter field was written, e.g. `['depends_on', 1]`. */
  locate: (path: DocPath) => { line: number; column: number };
  body: string;
  /** Line of `feature.md` on which the body starts. */
  bodyLine: number;
  diagnostics: Diagnostic[];
}

export function parseFeatureMd(text: string, file: string): ParsedFeatureMd {
  const diagnostics: Diagnostic[] = [];
  const source = text.replace(/^\uFEFF/, '');
  if (!/^---[ \t]*\r?\n/.test(source)) {
    diagnostics.push(
      problem(featureRules, 'feature/no-frontmatter', { file }, '`feature.md` does not start with YAML frontmatter.', 'Start the file with a `---` line, the fields title, id, status and owner, and another `---` line.'),
    );
    return { body: source, bodyLine: 1, diagnostics, locate: () => ({ line: 1, column: 1 }) };
  }
  // Without a closing `---`, gray-matter reads the whole story as YAML and blames its first sentence.
  if (!source.slice(3).includes('\n---')) {
    diagnostics.push(
      problem(featureRules, 'feature/no-frontmatter', { file }, 'The frontmatter opened on line 1 is never closed.', 'Add a `---` line after the last field (title, id, status, owner, …), before the story.'),
    );
    return { body: source, bodyLine: 1, diagnostics, locate: () => ({ line: 1, column: 1 }) };
  }
  let yaml: YamlResult | undefined;
  // Our engine replaces js-yaml so that syntax errors come back as diagnostics with lines, not throws.
  const parsed = matter(source, {
    engines: {
      yaml: (input: string) => {
        // gray-matter hands over the text between the fences; count the lines before it.
        const start = source.indexOf(input);
        yaml = parseYaml(input, file, start < 0 ? 1 : source.slice(0, start).split('\n').length - 1);
        return (yaml.value ?? {}) as object;
      },
    },
  });
  const bodyLine = source.slice(0, source.length - parsed.content.length).split('\n').length;
  const locate = yaml?.locate ?? (() => ({ line: 1, column: 1 }));
  // gray-matter skips the engine for an empty block; a comment-only block parses to nothing.
  if (!yaml || (yaml.value === undefined && yaml.diagnostics.every((d) => d.rule === 'yaml/empty'))) {
    return { body: parsed.content, bodyLine, diagnostics: [...diagnostics, ...emptyFrontmatter(file)], locate };
  }
  pushAll(diagnostics, yaml.diagnostics);
  if (yaml.value === undefined) return { body: parsed.content, bodyLine, diagnostics, locate };
  const { data, diagnostics: schemaDiagnostics } = validateSchema(featureFrontmatterSchema, yaml.value, { file, locate });
  pushAll(diagnostics, schemaDiagnostics);
  return { meta: data, body: parsed.content, bodyLine, diagnostics, locate };
}

const emptyFrontmatter = (file: string) => [
  problem(featureRules, 'feature/no-frontmatter', { file }, 'The frontmatter of `feature.md` is empty.', 'Write at least title, id, status and owner between the `---` lines.'),
];

/** Slugs become URLs: lowercase letters, digits and dashes. */
export function slugProblem(slug: string, file: string): Diagnostic | undefined {
  if (/^[a-z0-9][a-z0-9-]*$/.test(slug)) return undefined;
  const suggestion = slug.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'my-feature';
  return problem(featureRules, 'feature/slug', { file }, `The bundle folder "${slug}" is not a valid slug; it becomes the feature's URL.`, `Rename the folder to "${suggestion}" (lowercase letters, digits and dashes).`);
}

/**
 * Threat models from other tools: a bundle may carry an OWASP Threat Dragon v2 model or an Open
 * Threat Model (OTM) document, under any `*.json` name, instead of (or beside) `threats.yaml`.
 * Files are recognised by their content, and mapped onto the `threats.yaml` model; wherever the
 * mapping loses something, a warning says what.
 */
import { problem } from '../diagnostics.ts';
import { jsonSyntaxError } from '../json-position.ts';
import { importerRules, ImportSession, type ImportContext, type ImportResult, type ThreatModelKind } from './common.ts';
import { importOtm, isOtm } from './otm.ts';
import { importThreatDragon, isThreatDragon } from './threat-dragon.ts';

export { importerRules, type ImportContext, type ImportResult, type ThreatModelKind } from './common.ts';

/** Which threat-model format a parsed JSON document is in, if any. */
export function recogniseThreatModel(value: unknown): ThreatModelKind | undefined {
  if (isOtm(value)) return 'otm';
  if (isThreatDragon(value)) return 'threat-dragon';
  return undefined;
}

/**
 * Whether a bundle's JSON file is a threat model the importers should read: recognised by content,
 * or broken JSON that plainly tries to be one (so its syntax error is reported at its line rather
 * than the file being called unknown).
 */
export function isThreatModelText(text: string): boolean {
  try {
    return recogniseThreatModel(JSON.parse(text)) !== undefined;
  } catch {
    // `"detail": {` with `"diagrams":` anywhere after it. In two searches: one regex with `[\s\S]*`
    // between them backtracks from every `"detail"`, quadratic in a file full of them.
    const detail = /"detail"\s*:\s*\{/.exec(text);
    return /"otmVersion"\s*:/.test(text) || (detail !== null && /"diagrams"\s*:/.test(text.slice(detail.index + detail[0].length)));
  }
}

/** Imports one threat-model file; `file` is relative to the content root. Never throws. */
export function importThreatModel(text: string, file: string, ctx: ImportContext): ImportResult {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const at = jsonSyntaxError(text, (error as Error).message);
    return {
      threats: [],
      diagnostics: [problem(importerRules, 'import/invalid-json', { file, line: at.line, column: at.column }, `${at.message} The threat model cannot be imported.`,
        'Export the model again from its tool, or fix the JSON at this line.')],
    };
  }
  const kind = recogniseThreatModel(value);
  const session = new ImportSession(text, file, ctx);
  if (!kind) {
    session.report('import/unknown-format', [], 'This JSON file is neither an OWASP Threat Dragon v2 model nor an Open Threat Model document.',
      'Export the threat model from Threat Dragon 2.x or as OTM JSON, or write it as threats.yaml.');
    return { threats: [], diagnostics: session.diagnostics };
  }
  try {
    const doc = value as Record<string, unknown>;
    const drafts = kind === 'otm' ? importOtm(doc, session) : importThreatDragon(doc, session);
    return { kind, threats: session.finish(drafts), diagnostics: session.diagnostics };
  } catch (error) {
    // The mappers guard every access; this is a last resort so a strange file never stops the build.
    session.report('import/unknown-format', [], `The ${kind} model could not be read: ${(error as Error).message}`, 'Export the model again from its tool.');
    return { kind, threats: [], diagnostics: session.diagnostics };
  }
}

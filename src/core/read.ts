/** Reading bundle files as text: size-limited, UTF-8 checked, never throwing. */
import { readFile, stat } from 'node:fs/promises';
import { problem, type Diagnostic, type RuleInfo } from './diagnostics.ts';

export const readRules = {
  'file/unreadable': { severity: 'error', description: 'A file could not be read.' },
  'file/too-large': { severity: 'error', description: 'A file is larger than the size limit.' },
  'file/encoding': { severity: 'error', description: 'A text file is not valid UTF-8, or is binary.' },
} as const satisfies Record<string, RuleInfo>;

/** Default limits: text artefacts are small; API contracts can be many megabytes (GitHub's is 13 MB). */
export const SIZE_LIMITS = { text: 2 * 1024 * 1024, contract: 64 * 1024 * 1024 };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads `abs` as UTF-8 text; `file` is the name used in diagnostics. Strips a leading BOM. */
export async function readText(abs: string, file: string, limit = SIZE_LIMITS.text): Promise<{ text?: string; diagnostics: Diagnostic[] }> {
  try {
    const { size } = await stat(abs);
    if (size > limit) {
      return {
        diagnostics: [problem(readRules, 'file/too-large', { file }, `The file is ${mb(size)}, above the limit of ${mb(limit)}.`, 'Split it into smaller files, or raise the limit in the configuration.')],
      };
    }
    const bytes = await readFile(abs);
    if (bytes.includes(0)) {
      return { diagnostics: [problem(readRules, 'file/encoding', { file }, 'The file is binary, but a text file is expected here.', 'Save it as UTF-8 text, or remove it from the bundle.')] };
    }
    try {
      return { text: decoder.decode(bytes).replace(/^\uFEFF/, ''), diagnostics: [] };
    } catch {
      const line = lineOfFirstInvalidByte(bytes);
      return { diagnostics: [problem(readRules, 'file/encoding', { file, line }, 'The file is not valid UTF-8.', 'Re-save the file with UTF-8 encoding (the line shown holds the first invalid byte).')] };
    }
  } catch (error) {
    return { diagnostics: [problem(readRules, 'file/unreadable', { file }, `The file could not be read: ${(error as Error).message}`, 'Check that the file exists and is readable.')] };
  }
}

function lineOfFirstInvalidByte(bytes: Uint8Array): number {
  let low = 0;
  let high = bytes.length;
  // Binary search for the longest valid prefix; cheap even for large files.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  let line = 1;
  for (let i = 0; i < low; i++) if (bytes[i] === 10) line++;
  return line;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Reading bundle files as text: size-limited, UTF-8 checked, never throwing. */
import { readFileSync, statSync } from 'node:fs';
import { problem, type Diagnostic, type RuleInfo } from './diagnostics.ts';

export const readRules = {
  'file/unreadable': { severity: 'error', description: 'A file could not be read.' },
  'file/too-large': { severity: 'error', description: 'A file is larger than the size limit (`limits` in the configuration).' },
  'file/encoding': { severity: 'error', description: 'A text file is not valid UTF-8, or is binary.' },
} as const satisfies Record<string, RuleInfo>;

/** The largest file read, in bytes: API contracts, and every other file of a bundle. */
export interface SizeLimits {
  /** Any bundle file that is not an API contract: `feature.md`, YAML, diagrams, imported threat models. */
  file: number;
  /** An API contract and every file it references. */
  contract: number;
}

/** Default limits: text artefacts are small; API contracts can be many megabytes (GitHub's is 13 MB). */
export const SIZE_LIMITS: Readonly<SizeLimits> = { file: 2 * 1024 * 1024, contract: 64 * 1024 * 1024 };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads `abs` as UTF-8 text; `file` is the name used in diagnostics. Strips a leading BOM and turns
 * lone carriage returns (classic Mac OS line ends) into line feeds: editors, Markdown and Mermaid
 * break lines there, the YAML library does not, and every line number must mean the same line.
 */
export async function readText(abs: string, file: string, limit = SIZE_LIMITS.file): Promise<{ text?: string; diagnostics: Diagnostic[] }> {
  try {
    // Synchronous: a bundle's files are small, and the promise API costs more per file than the read.
    const info = statSync(abs);
    // A named pipe or a device would block the read, or never end: only regular files are read.
    if (!info.isFile()) {
      return {
        diagnostics: [
          problem(readRules, 'file/unreadable', { file }, info.isDirectory() ? 'This is a folder, but a file is expected here.' : 'This is not a regular file (a named pipe, socket or device), so it is not read.',
            info.isDirectory() ? 'Replace the folder with the file, or rename the folder.' : 'Replace it with a regular file, or remove it from the bundle.'),
        ],
      };
    }
    const size = info.size;
    if (size > limit) {
      return {
        diagnostics: [
          problem(readRules, 'file/too-large', { file }, `The file is ${formatSize(size)}, above the limit of ${formatSize(limit)}.`,
            'Split it into smaller files, or raise the limit with `limits:` in specport.config.yaml.'),
        ],
      };
    }
    const bytes = readFileSync(abs);
    // UTF-16 is what some Windows editors save as "Unicode"; it is full of NUL bytes, so say what it is.
    if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
      return { diagnostics: [problem(readRules, 'file/encoding', { file }, 'The file is UTF-16 text, but UTF-8 is expected.', 'Re-save the file with UTF-8 encoding (in most editors: "Save with encoding", UTF-8).')] };
    }
    const nul = bytes.indexOf(0);
    if (nul !== -1) {
      return {
        diagnostics: [
          problem(readRules, 'file/encoding', { file, line: lineOf(bytes, nul) }, 'The file is binary, but a text file is expected here.',
            'Save it as UTF-8 text, or remove it from the bundle (the line shown holds the first NUL byte, which text never contains).'),
        ],
      };
    }
    try {
      return { text: decoder.decode(bytes).replace(/^\uFEFF/, '').replace(/\r(?!\n)/g, '\n'), diagnostics: [] };
    } catch {
      const line = lineOf(bytes, validPrefixLength(bytes));
      return { diagnostics: [problem(readRules, 'file/encoding', { file, line }, 'The file is not valid UTF-8.', 'Re-save the file with UTF-8 encoding (the line shown holds the first invalid byte).')] };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // The message names the absolute path; the diagnostic already names the file.
    return { diagnostics: [problem(readRules, 'file/unreadable', { file }, `The file could not be read${code ? ` (${code})` : ''}.`, 'Check that the file exists and is readable.')] };
  }
}

/** The length of the longest valid UTF-8 prefix, by binary search; cheap even for large files. */
function validPrefixLength(bytes: Uint8Array): number {
  let low = 0;
  let high = bytes.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  return low;
}

/** The 1-based line holding byte `offset`. */
function lineOf(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
  return line;
}

/** `1.5 MB`, `12 KB`, `300 bytes`: sizes as people write them in the configuration. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${trim(bytes / 1024 / 1024)} MB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

const trim = (n: number) => n.toFixed(1).replace(/\.0$/, '');

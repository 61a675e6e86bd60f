/** The bench's command line: `npm run bench -- [--sizes 100,1000] [--skip-large] [--skip-dev] [--skip-browser] [--json out.json] [--keep]`. */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Portal sizes in features, ascending, without duplicates. */
  sizes: number[];
  skipLarge: boolean;
  skipDev: boolean;
  /** Skips the page-JavaScript measurement and the large contract's API page in Chromium. */
  skipBrowser: boolean;
  /** Also write the figures as JSON to this file. */
  json?: string;
  /** Leave the build outputs and baseline projects in `.bench/`. */
  keep: boolean;
}

export const USAGE = 'usage: npm run bench -- [--sizes 100,1000] [--skip-large] [--skip-dev] [--skip-browser] [--json out.json] [--keep]';

/** Parses the arguments; throws an Error with a message for the reader on bad usage. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      sizes: { type: 'string' },
      'skip-large': { type: 'boolean', default: false },
      'skip-dev': { type: 'boolean', default: false },
      'skip-browser': { type: 'boolean', default: false },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const sizes = (values.sizes ?? '100,1000').split(',').map((s) => s.trim().replace(/_/g, ''));
  const numbers = sizes.map((s) => {
    if (!/^[1-9][0-9]*$/.test(s)) throw new Error(`--sizes takes whole numbers of features separated by commas, not "${s}"`);
    return Number(s);
  });
  return {
    sizes: [...new Set(numbers)].sort((a, b) => a - b),
    skipLarge: values['skip-large'] ?? false,
    skipDev: values['skip-dev'] ?? false,
    skipBrowser: values['skip-browser'] ?? false,
    ...(values.json ? { json: values.json } : {}),
    keep: values.keep ?? false,
  };
}

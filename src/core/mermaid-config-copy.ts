/**
 * Mermaid 11's `getConfig()` returns a fresh two-level copy of its whole configuration (every
 * diagram's settings and some 200 theme variables) on every call, and its parsers call it for
 * nearly every statement: a sequence diagram's `autoWrap()` once per message and participant.
 * Copying is 90% of the time Mermaid spends parsing a diagram (3.5 ms for a ten-line sequence,
 * 0.1 ms without), and so most of a cold `check`.
 *
 * A module hook, installed in the thread that loads Mermaid before Mermaid loads, rewrites that
 * one function as it is read: it makes the copy once per configuration (every `setConfig` or
 * `reset` makes a new `currentConfig` object, and so a new copy) and hands out that copy. While
 * parsing, the only writes to it are the diagram `init` hooks' (`cnf.flowchart.arrowMarkerAbsolute
 * = cnf.arrowMarkerAbsolute`), which write the same value every time. A test parses every diagram
 * of the fixtures and the sample content with and without the hook and compares the results.
 * Rendering happens in the reader's browser, with Mermaid untouched.
 *
 * If a future Mermaid writes the function differently, the hook changes nothing and parsing is
 * only slower; `mermaidConfigCopyApplied()` tells which, and a test fails on it.
 * `SPECPORT_MERMAID_AS_SHIPPED=1` turns the hook off.
 *
 * Upstream: `getConfig` in mermaid/src/config.ts.
 */
import { registerHooks } from 'node:module';

/** The function as Mermaid 11 ships it, in `dist/chunks/mermaid.core/chunk-*.mjs`. */
const ORIGINAL = `var getConfig = /* @__PURE__ */ __name(() => {
  return assignWithDepth_default({}, currentConfig);
}, "getConfig");`;

const REPLACEMENT = `var specportCopyOf, specportCopy;
var getConfig = /* @__PURE__ */ __name(() => {
  if (specportCopyOf !== currentConfig) {
    specportCopyOf = currentConfig;
    specportCopy = assignWithDepth_default({}, currentConfig);
  }
  return specportCopy;
}, "getConfig");`;

let installed = false;
let applied = false;

/** Installs the hook in this thread; call it before the first `import('mermaid')`. */
export function installMermaidConfigCopy(): void {
  if (installed || process.env['SPECPORT_MERMAID_AS_SHIPPED'] === '1') return;
  installed = true;
  registerHooks({
    load(url, context, nextLoad) {
      const result = nextLoad(url, context);
      if (!url.includes('/mermaid/dist/chunks/mermaid.core/') || result.source === undefined || result.source === null) return result;
      const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source as Uint8Array).toString('utf8');
      if (!source.includes(ORIGINAL)) return result;
      applied = true;
      return { ...result, source: source.replace(ORIGINAL, REPLACEMENT) };
    },
  });
}

/** Whether Mermaid, loaded in this thread, was loaded with the shared copy. */
export const mermaidConfigCopyApplied = () => applied;

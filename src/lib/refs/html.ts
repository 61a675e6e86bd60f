/**
 * The HTML of a `/ref/<ID>/` page: a few hundred bytes that send the reader on to the item's
 * anchor. A portal may have tens of thousands of them, so there is no Starlight layout, no
 * stylesheet and no script but the redirect. Without JavaScript the meta refresh redirects; with
 * it, `location.replace` does, so the permanent link stays out of the history and Back returns
 * to the ticket. The link in the page works when both are blocked.
 *
 * Spec text is only ever written as escaped text. The target URL is built from the slug and the
 * ID, must be a path on this site (never `javascript:` or another host), and is escaped for the
 * attribute and the script it appears in.
 */
import { KIND_LABELS, type RefRecord } from './records.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * `href` under the base path, if it is a path on this site: starts with one `/`, no backslash,
 * no control characters. Anything else falls back to the portal's home page.
 */
export function safeTarget(href: string, base: string): string {
  const url = `${base.replace(/\/$/, '')}${href}`;
  return /^\/(?![/\\])[^\\\s\u0000-\u001f]*$/.test(url) ? url : `${base.replace(/\/$/, '')}/`;
}

/** Inside `<script>`: a JSON string that cannot close the element or start a comment. */
const scriptString = (text: string) => JSON.stringify(text).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const attribute = (name: string, value: string) => ` ${name}="${escapeHtml(value)}"`;

export function renderRefPage(record: RefRecord, options: { base: string }): string {
  const target = safeTarget(record.href, options.base);
  const kind = KIND_LABELS[record.kind];
  const where = record.featureTitle ? ` in ${record.featureTitle}` : '';
  const heading = record.title === record.label ? '' : ` ${escapeHtml(record.title)}`;
  // Pagefind reads one filter or meta value per attribute (commas do not separate them), and a
  // meta element must not hold weighted elements, so each value gets an empty element of its own.
  const search = record.searchable
    ? attribute('data-pagefind-body', '') + attribute('data-pagefind-meta', `title:${record.label}${heading ? `: ${record.title}` : ''}`)
    : '';
  const facets = record.searchable
    ? [
        ...Object.entries(record.filters).flatMap(([name, values]) => values.map((v) => `<span${attribute('data-pagefind-filter', `${name}:${v}`)}></span>`)),
        `<span${attribute('data-pagefind-meta', `kind:${kind}`)}></span>`,
      ].join('') + '\n'
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(record.title === record.label ? record.label : `${record.label}: ${record.title}`)}</title>
<link rel="canonical"${attribute('href', target.replace(/#.*$/, ''))}>
<meta http-equiv="refresh"${attribute('content', `0; url=${target}`)}>
<script>location.replace(${scriptString(target)})</script>
</head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5">
<main${search}>
${facets}<h1><code data-pagefind-weight="10">${escapeHtml(record.label)}</code></h1>
${heading ? `<p><strong>${heading.trim()}</strong></p>\n` : ''}<p data-pagefind-weight="0.5">${escapeHtml(kind.charAt(0).toUpperCase() + kind.slice(1))}${record.featureTitle ? ` in <span data-pagefind-meta="feature">${escapeHtml(record.featureTitle)}</span>` : ''}${record.summary ? `: ${escapeHtml(record.summary)}` : '.'}</p>
${record.text.length > 0 ? `<p data-pagefind-weight="0.25">${record.text.map(escapeHtml).join(' · ')}</p>\n` : ''}<p data-pagefind-ignore><a${attribute('href', target)}>Go to ${escapeHtml(record.label)}${escapeHtml(where)}</a></p>
</main>
</body>
</html>
`;
}

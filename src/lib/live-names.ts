/** Names the live preview's server side and page side share (live-portal.ts, live-version.ts, scripts/live-update.ts). */

/** The custom event the dev server sends when an edit has been linked. */
export const LIVE_UPDATED_EVENT = 'specport:updated';
/** The `<meta>` that carries the version of the model a page was rendered from. */
export const LIVE_VERSION_META = 'specport-live-version';
/** The path, under the base, where the dev server answers the current version (a file name: the portal's pages end in a slash). */
export const LIVE_VERSION_PATH = '__specport/live-version.txt';

/** Site-relative URLs from the model (`/features/checkout/#CHK-NFR-01`) under the configured base path. */
export function withBase(href: string): string {
  const base = import.meta.env.BASE_URL.replace(/\/$/, '');
  return href.startsWith('/') ? `${base}${href}` : href;
}

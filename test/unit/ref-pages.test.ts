/** The `/ref/` pages a build writes after Astro's own pages: one file per record, never outside `ref/`. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeRefPages } from '../../src/lib/refs/integration.ts';
import type { RefRecord } from '../../src/lib/refs/records.ts';
import { tempDirs } from '../helpers/temp-dirs.ts';

const temp = tempDirs('ref-pages');

const record = (id: string, href: string): RefRecord => ({
  id, kind: 'op', href, label: id, title: 'POST /orders', summary: '', featureTitle: 'Checkout', searchable: true, filters: { kind: ['operation'] }, text: [],
});

describe('writeRefPages', () => {
  it('writes each record to ref/<id>/index.html, qualified IDs in nested folders, under the base path', async () => {
    const out = await temp();
    const written = await writeRefPages(out, [record('createOrder', '/features/checkout/#createOrder'), record('checkout/createOrder', '/features/checkout/#createOrder')], '/specs/');
    expect(written).toBe(2);
    const page = await readFile(path.join(out, 'ref/checkout/createOrder/index.html'), 'utf8');
    expect(page).toContain('<meta http-equiv="refresh" content="0; url=/specs/features/checkout/#createOrder">');
    expect(await readFile(path.join(out, 'ref/createOrder/index.html'), 'utf8')).toContain('url=/specs/features/checkout/#createOrder');
  });

  it('skips an ID that would leave the ref folder', async () => {
    const out = await temp();
    expect(await writeRefPages(out, [record('../escaped', '/'), record('a/../../escaped', '/'), record('ok', '/')], '/')).toBe(1);
    expect(await readdir(out)).toEqual(['ref']);
    expect(await readdir(path.join(out, 'ref'))).toEqual(['ok']);
  });
});

/** Diagnostics grouped by bundle folder: each lands under every bundle folder that holds its file. */
import { describe, expect, it } from 'vitest';
import { diagnosticsByDir, type Diagnostic } from '../../src/core/diagnostics.ts';

const at = (file: string) => ({ severity: 'error', rule: 'yaml/syntax', file, line: 1, column: 1, message: file, hint: '' }) as Diagnostic;

describe('diagnosticsByDir', () => {
  it('groups by the folders that hold each file, nested bundles included, and leaves out what no bundle holds', () => {
    const list = ['shop/orders/nfr.yaml', 'shop/feature.md', 'shop-two/nfr.yaml', 'shop', 'specport.config.yaml', 'pay/cards/x/y.mmd'].map(at);
    const byDir = diagnosticsByDir(list, ['shop', 'shop/orders', 'pay/cards', 'empty']);
    const files = (dir: string) => byDir.get(dir)!.map((d) => d.file);
    expect(files('shop')).toEqual(['shop/orders/nfr.yaml', 'shop/feature.md', 'shop']);
    expect(files('shop/orders')).toEqual(['shop/orders/nfr.yaml']);
    expect(files('pay/cards')).toEqual(['pay/cards/x/y.mmd']);
    expect(files('empty')).toEqual([]);
  });

  it('gives a bundle at the content root itself every diagnostic', () => {
    const list = ['feature.md', 'sequences/a.mmd'].map(at);
    expect(diagnosticsByDir(list, ['.']).get('.')).toEqual(list);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(fileURLToPath(new URL('../../../../docs/ERRORS.md', import.meta.url)), 'utf8');
const documented = new Map([...doc.matchAll(/^\| `([a-z_.]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]));

describe('docs/ERRORS.md', () => {
  it('lists exactly the codes the code defines, with their HTTP status', () => {
    const defined = new Map(Object.entries(ERROR_CODES).map(([code, v]) => [code, v.status]));
    expect([...documented.keys()].sort()).toEqual([...defined.keys()].sort());
    for (const [code, status] of defined) expect(documented.get(code), code).toBe(status);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ROOT } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';
import { useCtpApps } from '../../fixtures/ctpApps';

const tempDir = useTempDirs();
const start = useCtpApps();

describe('docs/openapi.json', () => {
  it('describes routes the server really has, with the {"error"} shape', async () => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'docs', 'openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    const { app } = await start(tempDir());
    let operations = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        const url = path.replace(/\{(\w+)\}/g, ':$1');
        expect([method, url, app.hasRoute({ method: method.toUpperCase() as 'GET', url })]).toEqual(
          [method, url, true],
        );
        operations++;
      }
    }
    expect(operations).toBeGreaterThan(40);
    expect(doc.components.schemas.Error).toMatchObject({ required: ['error'] });
  });
});

import { describe, expect, it } from 'vitest';

import { AppError } from '../../../shared/errors';
import { createProviderServices } from '../../../electron/core/provider/services';
import { ctsProvider } from '../../fixtures/cts';
import { manualClock } from '../../fixtures/provider';
import { useTestStores } from '../../fixtures/providerStore';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const openStore = useTestStores();

async function open() {
  const store = await openStore(tempDir());
  const services = createProviderServices({ store, clock: manualClock().clock });
  const mapping = () => store.get<{ revision: number }>('SELECT revision FROM cts_mapping');
  return { store, services, mapping };
}

/** The error an import throws, synchronously (validation) or not (the write). */
async function refusal(work: () => Promise<unknown>): Promise<AppError> {
  const error = await Promise.resolve()
    .then(work)
    .then(
      () => null,
      (caught: unknown) => caught,
    );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('server import: the compliance section', () => {
  it('stores the mapping in the import transaction; the same file again changes nothing', async () => {
    const { services, mapping } = await open();
    await services.importer.importDocument(ctsProvider());
    expect(await mapping()).toEqual({ revision: 1 });
    await services.importer.importDocument(ctsProvider());
    expect((await mapping())!.revision).toBe(1);
    const changed = ctsProvider();
    changed.compliance.frameworks.pop();
    await services.importer.importDocument(changed);
    expect((await mapping())!.revision).toBe(2);
    // A file without the section leaves the mapping as it is.
    const { compliance: _omitted, ...without } = ctsProvider();
    await services.importer.importDocument(without);
    expect((await mapping())!.revision).toBe(2);
  });

  it('refuses unknown measurement ids by JSON path, and imports nothing at all', async () => {
    const { store, services, mapping } = await open();
    const provider = ctsProvider();
    provider.compliance.frameworks[1]!.controls.push({ id: 'A.5.1', measurements: ['m1', 'nope'] });
    const error = await refusal(() => services.importer.importDocument(provider));
    expect(error.code).toBe('CTP_PROVIDER_INVALID');
    expect(error.message).toContain(
      'compliance.frameworks[1].controls[1].measurements[1]: there is no measurement "nope" in the document or on the server',
    );
    expect(await mapping()).toBeUndefined();
    expect(await store.get('SELECT count(*) AS n FROM service_views')).toEqual({ n: 0 });
  });

  it('accepts ids of measurements already on the server', async () => {
    const { services, mapping } = await open();
    const { compliance, ...tree } = ctsProvider();
    await services.importer.importDocument(tree);
    await services.importer.importDocument({ compliance });
    expect((await mapping())!.revision).toBe(1);
  });

  it('reports every problem of the section with the rest of the document', async () => {
    const { services } = await open();
    const provider = ctsProvider() as Record<string, unknown>;
    provider.compliance = {
      frameworks: [
        {
          name: 'SOC2',
          controls: [
            { id: 'a', status: 'compliant' },
            { id: 'a', status: 'partial', evidence_ref: 'ftp://x' },
          ],
        },
      ],
    };
    const error = await refusal(() => services.importer.importDocument(provider));
    expect(error.details?.problems).toEqual([
      {
        path: 'compliance.frameworks[0].controls[1].evidence_ref',
        message:
          'must be sha256:<64 hex digits>, an https:// URL or an s3://bucket/key location (OpenCTS §5)',
      },
      {
        path: 'compliance.frameworks[0].controls[1].id',
        message: 'control "a" is listed twice',
      },
    ]);
  });
});

import { describe, expect, it } from 'vitest';

import type { ArchiveFile } from '../../../../../electron/core/bundles/archive/readBundle';
import { createExaminationQueue } from '../../../../../electron/core/bundles/verify/examinationQueue';
import type { RuleExamination } from '../../../../../electron/core/bundles/verify/examineRule';
import type { RuleExaminer } from '../../../../../electron/core/bundles/verify/ruleExaminer';

const KIB = 1024;
const file = (index: number, bytes: number): ArchiveFile => ({
  path: `rules/ow-${index}.json`,
  kind: 'rule-file',
  bytes: Buffer.alloc(bytes),
});
const examination = (path: string): RuleExamination => ({
  path,
  format: 'json',
  fileHash: '',
  decoded: true,
  ruleId: null,
  valid: true,
  lenientMappings: [],
  lenientWouldFix: false,
  findings: [],
});

/** An examiner whose batches wait until the test settles them. */
function heldExaminer() {
  const batches: { files: readonly ArchiveFile[]; settle: (error?: Error) => void }[] = [];
  const examiner: RuleExaminer = {
    examine: (files) =>
      new Promise((resolve, reject) => {
        batches.push({
          files,
          settle: (error) =>
            error ? reject(error) : resolve(files.map((item) => examination(item.path))),
        });
      }),
    close: async () => undefined,
  };
  return { examiner, batches };
}

describe('examinationQueue', () => {
  it('hands files over in batches of about 256 KiB and gives them back in order', async () => {
    const { examiner, batches } = heldExaminer();
    const queue = createExaminationQueue(examiner, { lenient: false, keepContent: false });
    for (let index = 0; index < 10; index += 1) queue.add(file(index, 100 * KIB));
    expect(batches.map((batch) => batch.files.length)).toEqual([3, 3, 3]);
    const finished = queue.finish();
    expect(batches.map((batch) => batch.files.length)).toEqual([3, 3, 3, 1]);
    for (const batch of [...batches].reverse()) batch.settle();
    const examined = await finished;
    expect(examined.map(({ path, examination: result }) => [path, result.path])).toEqual(
      Array.from({ length: 10 }, (_, index) => [
        `rules/ow-${index}.json`,
        `rules/ow-${index}.json`,
      ]),
    );
  });

  it('keeps the bytes of each file only when asked to (for an import)', async () => {
    for (const keepContent of [false, true]) {
      const { examiner, batches } = heldExaminer();
      const queue = createExaminationQueue(examiner, { lenient: false, keepContent });
      const added = file(0, KIB);
      queue.add(added);
      const finished = queue.finish();
      for (const batch of batches) batch.settle();
      const [examined] = await finished;
      expect(examined?.content).toBe(keepContent ? added.bytes : null);
    }
  });

  it('paces the read while more than 8 MiB wait, until the examiner catches up', async () => {
    const { examiner, batches } = heldExaminer();
    const queue = createExaminationQueue(examiner, { lenient: false, keepContent: false });
    for (let index = 0; index < 32; index += 1) queue.add(file(index, 256 * KIB));
    expect(queue.pace()).toBeUndefined();
    queue.add(file(32, 256 * KIB));
    const pace = queue.pace();
    expect(pace).toBeInstanceOf(Promise);
    batches[0]?.settle();
    await pace;
    expect(queue.pace()).toBeUndefined();
  });

  it("fails with the examiner's first error, and abandons whatever the outcomes", async () => {
    const { examiner, batches } = heldExaminer();
    const queue = createExaminationQueue(examiner, { lenient: false, keepContent: false });
    queue.add(file(0, 256 * KIB));
    queue.add(file(1, 256 * KIB));
    batches[1]?.settle(new Error('second'));
    batches[0]?.settle(new Error('first'));
    await expect(queue.abandon()).resolves.toBeUndefined();
    await expect(queue.finish()).rejects.toThrow('first');
  });
});

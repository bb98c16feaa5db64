/**
 * Feeds one verification's rule files to a {@link RuleExaminer} in batches as the archive
 * is read, so that they are examined while the rest inflates (and, with a worker, while
 * the reading thread parses), and gives the examinations back in file order. A file's
 * bytes are let go once its batch is examined unless the queue keeps them for an import.
 */
import type { RuleExamination } from './examineRule';
import type { ArchiveFile } from '../archive/readBundle';
import type { RuleExaminer } from './ruleExaminer';

/** Rule files are handed over in batches of about this many bytes. */
const BATCH_BYTES = 256 * 1024;
/**
 * How far reading may run ahead of the examiner: a worker gets a copy of each batch, so
 * an examiner that falls behind would otherwise hold a second copy of the whole archive.
 */
const AHEAD_BYTES = 8 * 1024 * 1024;

export interface ExaminedFile {
  path: string;
  /** The file's bytes when the queue keeps them (`keepContent`), else null. */
  content: Buffer | null;
  examination: RuleExamination;
}

export interface ExaminationQueue {
  add(file: ArchiveFile): void;
  /** For readBundle's `pace`: a promise while the examiner is too far behind. */
  pace(): Promise<void> | undefined;
  /** Every file added, with its examination; rejects with the examiner's first error. */
  finish(): Promise<ExaminedFile[]>;
  /** Waits for the batches handed over, whatever their outcome (the read failed). */
  abandon(): Promise<void>;
}

type Settled = { ok: true; value: RuleExamination[] } | { ok: false; error: unknown };

export function createExaminationQueue(
  examiner: RuleExaminer,
  options: { lenient: boolean; keepContent: boolean },
): ExaminationQueue {
  const { lenient, keepContent } = options;
  const files: Array<Omit<ExaminedFile, 'examination'>> = [];
  const batches: Promise<Settled>[] = [];
  let batch: ArchiveFile[] = [];
  let batchBytes = 0;
  let examiningBytes = 0;
  let caughtUp: (() => void) | null = null;

  const flush = (): void => {
    if (batch.length === 0) return;
    const bytes = batchBytes;
    examiningBytes += bytes;
    // Settled at once: a batch failing while the archive is still being read must not
    // become an unhandled rejection.
    batches.push(
      examiner
        .examine(batch, lenient)
        .then(
          (value): Settled => ({ ok: true, value }),
          (error: unknown): Settled => ({ ok: false, error }),
        )
        .then((settled) => {
          examiningBytes -= bytes;
          if (examiningBytes <= AHEAD_BYTES) caughtUp?.();
          return settled;
        }),
    );
    batch = [];
    batchBytes = 0;
  };

  return {
    add(file) {
      files.push({ path: file.path, content: keepContent ? file.bytes : null });
      batch.push(file);
      batchBytes += file.bytes.length;
      if (batchBytes >= BATCH_BYTES) flush();
    },
    pace() {
      if (examiningBytes <= AHEAD_BYTES) return undefined;
      return new Promise<void>((resolve) => {
        caughtUp = () => {
          caughtUp = null;
          resolve();
        };
      });
    },
    async finish() {
      flush();
      const examined: ExaminedFile[] = [];
      for (const settled of await Promise.all(batches)) {
        if (!settled.ok) throw settled.error;
        for (const examination of settled.value) {
          const file = files[examined.length];
          if (file !== undefined) examined.push({ ...file, examination });
        }
      }
      return examined;
    },
    async abandon() {
      await Promise.all(batches);
    },
  };
}

/**
 * Who examines a bundle's rule files (examineRule.ts) for the verifier: on the calling
 * thread, or on a worker thread so that hashing, decoding and validating the rules runs
 * beside the main thread's reading of the archive (on a large bundle each needs a thread
 * of its own: docs/decisions.md
 * "Rule files are examined on a worker thread").
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';

import { AppError } from '../../../../shared/errors';
import { startModuleWorker } from '../../moduleWorker';
import { examineRuleBytes } from './examineRule';
import type { RuleExamination } from './examineRule';
import type { ArchiveFile } from '../archive/readBundle';
import type { ExamineReply, ExamineRequest } from './ruleExaminerWorker';

export interface RuleExaminer {
  /** One examination per file, in order. */
  examine(files: readonly ArchiveFile[], lenient: boolean): Promise<RuleExamination[]>;
  /** Stops the worker, if any; examinations still running fail. */
  close(): Promise<void>;
}

/**
 * Examines on the calling thread, at once: no thread to start, so it suits one-shot
 * commands and small bundles (the CLI, `bundle sign`'s self-check).
 */
export const inThreadRuleExaminer: RuleExaminer = {
  examine: async (files, lenient) =>
    files.map((file) => examineRuleBytes(file.path, file.bytes, lenient)),
  close: async () => undefined,
};

/**
 * Rule bytes an examiner examines on the calling thread before it starts its worker.
 * Starting the worker costs about as much CPU as examining this much on the calling
 * thread, so below it the thread cannot pay for itself, least of all in a one-shot
 * command (docs/decisions.md "The rule-examiner worker starts past 16 MiB of rules").
 */
export const WORKER_AFTER_BYTES = 16 * 1024 * 1024;

export interface WorkerRuleExaminerOptions {
  /** Starts the worker (default: ruleExaminerWorker beside this module). */
  startWorker?: (() => Worker) | undefined;
  /** Rule bytes examined on the calling thread first (default WORKER_AFTER_BYTES). */
  workerAfterBytes?: number | undefined;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Examines on the calling thread until it has examined `workerAfterBytes` of rule files
 * (over all its verifications), then on one worker thread, started then and kept for
 * the next verifications (it does not keep the process alive while idle). If the worker
 * dies, the batches it held fail with BUNDLE_EXAMINER_FAILED and the next batch starts a
 * new one.
 */
export function createWorkerRuleExaminer(options: WorkerRuleExaminerOptions = {}): RuleExaminer {
  const thread = createExaminerThread(
    options.startWorker ?? (() => startModuleWorker(HERE, 'ruleExaminerWorker')),
  );
  const workerAfterBytes = options.workerAfterBytes ?? WORKER_AFTER_BYTES;
  let examinedHere = 0;
  let closed = false;
  return {
    async examine(files, lenient) {
      if (closed) {
        throw new AppError('APP_DISPOSED', 'The rule examiner is closed.', { expected: false });
      }
      if (files.length === 0) return [];
      if (!thread.running && examinedHere < workerAfterBytes) {
        for (const file of files) examinedHere += file.bytes.length;
        return inThreadRuleExaminer.examine(files, lenient);
      }
      return thread.examine(packBatch(files, lenient));
    },
    async close() {
      closed = true;
      await thread.close();
    },
  };
}

type Batch = Omit<ExamineRequest, 'id'>;

/**
 * The batch as one buffer of its own, to be moved to the worker: posting each file's
 * view would copy the whole inflated chunk the view points into.
 */
function packBatch(files: readonly ArchiveFile[], lenient: boolean): Batch {
  const ends: number[] = [];
  let total = 0;
  for (const file of files) {
    total += file.bytes.length;
    ends.push(total);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const file of files) {
    bytes.set(file.bytes, offset);
    offset += file.bytes.length;
  }
  return { lenient, paths: files.map((file) => file.path), ends, bytes: bytes.buffer };
}

interface ExaminerThread {
  /** Whether a worker is running (false again once it died or was closed). */
  readonly running: boolean;
  examine(batch: Batch): Promise<RuleExamination[]>;
  close(): Promise<void>;
}

/** One worker thread, started at its first batch, and the batches it holds. */
function createExaminerThread(startWorker: () => Worker): ExaminerThread {
  type Waiting = { resolve: (value: RuleExamination[]) => void; reject: (error: Error) => void };
  const pending = new Map<number, Waiting>();
  let worker: Worker | null = null;
  let nextId = 1;

  const failPending = (reason: string): void => {
    for (const { reject } of pending.values()) reject(examinerFailed(`stopped: ${reason}`));
    pending.clear();
  };

  const ensureWorker = (): Worker => {
    if (worker !== null) return worker;
    const started = startWorker();
    const lost = (reason: string): void => {
      if (worker !== started) return;
      worker = null;
      failPending(reason);
    };
    started.on('message', (reply: ExamineReply) => {
      const waiting = pending.get(reply.id);
      if (waiting === undefined) return;
      pending.delete(reply.id);
      if (pending.size === 0) started.unref();
      if ('error' in reply) waiting.reject(examinerFailed(`failed: ${reply.error}`));
      else waiting.resolve(reply.examinations);
    });
    started.on('error', (error) => lost(`the worker thread failed (${error.message})`));
    started.on('exit', (code) => lost(`the worker thread exited (code ${code})`));
    worker = started;
    return started;
  };

  return {
    get running() {
      return worker !== null;
    },
    examine(batch) {
      const request: ExamineRequest = { id: nextId, ...batch };
      nextId += 1;
      const thread = ensureWorker();
      return new Promise<RuleExamination[]>((resolve, reject) => {
        pending.set(request.id, { resolve, reject });
        thread.ref();
        thread.postMessage(request, [request.bytes]);
      });
    },
    async close() {
      const stopping = worker;
      worker = null;
      failPending('the examiner was closed');
      await stopping?.terminate();
    },
  };
}

function examinerFailed(what: string): AppError {
  return new AppError('BUNDLE_EXAMINER_FAILED', `Examining the rule files ${what}.`, {
    expected: false,
  });
}

/**
 * Who examines a bundle's rule files (examineRule.ts) for the verifier: on the calling
 * thread, or on a worker thread so that hashing, decoding and validating the rules runs
 * beside the main thread's reading of the archive (issue 5's benchmark: node-tar's parser
 * and the examination each take about as long, and each needs a thread of its own).
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

export interface WorkerRuleExaminerOptions {
  /** Starts the worker (default: ruleExaminerWorker beside this module). */
  startWorker?: (() => Worker) | undefined;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Examines on one worker thread, started at the first batch and kept for the next
 * verifications (it does not keep the process alive while idle). If the worker dies,
 * the batches it held fail with BUNDLE_EXAMINER_FAILED and the next batch starts a new one.
 */
export function createWorkerRuleExaminer(options: WorkerRuleExaminerOptions = {}): RuleExaminer {
  const startWorker = options.startWorker ?? (() => startModuleWorker(HERE, 'ruleExaminerWorker'));
  const pending = new Map<
    number,
    { resolve: (value: RuleExamination[]) => void; reject: (error: Error) => void }
  >();
  let worker: Worker | null = null;
  let nextId = 1;
  let closed = false;

  const failPending = (reason: string): void => {
    for (const { reject } of pending.values()) {
      reject(
        new AppError('BUNDLE_EXAMINER_FAILED', `Examining the rule files stopped: ${reason}.`, {
          expected: false,
        }),
      );
    }
    pending.clear();
  };

  const running = (): Worker => {
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
      if ('error' in reply) {
        waiting.reject(
          new AppError(
            'BUNDLE_EXAMINER_FAILED',
            `Examining the rule files failed: ${reply.error}.`,
            { expected: false },
          ),
        );
      } else waiting.resolve(reply.examinations);
    });
    started.on('error', (error) => lost(`the worker thread failed (${error.message})`));
    started.on('exit', (code) => lost(`the worker thread exited (code ${code})`));
    worker = started;
    return started;
  };

  return {
    async examine(files, lenient) {
      if (closed) {
        throw new AppError('APP_DISPOSED', 'The rule examiner is closed.', { expected: false });
      }
      if (files.length === 0) return [];
      // One buffer of the batch's own, moved to the worker: posting each file's view would
      // copy the whole inflated chunk the view points into.
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
      const request: ExamineRequest = {
        id: nextId,
        lenient,
        paths: files.map((file) => file.path),
        ends,
        bytes: bytes.buffer,
      };
      nextId += 1;
      const thread = running();
      return new Promise<RuleExamination[]>((resolve, reject) => {
        pending.set(request.id, { resolve, reject });
        thread.ref();
        thread.postMessage(request, [request.bytes]);
      });
    },
    async close() {
      closed = true;
      const stopping = worker;
      worker = null;
      failPending('the examiner was closed');
      await stopping?.terminate();
    },
  };
}

/**
 * The worker thread of ruleExaminer.ts: examines batches of rule files (hash, decode,
 * lenient mapping, validation) while the main thread goes on reading the archive.
 * Each batch arrives as one moved buffer; the replies are plain data.
 */
import { parentPort } from 'node:worker_threads';

import { examineRuleBytes } from './examineRule';
import type { RuleExamination } from './examineRule';
import { errorMessage } from '../../../../shared/errors';

export interface ExamineRequest {
  id: number;
  lenient: boolean;
  paths: string[];
  /** Where each file ends in `bytes` (the files are back to back, in `paths` order). */
  ends: number[];
  bytes: ArrayBuffer;
}

export type ExamineReply =
  { id: number; examinations: RuleExamination[] } | { id: number; error: string };

const port = parentPort;
if (port === null) throw new Error('ruleExaminerWorker runs only as a worker thread.');

port.on('message', (request: ExamineRequest) => {
  let reply: ExamineReply;
  try {
    const bytes = new Uint8Array(request.bytes);
    let start = 0;
    const examinations = request.paths.map((path, index) => {
      const end = request.ends[index] ?? start;
      const examination = examineRuleBytes(path, bytes.subarray(start, end), request.lenient);
      start = end;
      return examination;
    });
    reply = { id: request.id, examinations };
  } catch (error) {
    reply = { id: request.id, error: errorMessage(error) };
  }
  port.postMessage(reply);
});

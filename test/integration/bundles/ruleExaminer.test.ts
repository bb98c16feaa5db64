// The worker-thread rule examiner (app and CLI) against the in-thread one: the same
// reports on real and hostile rules, batches that survive the move to the worker, and a
// worker that dies or fails is a coded error, never a hang or an unhandled rejection.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

import { BSON } from 'bson';
import { afterEach, describe, expect, it } from 'vitest';

import { createBundle } from '../../../electron/core/bundles/signing/createBundle';
import type { ArchiveFile } from '../../../electron/core/bundles/archive/readBundle';
import {
  createWorkerRuleExaminer,
  inThreadRuleExaminer,
  WORKER_AFTER_BYTES,
} from '../../../electron/core/bundles/verify/ruleExaminer';
import type { RuleExaminer } from '../../../electron/core/bundles/verify/ruleExaminer';
import { createTrustStore } from '../../../electron/core/bundles/signing/trustStore';
import { createBundleVerifier } from '../../../electron/core/bundles/verify/verifyBundle';
import type { BundleVerification } from '../../../electron/core/bundles/verify/verifyBundle';
import { startModuleWorker } from '../../../electron/core/moduleWorker';
import { manifestFor, NOW, specRule, tarGz, validBundle } from '../../fixtures/bundles';
import { SHARED } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';

const FIXTURES = join(SHARED, 'fixtures', 'openwatch-rules-2025-10');
const BUNDLES_DIR = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'electron',
  'core',
  'bundles',
  'verify',
);
const tempDir = useTempDirs();

const examiners: RuleExaminer[] = [];
afterEach(async () => {
  await Promise.all(examiners.splice(0).map((examiner) => examiner.close()));
});
/** A worker examiner that hands every batch to its worker (no bytes on the calling thread first). */
const workerExaminer = (startWorker?: () => Worker, workerAfterBytes = 0): RuleExaminer => {
  const examiner = createWorkerRuleExaminer({ startWorker, workerAfterBytes });
  examiners.push(examiner);
  return examiner;
};

/** A worker of throwaway code (CommonJS, evaluated). */
const evalWorker = (code: string) => (): Worker => new Worker(code, { eval: true });

const ruleFile = (path: string, bytes: Buffer): ArchiveFile => ({
  path,
  kind: 'rule-file',
  bytes,
});

/** A verification without its timing, with each rule's loaded content. */
const comparable = (verification: BundleVerification): unknown => ({
  report: { ...verification.report, durationMs: 0 },
  manifest: verification.manifest,
  lenientMappings: verification.lenientMappings,
  rules: verification.rules.map((rule) => ({ ...rule, load: rule.load?.() })),
});

describe('the worker examiner', () => {
  it('verifies the 1,290 real rules exactly as the calling thread does, strict and lenient', async () => {
    const created = await createBundle({
      dir: FIXTURES,
      allowInvalid: true,
      createdAt: '2025-10-23T00:00:00Z',
    });
    const trustStore = createTrustStore({ dir: tempDir() });
    const clock = (): Date => NOW;
    const inThread = createBundleVerifier({ trustStore, clock });
    const onWorker = createBundleVerifier({ trustStore, clock, examiner: workerExaminer() });
    for (const lenient of [false, true]) {
      const expected = await inThread.verify(created.bytes, { lenient, keepContent: true });
      const actual = await onWorker.verify(created.bytes, { lenient, keepContent: true });
      expect(actual.report.counts.ruleFiles).toBe(1290);
      expect(actual.report.findingCounts).toMatchObject(
        lenient ? { RULE_LENIENT_MAPPED: 1290 } : { RULE_FIELD_MISSING: 3 * 1290 },
      );
      expect(comparable(actual)).toEqual(comparable(expected));
    }
  });

  it('examines every kind of file in a batch like the calling thread: BSON, bad UTF-8, bad JSON, wrong names', async () => {
    const files = [
      ruleFile('rules/ow-a.json', Buffer.from(JSON.stringify(specRule('ow-a')))),
      ruleFile('rules/ow-b.bson', Buffer.from(BSON.serialize(specRule('ow-b')))),
      ruleFile('rules/ow-c.json', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
      ruleFile('rules/ow-d.json', Buffer.from('{"rule_id": ')),
      ruleFile('rules/ow-e.txt', Buffer.from('{}')),
      ruleFile('rules/ow-f.json', Buffer.alloc(0)),
      ruleFile('rules/ow-G.json', Buffer.from(JSON.stringify(specRule('ow-G')))),
    ];
    for (const lenient of [false, true]) {
      const expected = await inThreadRuleExaminer.examine(files, lenient);
      const actual = await workerExaminer().examine(files, lenient);
      expect(actual).toEqual(expected);
      expect(actual.map((item) => item.valid)).toEqual(
        lenient
          ? [true, true, false, false, false, false, true]
          : [true, true, false, false, false, false, false],
      );
    }
  });

  it("moves a copy of the batch: the caller's bytes, views into a larger buffer, stay intact", async () => {
    const rule = Buffer.from(JSON.stringify(specRule('ow-view')));
    const chunk = Buffer.concat([Buffer.alloc(100, 0x20), rule, Buffer.alloc(100, 0x20)]);
    const view = chunk.subarray(100, 100 + rule.length);
    const [examination] = await workerExaminer().examine(
      [ruleFile('rules/ow-view.json', view)],
      false,
    );
    expect(examination).toMatchObject({ ruleId: 'ow-view', valid: true });
    expect(chunk.buffer.byteLength).toBeGreaterThan(0);
    expect(view.equals(rule)).toBe(true);
  });

  it('starts no thread for an empty batch, one for many batches and verifications', async () => {
    let started = 0;
    const examiner = workerExaminer(() => {
      started += 1;
      return startModuleWorker(BUNDLES_DIR, 'ruleExaminerWorker');
    });
    expect(await examiner.examine([], false)).toEqual([]);
    expect(started).toBe(0);
    const verifier = createBundleVerifier({
      trustStore: createTrustStore({ dir: tempDir() }),
      examiner,
    });
    for (let run = 0; run < 3; run += 1) {
      // 400 rules of ~310 bytes: one batch each.
      const { report } = await verifier.verify(validBundle(400));
      expect(report.verdict).toBe('valid-unsigned');
      expect(report.counts.validRules).toBe(400);
    }
    expect(started).toBe(1);
  });

  it('examines on the calling thread until workerAfterBytes, then starts its worker, with the same reports', async () => {
    let started = 0;
    const counting = (): Worker => {
      started += 1;
      return startModuleWorker(BUNDLES_DIR, 'ruleExaminerWorker');
    };
    const trustStore = createTrustStore({ dir: tempDir() });
    const inThread = createBundleVerifier({ trustStore, clock: () => NOW });
    const verifier = createBundleVerifier({
      trustStore,
      clock: () => NOW,
      // 400 rules of ~310 bytes are one batch of ~126 KB: the first verification is
      // examined on the calling thread, which then has examined more than 100 KiB.
      examiner: workerExaminer(counting, 100 * 1024),
    });
    const bundle = validBundle(400);
    const expected = comparable(await inThread.verify(bundle, { keepContent: true }));
    const startedAfter: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      expect(comparable(await verifier.verify(bundle, { keepContent: true }))).toEqual(expected);
      startedAfter.push(started);
    }
    expect(startedAfter).toEqual([0, 1, 1]);
  });

  it('starts no worker for a bundle under WORKER_AFTER_BYTES by default', async () => {
    let started = 0;
    const examiner = createWorkerRuleExaminer({
      startWorker: () => {
        started += 1;
        return startModuleWorker(BUNDLES_DIR, 'ruleExaminerWorker');
      },
    });
    examiners.push(examiner);
    const verifier = createBundleVerifier({
      trustStore: createTrustStore({ dir: tempDir() }),
      examiner,
    });
    const { report } = await verifier.verify(validBundle(400));
    expect(report.counts.validRules).toBe(400);
    expect(report.bundle.uncompressedBytes).toBeLessThan(WORKER_AFTER_BYTES);
    expect(started).toBe(0);
  });

  it('fails a verification whose worker dies with BUNDLE_EXAMINER_FAILED, and starts a new one next time', async () => {
    let started = 0;
    const examiner = workerExaminer(() => {
      started += 1;
      return started === 1
        ? evalWorker('process.exit(3)')()
        : startModuleWorker(BUNDLES_DIR, 'ruleExaminerWorker');
    });
    const verifier = createBundleVerifier({
      trustStore: createTrustStore({ dir: tempDir() }),
      examiner,
    });
    await expect(verifier.verify(validBundle(400))).rejects.toMatchObject({
      code: 'BUNDLE_EXAMINER_FAILED',
      message: expect.stringContaining('exited (code 3)'),
    });
    const { report } = await verifier.verify(validBundle(400));
    expect(report.verdict).toBe('valid-unsigned');
    expect(started).toBe(2);
  });

  it('fails the batch a worker could not examine, with its reason', async () => {
    const examiner = workerExaminer(
      evalWorker(
        "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (request) => parentPort.postMessage({ id: request.id, error: 'no memory left' }));",
      ),
    );
    await expect(
      examiner.examine([ruleFile('rules/ow-a.json', Buffer.from('{}'))], false),
    ).rejects.toMatchObject({
      code: 'BUNDLE_EXAMINER_FAILED',
      message: 'Examining the rule files failed: no memory left.',
    });
  });

  it('when closed, fails the batches in flight and refuses new ones', async () => {
    // A worker that never answers.
    const examiner = workerExaminer(evalWorker('setInterval(() => undefined, 1000);'));
    const inFlight = examiner.examine([ruleFile('rules/ow-a.json', Buffer.from('{}'))], false);
    const failed = expect(inFlight).rejects.toMatchObject({
      code: 'BUNDLE_EXAMINER_FAILED',
      message: expect.stringContaining('closed'),
    });
    await examiner.close();
    await failed;
    await expect(
      examiner.examine([ruleFile('rules/ow-a.json', Buffer.from('{}'))], false),
    ).rejects.toMatchObject({ code: 'APP_DISPOSED' });
  });

  it('holds the read while the examiner is more than 8 MiB behind, and goes on when it catches up', async () => {
    // 160 rules of ~100 KB that do not compress (16 MB inflated).
    const rules = Array.from({ length: 160 }, (_, index) =>
      specRule(`ow-big_${index}`, { description: randomBytes(50_000).toString('hex') }),
    );
    const bundle = tarGz([
      { path: 'manifest.json', body: JSON.stringify(manifestFor(rules.length)) },
      ...rules.map((rule) => ({
        path: `rules/${String(rule.rule_id)}.json`,
        body: JSON.stringify(rule),
      })),
    ]);
    const EIGHT_MIB = 8 * 1024 * 1024;
    let given = 0;
    let holding = true;
    const held: (() => void)[] = [];
    let crossed: () => void = () => undefined;
    const pastEightMib = new Promise<void>((resolve) => {
      crossed = resolve;
    });
    const slowExaminer: RuleExaminer = {
      examine: (files, lenient) => {
        given += files.reduce((sum, file) => sum + file.bytes.length, 0);
        if (given > EIGHT_MIB) crossed();
        if (!holding) return inThreadRuleExaminer.examine(files, lenient);
        return new Promise((resolve) => {
          held.push(() => resolve(inThreadRuleExaminer.examine(files, lenient)));
        });
      },
      close: async () => undefined,
    };
    let finished = false;
    const verification = createBundleVerifier({
      trustStore: createTrustStore({ dir: tempDir() }),
      examiner: slowExaminer,
    })
      .verify(bundle)
      .finally(() => {
        finished = true;
      });

    // Batches are handed over from within the parser's slice; the reader asks its pace
    // when the slice is done, before this continuation runs. Held, it hands nothing more
    // over, however many turns of the event loop pass.
    await pastEightMib;
    const handedOver = given;
    for (let turn = 0; turn < 1000; turn += 1) await nextTurn();
    expect(given).toBe(handedOver);
    expect(finished).toBe(false);
    expect(given).toBeGreaterThan(EIGHT_MIB);
    expect(given).toBeLessThan(9 * 1024 * 1024);

    holding = false;
    for (const release of held.splice(0)) release();
    const { report } = await verification;
    expect(report.counts).toMatchObject({ ruleFiles: 160, validRules: 160 });
  });
});

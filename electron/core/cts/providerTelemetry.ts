import { createHash } from 'node:crypto';

import canonicalize from 'canonicalize';

import { formatRfc3339 } from '../../../shared/ctp/time';
import {
  buildTelemetryBody,
  ctsExtensionOf,
  readObjective,
  restrictToFrameworks,
  withTimestamp,
  type ComplianceMapping,
  type CtsBody,
  type CtsTelemetry,
} from '../../../shared/cts';
import type { ComplianceStore, StoredTelemetry, TelemetryChange } from './complianceStore';
import { metricsText } from './metricsText';

/** One computed telemetry and the forms it is served in, each made once, on first use. */
export interface PublishedTelemetry {
  readonly telemetry: CtsTelemetry;
  /** `GET /cts`. */
  readonly json: string;
  /** A strong ETag over the served bytes. */
  readonly etag: string;
  /** When the content last changed (ms since the epoch; `timestamp`). */
  readonly changedAtMs: number;
  /** When each framework last changed (ms). */
  readonly frameworkChangedAt: ReadonlyMap<string, number>;
  /** The RFC 8785 form, which the attestation signs. */
  canonical(): string;
  /** `GET /cts/metrics`. */
  metrics(): string;
  /** `GET /cts?framework=…`: null when a name is not a framework of the telemetry. */
  restricted(names: readonly string[]): string | null;
}

/**
 * The provider's telemetry (DESIGN "OpenCTS"): computed from the mapping and the current
 * status of each mapped objective, recorded with the time its content last changed
 * (`timestamp`), and served from memory while the data is unchanged.
 */
export interface ProviderTelemetry {
  /** Rows written through this connection so far (SQLite `total_changes()`: no I/O). */
  ownWrites(): number;
  /** Moves when another connection commits (`PRAGMA data_version`: a short read transaction). */
  otherWrites(): number;
  /**
   * The telemetry for the data at `version` (`ownWrites:otherWrites`, default: now);
   * recomputed when it moved.
   */
  snapshot(version?: string): PublishedTelemetry;
  /**
   * Recomputes now. Call it after a write commits (a publish, an import, an admin change):
   * the change is then recorded at the time it happened rather than at the next read.
   */
  refresh(): PublishedTelemetry;
  /** The latest changes of the telemetry, newest first. */
  changes(limit?: number): TelemetryChange[];
}

const EMPTY_MAPPING: ComplianceMapping = { frameworks: [], evidenceRefs: [] };

export function createProviderTelemetry(deps: {
  store: ComplianceStore;
  clock: () => Date;
  ownWrites: () => number;
  otherWrites: () => number;
}): ProviderTelemetry {
  const { store, clock } = deps;
  const dataVersion = () => `${deps.ownWrites()}:${deps.otherWrites()}`;
  let mapping: { revision: number; value: ComplianceMapping; ids: string } | null = null;
  let current: { version: string; published: PublishedTelemetry; digest: string } | null = null;

  const mappingNow = () => {
    const revision = store.revision();
    if (mapping?.revision !== revision) {
      const stored = store.mapping();
      mapping = {
        revision,
        value: stored?.mapping ?? EMPTY_MAPPING,
        ids: stored?.measurementIds ?? '[]',
      };
    }
    return mapping;
  };

  const refreshAt = (version: string): PublishedTelemetry => {
    const { value, ids } = mappingNow();
    const facts = store.facts(ids);
    const body = buildTelemetryBody(value, (id) => readObjective(facts.get(id)));
    const bodyText = JSON.stringify(body);
    const digest = sha256(bodyText);
    if (current?.digest === digest) {
      current = { ...current, version };
      return current.published;
    }
    const previous = store.stored();
    const now = formatRfc3339(clock().getTime());
    const recorded =
      previous?.digest === digest
        ? previous
        : store.record(nextStored(body, digest, previous, now), {
            changedAt: now,
            digest,
            posture: body.compliance_posture,
            frameworks: body.frameworks.map(({ name, status, score }) => ({ name, status, score })),
          });
    current = { version, digest: recorded.digest, published: publish(recorded) };
    return current.published;
  };

  return {
    ownWrites: deps.ownWrites,
    otherWrites: deps.otherWrites,
    snapshot(version = dataVersion()) {
      if (current !== null && current.version === version) return current.published;
      return refreshAt(version);
    },
    refresh: () => refreshAt(dataVersion()),
    changes: (limit = 500) => store.changes(limit),
  };
}

/** What to store for a new content: per framework, the digest and when it last changed. */
function nextStored(
  body: CtsBody,
  digest: string,
  previous: StoredTelemetry | undefined,
  now: string,
): StoredTelemetry {
  const ours = ctsExtensionOf(body);
  const frameworks: StoredTelemetry['frameworks'] = {};
  body.frameworks.forEach((framework, index) => {
    const frameworkDigest = sha256(JSON.stringify([framework, ours?.frameworks[index] ?? null]));
    const before = previous?.frameworks[framework.name];
    frameworks[framework.name] = {
      digest: frameworkDigest,
      changedAt: before?.digest === frameworkDigest ? before.changedAt : now,
    };
  });
  return {
    digest,
    document: JSON.stringify(withTimestamp(body, now)),
    changedAt: now,
    frameworks,
  };
}

function publish(stored: StoredTelemetry): PublishedTelemetry {
  const telemetry = JSON.parse(stored.document) as CtsTelemetry;
  const json = stored.document;
  const frameworkChangedAt = new Map(
    Object.entries(stored.frameworks).map(([name, entry]) => [name, Date.parse(entry.changedAt)]),
  );
  let canonical: string | null = null;
  let metrics: string | null = null;
  const restricted = new Map<string, string>();
  const names = new Set(telemetry.frameworks.map((framework) => framework.name));
  const published: PublishedTelemetry = {
    telemetry,
    json,
    etag: `"${sha256(json).slice(0, 32)}"`,
    changedAtMs: Date.parse(stored.changedAt),
    frameworkChangedAt,
    canonical: () => (canonical ??= canonicalize(telemetry) ?? ''),
    metrics: () => (metrics ??= metricsText(published)),
    restricted(wanted) {
      if (!wanted.every((name) => names.has(name))) return null;
      const key = [...new Set(wanted)].sort().join('\n');
      let text = restricted.get(key);
      if (text === undefined) {
        text = JSON.stringify(restrictToFrameworks(telemetry, new Set(wanted)));
        restricted.set(key, text);
      }
      return text;
    },
  };
  return published;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

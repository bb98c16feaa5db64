import { createHash } from 'node:crypto';

import { canonicalJson } from '../../../shared/canonicalJson';
import { formatRfc3339 } from '../../../shared/ctp/time';
import {
  CTS_EXTENSION,
  assembleBody,
  buildFrameworkPart,
  readObjective,
  restrictToFrameworks,
  withTimestamp,
  type ComplianceMapping,
  type CtsBody,
  type FrameworkPart,
  type MappedFramework,
  type ObjectiveReading,
  type CtsTelemetry,
} from '../../../shared/cts';
import type { ComplianceStore, StoredTelemetry, TelemetryChange } from './complianceStore';
import { metricsText } from './metricsText';
import { bodyText, documentText } from './telemetryText';

/** One computed telemetry and the forms it is served in, each made once, on first use. */
export interface PublishedTelemetry {
  readonly telemetry: CtsTelemetry;
  /** `GET /cts`, serialized on first use. */
  json(): string;
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
  /**
   * The telemetry for the data now (the provider store's data version, sqlStore.ts);
   * recomputed when it moved, or when the version cannot be known.
   */
  snapshot(): Promise<PublishedTelemetry>;
  /**
   * Recomputes now. Call it after a write commits (a publish, an import, an admin change):
   * the change is then recorded at the time it happened rather than at the next read.
   */
  refresh(): Promise<PublishedTelemetry>;
  /** The latest changes of the telemetry, newest first. */
  changes(limit?: number): Promise<TelemetryChange[]>;
}

const EMPTY_MAPPING: ComplianceMapping = { frameworks: [], evidenceRefs: [] };

export function createProviderTelemetry(deps: {
  store: ComplianceStore;
  clock: () => Date;
  /** Moves whenever the provider's data may have changed; null while that is unknown. */
  dataVersion: () => string | null;
}): ProviderTelemetry {
  const { store, clock } = deps;
  let mapping: { revision: number; value: ComplianceMapping } | null = null;
  let current: {
    version: string | null;
    published: PublishedTelemetry;
    digest: string;
  } | null = null;

  const mappingNow = async () => {
    const revision = await store.revision();
    if (mapping?.revision !== revision) {
      mapping = { revision, value: (await store.mapping()) ?? EMPTY_MAPPING };
    }
    return mapping;
  };

  // Each framework's part, kept with its texts until a change touches one of its measurements.
  let parts: { revision: number; list: CachedPart[] } | null = null;
  const partsNow = async (): Promise<{ list: CachedPart[]; rebuilt: boolean }> => {
    const { revision, value } = await mappingNow();
    const { facts, changed } = await store.facts();
    const read = (id: string) => readObjective(facts.get(id));
    if (parts === null || parts.revision !== revision || changed === null) {
      parts = { revision, list: value.frameworks.map((framework) => cachedPart(framework, read)) };
      return { list: parts.list, rebuilt: true };
    }
    let rebuilt = false;
    parts.list = parts.list.map((cached, index) => {
      if (![...cached.measurements].some((id) => changed.has(id))) return cached;
      rebuilt = true;
      return cachedPart(value.frameworks[index]!, read);
    });
    return { list: parts.list, rebuilt };
  };

  const refreshAt = async (version: string | null): Promise<PublishedTelemetry> => {
    const { list, rebuilt } = await partsNow();
    if (!rebuilt && current !== null) {
      current = { ...current, version };
      return current.published;
    }
    const body = assembleBody(
      list.map((cached) => cached.part),
      mapping?.value.evidenceRefs ?? [],
    );
    // The content's digest from the frameworks' own digests and the rest (a few hundred
    // bytes): hashing the whole text again would cost more than the recomputation itself.
    const { frameworks: _frameworks, extensions, ...rest } = body;
    const totals = (extensions?.[CTS_EXTENSION] as { objectives: unknown } | undefined)?.objectives;
    const digest = sha256(
      [JSON.stringify(rest), JSON.stringify(totals), ...list.map((cached) => cached.digest)].join(
        '\n',
      ),
    );
    if (current?.digest === digest) {
      current = { ...current, version };
      return current.published;
    }
    const previous = await store.stored();
    const now = formatRfc3339(clock().getTime());
    const recorded =
      previous?.digest === digest
        ? previous
        : await store.record(nextStored(list, digest, previous, now), {
            changedAt: now,
            digest,
            posture: body.compliance_posture,
            frameworks: body.frameworks.map(({ name, status, score }) => ({ name, status, score })),
          });
    const texts = {
      own: list.map((cached) => cached.own),
      extension: list.map((cached) => cached.extension),
    };
    current = { version, digest, published: publish(body, () => bodyText(body, texts), recorded) };
    return current.published;
  };

  return {
    async snapshot() {
      const version = deps.dataVersion();
      if (current !== null && version !== null && current.version === version)
        return current.published;
      return refreshAt(version);
    },
    refresh: () => refreshAt(deps.dataVersion()),
    changes: (limit = 500) => store.changes(limit),
  };
}

interface CachedPart {
  part: FrameworkPart;
  own: string;
  extension: string;
  /** SHA-256 of both texts: what identifies the framework's content. */
  digest: string;
  measurements: ReadonlySet<string>;
}

function cachedPart(
  framework: MappedFramework,
  read: (measurementId: string) => ObjectiveReading,
): CachedPart {
  const part = buildFrameworkPart(framework, read);
  const own = JSON.stringify(part.framework);
  const extension = JSON.stringify(part.extension);
  return {
    part,
    own,
    extension,
    digest: sha256(`${own}\n${extension}`),
    measurements: new Set(framework.controls.flatMap((control) => control.measurements)),
  };
}

/** What to store for a new content: per framework, its digest and when it last changed. */
function nextStored(
  list: readonly CachedPart[],
  digest: string,
  previous: StoredTelemetry | undefined,
  now: string,
): StoredTelemetry {
  const frameworks: StoredTelemetry['frameworks'] = {};
  for (const { part, digest: frameworkDigest } of list) {
    const before = previous?.frameworks[part.framework.name];
    frameworks[part.framework.name] = {
      digest: frameworkDigest,
      changedAt: before?.digest === frameworkDigest ? before.changedAt : now,
    };
  }
  return { digest, changedAt: now, frameworks };
}

/** The forms a telemetry is served in, made once each on first use. */
function publish(body: CtsBody, text: () => string, stored: StoredTelemetry): PublishedTelemetry {
  const telemetry = withTimestamp(body, stored.changedAt);
  let json: string | null = null;
  const changedAtMs = Date.parse(stored.changedAt);
  const frameworkChangedAt = new Map(
    Object.entries(stored.frameworks).map(([name, entry]) => [name, Date.parse(entry.changedAt)]),
  );
  let canonical: string | null = null;
  let metrics: string | null = null;
  const restricted = new Map<string, string>();
  const names = new Set(telemetry.frameworks.map((framework) => framework.name));
  const published: PublishedTelemetry = {
    telemetry,
    json: () => (json ??= documentText(text(), stored.changedAt)),
    // The content's digest and its timestamp identify the served bytes.
    etag: `"${stored.digest.slice(0, 32)}-${changedAtMs.toString(36)}"`,
    changedAtMs,
    frameworkChangedAt,
    canonical: () => (canonical ??= canonicalJson(telemetry)),
    metrics: () => (metrics ??= metricsText(published)),
    restricted(wanted) {
      if (!wanted.every((name) => names.has(name))) return null;
      const key = [...new Set(wanted)].sort().join('\n');
      let restrictedText = restricted.get(key);
      if (restrictedText === undefined) {
        restrictedText = JSON.stringify(restrictToFrameworks(telemetry, new Set(wanted)));
        restricted.set(key, restrictedText);
      }
      return restrictedText;
    },
  };
  return published;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

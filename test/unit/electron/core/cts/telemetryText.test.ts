import { describe, expect, it } from 'vitest';

import {
  buildTelemetryBody,
  withTimestamp,
  type ComplianceMapping,
} from '../../../../../shared/cts';
import { bodyText, documentText } from '../../../../../electron/core/cts/telemetryText';

const mapping = (refs: string[]): ComplianceMapping => ({
  frameworks: [
    {
      name: 'SOC2 "x"\u2028',
      controls: [{ id: 'a', title: 'é', measurements: ['m1', 'm2'], evidenceRefs: ['s3://b/k'] }],
    },
    { name: 'ISO', status: 'partial', controls: [] },
  ],
  evidenceRefs: refs,
});

describe('telemetry text', () => {
  it.each([[[]], [['https://e.example/r.pdf']]])(
    'equals JSON.stringify of the body and the document (refs %j)',
    (refs) => {
      const body = buildTelemetryBody(mapping(refs), (id) =>
        id === 'm1' ? { state: 'met' } : { state: 'not_evidenced', reason: 'error' },
      );
      const text = bodyText(body);
      expect(text).toBe(JSON.stringify(body));
      expect(documentText(text, '2026-01-01T00:00:00.000Z')).toBe(
        JSON.stringify(withTimestamp(body, '2026-01-01T00:00:00.000Z')),
      );
    },
  );
});

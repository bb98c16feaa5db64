import { CTS_EXTENSION, type CtsBody } from '../../../shared/cts';

const HEAD = '{"version":"v1",';

/** Each framework's JSON text and the text of its part of our extension. */
export interface FrameworkTexts {
  own: readonly string[];
  extension: readonly string[];
}

/** The texts of a body's frameworks, serialized now. */
export function frameworkTexts(body: CtsBody): FrameworkTexts {
  const ours = body.extensions?.[CTS_EXTENSION] as { frameworks: unknown[] } | undefined;
  return {
    own: body.frameworks.map((framework) => JSON.stringify(framework)),
    extension: (ours?.frameworks ?? []).map((framework) => JSON.stringify(framework)),
  };
}

/**
 * The JSON text of a telemetry body, equal to `JSON.stringify(body)` but made of its
 * frameworks' texts, which the provider keeps for the frameworks a change did not touch:
 * the recomputation after a publish has 10 ms for 2,000 controls (bench/cts.bench.ts). Pure.
 */
export function bodyText(body: CtsBody, texts: FrameworkTexts = frameworkTexts(body)): string {
  const ours = body.extensions?.[CTS_EXTENSION] as { objectives: unknown } | undefined;
  let text = `${HEAD}"compliance_posture":${JSON.stringify(body.compliance_posture)},"frameworks":[${texts.own.join(',')}]`;
  if (body.evidence_refs !== undefined)
    text += `,"evidence_refs":${JSON.stringify(body.evidence_refs)}`;
  if (ours !== undefined) {
    text += `,"extensions":{${JSON.stringify(CTS_EXTENSION)}:{"objectives":${JSON.stringify(ours.objectives)},"frameworks":[${texts.extension.join(',')}]}}`;
  }
  return `${text}}`;
}

/** The served document: the body's text with `timestamp` after `version` (the spec's order). */
export function documentText(body: string, timestamp: string): string {
  if (!body.startsWith(HEAD)) throw new Error('not a telemetry body');
  return `${HEAD}"timestamp":${JSON.stringify(timestamp)},${body.slice(HEAD.length)}`;
}

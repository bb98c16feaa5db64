import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CompactSign, importPKCS8 } from 'jose';

import { projectRoot } from '../paths';
import type { SqlStore } from '../store/sqlStore';
import { createProviderServices } from './services';

/** The demo's monitoring authority: its results are signed with resources/demo's key. */
export const DEMO_AUTHORITY = 'monitor.trustlab.example';
const DAY = 86_400_000;

export function demoResourcesDir(): string {
  return join(projectRoot(), 'resources', 'demo');
}

export interface DemoSeed {
  seeded: boolean;
  /** The demo accounts and their (published, not secret) tokens. */
  accounts: Array<{ name: string; token: string; serviceViews: string[] }>;
  results: number;
  alerts: number;
}

interface Planned {
  measurement: string;
  day: number;
  value: Array<Record<string, string | number | boolean>>;
  signed: boolean;
}

/** A small deterministic generator, so the demo tells the same story every time. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The 90 days the demo replays, as a story: a BigCloud outage (days 38-40) pulls the EU
 * API's 30-day availability under the 99.9% SLA for a month; TLS 1.0 was re-enabled by
 * mistake for three days (20-22); a storage migration put a replica in the US for two
 * days (70-71); incident response got slower, and the last report misses the 60-minute
 * objective. Pure: the plan only.
 */
export function demoPlan(days = 90): Planned[] {
  const next = random(20_260_101);
  const plan: Planned[] = [];
  for (let day = 0; day < days; day++) {
    const outage = day >= 38 && day < 68;
    const euPercentage = Number(
      (outage ? 99.82 + next() * 0.05 : 99.95 + next() * 0.04).toFixed(3),
    );
    const probes = 21_600;
    plan.push({
      measurement: 'eu-api-uptime',
      day,
      value: [
        {
          percentage: euPercentage,
          probes,
          failed: Math.round((probes * (100 - euPercentage)) / 100),
        },
      ],
      signed: true,
    });
    plan.push({
      measurement: 'eu-api-tls-level',
      day,
      value: [{ level: day >= 20 && day <= 22 ? 6 : 7 }],
      signed: true,
    });
    plan.push({
      measurement: 'eu-attachments-countries',
      day,
      value: [
        { country: 'DE', region: 'eu-central-1', primary: true },
        day === 70 || day === 71
          ? { country: 'US', region: 'us-east-1', primary: false }
          : { country: 'IE', region: 'eu-west-1', primary: false },
      ],
      signed: false,
    });
    const usPercentage = Number((99.96 + next() * 0.03).toFixed(3));
    plan.push({
      measurement: 'us-api-uptime',
      day,
      value: [
        {
          percentage: usPercentage,
          probes,
          failed: Math.round((probes * (100 - usPercentage)) / 100),
        },
      ],
      signed: false,
    });
    if (day % 7 === 6) {
      const week = (day + 1) / 7;
      const high = Math.round(30 + week * 3.5 + next() * 6);
      plan.push({
        measurement: 'eu-idp-response',
        day,
        value: [
          { severity: 'high', incidents: 1 + Math.floor(next() * 3), medianMinutes: high },
          {
            severity: 'medium',
            incidents: 3 + Math.floor(next() * 5),
            medianMinutes: 2 * high + 20,
          },
        ],
        signed: false,
      });
    }
  }
  return plan;
}

/**
 * Fills an empty server.db with the demo (`serve --demo`): imports resources/demo,
 * creates the customers' triggers 90 days ago, then publishes every result of
 * {@link demoPlan} at its own time, so objectives, trigger states, logs and the outbox
 * are what real use would have left. A database that already holds service views is
 * left alone.
 */
export async function seedDemo(options: {
  store: SqlStore;
  now: () => Date;
  resourcesDir?: string;
}): Promise<DemoSeed> {
  const dir = options.resourcesDir ?? demoResourcesDir();
  const document = JSON.parse(readFileSync(join(dir, 'provider.json'), 'utf8')) as {
    authorities: Array<{ id: string; publicKey: string }>;
    accounts: DemoSeed['accounts'];
  };
  const accounts = document.accounts;
  const existing = await options.store.get<{ n: number }>(
    'SELECT count(*) AS n FROM service_views',
  );
  if ((existing?.n ?? 0) > 0) return { seeded: false, accounts, results: 0, alerts: 0 };

  const privatePem = readFileSync(join(dir, 'authority-key.pem'), 'utf8');
  const publicKey = createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
  document.authorities = [{ id: DEMO_AUTHORITY, publicKey }];
  const signingKey = await importPKCS8(privatePem, 'RS256');

  const end = Date.UTC(
    options.now().getUTCFullYear(),
    options.now().getUTCMonth(),
    options.now().getUTCDate(),
  );
  const start = end - 90 * DAY;
  let time = start;
  const services = createProviderServices({ store: options.store, clock: () => new Date(time) });
  await services.importer.importDocument(document);

  const view = (id: string) => `https://demo.invalid/ctp/measurements/${id}`;
  await services.triggers.create('notes-eu', {
    name: 'availability under SLA',
    annotation: 'Tell the security team when the 30-day availability drops under 99.9%.',
    measurement: view('eu-api-uptime'),
    condition: 'value[0].percentage < 99.9',
    notification: 'xmpp:secops@acme.example',
    guardTime: 7 * 86_400,
    tags: ['sla', 'availability'],
  });
  await services.triggers.create('notes-eu', {
    name: 'weak TLS',
    annotation: 'Any cipher suite below ECRYPT II level 7.',
    measurement: view('eu-api-tls-level'),
    condition: 'value[0].level < 7',
    notification: 'xmpp:secops@acme.example',
    guardTime: 0,
    tags: ['crypto', 'high'],
  });
  await services.triggers.create('notes-eu', {
    name: 'data outside the EU',
    measurement: view('eu-attachments-countries'),
    condition: '!matchRegexp("^(DE|FR|IE|NL)$", value[1].country)',
    notification: 'xmpp:dpo@acme.example',
    tags: ['gdpr', 'data-location'],
  });
  // Globex's trigger reads a second row that availability results do not have: it goes
  // to "error" once and stays there until deleted (CTP 5.3.2).
  await services.triggers.create('notes-us', {
    name: 'regional availability',
    measurement: view('us-api-uptime'),
    condition: 'value[1].percentage < 99.5',
    notification: 'xmpp:noc@globex.example',
    tags: ['availability'],
  });

  let results = 0;
  let alerts = 0;
  for (const planned of demoPlan()) {
    time = start + planned.day * DAY + 6 * 3_600_000;
    const updateTime = new Date(time - 300_000).toISOString();
    let text: string;
    if (planned.signed) {
      const payload = JSON.stringify({
        value: planned.value,
        updateTime,
        authorityId: DEMO_AUTHORITY,
      });
      const signature = await new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: 'RS256' })
        .sign(signingKey);
      text = `${payload.slice(0, -1)},"signature":${JSON.stringify(signature)}}`;
    } else {
      text = JSON.stringify({
        value: planned.value,
        updateTime,
        authorityId: null,
        signature: null,
      });
    }
    const outcome = await services.publisher.publish(planned.measurement, text);
    results++;
    alerts += outcome.alerts.length;
  }
  return { seeded: true, accounts, results, alerts };
}

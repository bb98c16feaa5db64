import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryHistory } from 'vue-router';

import type { VendorCts } from '../../../../shared/cts';
import type { VendorEvidence } from '../../../../shared/ctsEvidence';
import { createAuditorApiPlugin } from '../../../../renderer/src/api/auditor';
import { createAppRouter } from '../../../../renderer/src/router';
import ServerView from '../../../../renderer/src/views/ServerView.vue';
import VendorComplianceView from '../../../../renderer/src/views/VendorComplianceView.vue';
import { createTestApi, mountWithApp, samplePublished, settle } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const telemetry = {
  version: 'v1' as const,
  timestamp: '2026-01-01T00:00:00.000Z',
  compliance_posture: 'partially_compliant' as const,
  frameworks: [
    {
      name: 'SOC2',
      status: 'partial' as const,
      score: 0.75,
      controls: [
        { id: 'CC7.2', title: '<b>Monitoring</b>', status: 'partial' as const },
        { id: 'CC1.1', status: 'compliant' as const },
      ],
    },
  ],
  extensions: {
    'trust-auditor': {
      objectives: { met: 1, not_met: 1, not_evidenced: 0 },
      frameworks: [
        {
          name: 'SOC2',
          source: 'measured',
          counts: { compliant: 1, partial: 1, non_compliant: 0 },
          controls: [
            {
              id: 'CC7.2',
              source: 'measured',
              objectives: [
                { measurement: 'm1', state: 'met' },
                { measurement: 'm2', state: 'not_evidenced', reason: 'no_result' },
              ],
            },
            { id: 'CC1.1', source: 'declared' },
          ],
        },
      ],
    },
  },
};

describe('the posture panel on the Server page', () => {
  it('shows the posture, each framework, what drives each control, and the endpoints to copy', async () => {
    const testApi = createTestApi();
    testApi.handlers.published = async () => samplePublished({ telemetry, keyId: 'kid-1' });
    const mounted = await mountWithApp(ServerView, testApi, { path: '/server' });
    wrapper = mounted.wrapper;
    await settle();
    const panel = wrapper.find('[aria-labelledby="posture-title"]');
    expect(panel.text()).toContain('Partially compliant');
    expect(panel.find('.framework__summary').text()).toContain('SOC2');
    expect(panel.find('.framework__score').text()).toBe('75.0 %');
    expect(panel.find('[role="meter"]').attributes('aria-valuenow')).toBe('0.75');
    const rows = panel.findAll('tbody tr').map((row) => row.text());
    expect(rows[0]).toContain('<b>Monitoring</b>');
    expect(rows[0]).toContain('m1');
    expect(rows[0]).toContain('Not evidenced');
    expect(rows[0]).toContain('no result');
    expect(rows[1]).toContain('Declared in the provider data');
    expect(panel.findAll('.endpoint code').map((code) => code.text())).toEqual([
      'https://127.0.0.1:8443/cts',
      'https://127.0.0.1:8443/cts/metrics',
      'https://127.0.0.1:8443/cts/attestation',
      'https://127.0.0.1:8443/cts/keys',
      'kid-1',
    ]);
    expect(panel.findAll('button[aria-label^="Copy"]')).toHaveLength(5);
  });
});

function vendorView(): VendorCts {
  return {
    vendor: 'acme',
    url: 'https://acme.example/cts',
    lastRead: { at: '2026-01-02T00:00:00.000Z', status: 'ok', message: null },
    current: {
      id: 1,
      sha256: 'a'.repeat(64),
      valid: true,
      problems: [],
      firstSeenAt: '2026-01-01T00:00:00.000Z',
      lastSeenAt: '2026-01-02T00:00:00.000Z',
      reading: {
        posture: 'compliant',
        timestamp: '2026-01-01T00:00:00Z',
        evidenceRefs: [],
        frameworks: [],
      },
    },
    attestation: {
      status: 'key_changed',
      kid: 'k2',
      message: 'signed by a key other than the pinned one',
    },
    keys: [
      {
        kid: 'k1',
        thumbprint: 't1',
        status: 'pinned',
        firstSeenAt: '2026-01-01T00:00:00.000Z',
        changedAt: '2026-01-01T00:00:00.000Z',
      },
      {
        kid: 'k2',
        thumbprint: 't2',
        status: 'offered',
        firstSeenAt: '2026-01-02T00:00:00.000Z',
        changedAt: '2026-01-02T00:00:00.000Z',
      },
    ],
    history: [],
    claims: [
      {
        framework: 'SOC2',
        control: 'CC7.2',
        title: 'Monitoring',
        claimed: 'compliant',
        ours: 'non_compliant',
        verdict: 'contradiction',
        explanation: 'The vendor reports m1 as met; our evaluation gives not met.',
        objectives: [
          {
            measurement: 'm1',
            measurementUrl: 'https://acme.example/ctp/measurements/m1',
            claimed: 'met',
            ours: 'not_met',
            reason: null,
            message: null,
          },
        ],
      },
      {
        framework: 'SOC2',
        control: 'CC1.1',
        title: null,
        claimed: 'compliant',
        ours: null,
        verdict: 'declared',
        explanation: 'Declared by the vendor.',
        objectives: [],
      },
    ],
    verdicts: { contradiction: 1, consistent: 0, agrees: 0, unverifiable: 0, declared: 1 },
  };
}

function vendorEvidence(): VendorEvidence {
  return {
    vendor: 'acme',
    documentId: 1,
    items: [
      {
        reference: {
          text: `sha256:${'b'.repeat(64)}`,
          kind: 'sha256',
          digest: 'b'.repeat(64),
          url: null,
          expiresAt: null,
          note: null,
        },
        where: ['SOC2 CC7.2'],
        status: 'unchecked',
        detail: 'give the file',
        observed: null,
      },
    ],
    counts: {
      verified: 0,
      mismatch: 0,
      unreachable: 0,
      expired: 0,
      cannot_check: 0,
      no_digest: 0,
      unchecked: 1,
    },
    unmatchedFiles: [],
  };
}

describe('the vendor compliance page', () => {
  it('puts the key change and contradictions first, and checks dropped files by their digest', async () => {
    const testApi = createTestApi();
    testApi.handlers.vendorCts = async () => vendorView();
    testApi.handlers.evidence = async () => vendorEvidence();
    const sent: unknown[] = [];
    testApi.handlers.checkEvidence = async (request) => {
      sent.push(request);
      return {
        files: [
          {
            ...request.files[0]!,
            outcome: 'verified',
            references: [],
            checkedAt: '2026-01-03T00:00:00.000Z',
          },
        ],
        evidence: vendorEvidence(),
      };
    };
    const router = createAppRouter(createMemoryHistory());
    await router.push('/vendors/acme/compliance');
    await router.isReady();
    wrapper = mount(VendorComplianceView, {
      attachTo: document.body,
      global: {
        plugins: [createPinia(), router, createAuditorApiPlugin(testApi.api)],
        stubs: { PostureHistoryChart: true },
      },
    });
    await settle();
    expect(wrapper.find('h1').text()).toBe('acme · compliance');
    const alert = wrapper.find('[aria-labelledby="key-changed-title"]');
    expect(alert.text()).toContain('k2');
    expect(wrapper.text()).toContain('Attestation key changed');
    const rows = wrapper.findAll('.claims__table tbody tr');
    expect(rows[0]!.classes()).toContain('claims__row--bad');
    expect(rows[0]!.text()).toContain('Contradicted');
    expect(rows[0]!.text()).toContain(
      'The vendor reports m1 as met; our evaluation gives not met.',
    );

    const input = wrapper.find('input[type="file"]');
    const file = new File(['test'], 'monitoring.txt');
    Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
    await input.trigger('change');
    for (let i = 0; i < 5 && sent.length === 0; i++) await settle();
    expect(sent).toEqual([
      {
        name: 'acme',
        files: [
          {
            name: 'monitoring.txt',
            sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
            size: 4,
          },
        ],
      },
    ]);
    await settle();
    expect(wrapper.find('.checked').text()).toContain('monitoring.txt');
    expect(testApi.calls).toContain('cts.checkEvidence');
  });
});

/**
 * `--lenient`: maps the legacy rule shapes found in real OpenWatch files
 * (`fixtures/openwatch-rules-2025-10/`, produced by the older YAML converter) to the
 * v1.2.0 spec shape. Pure. Each mapping is listed in {@link LENIENT_MAPPINGS} (docs/bundles.md
 * prints the same table), and the importer reports how often each one applied.
 * Nothing is guessed beyond this table: a rule that still fails validation after the
 * mapping is refused like any other.
 */
import { escapePointer, FRAMEWORK_KEY_ALIASES } from './ruleValidation';
import { isPlainObject } from '../../../../shared/plainObject';

export type LenientMappingId =
  | 'drop_internal_id'
  | 'rule_id_lowercase'
  | 'scanner_type_default'
  | 'is_latest_default'
  | 'platforms_from_implementations'
  | 'framework_nested_by_version'
  | 'framework_key_alias'
  | 'framework_nist_csf_split'
  | 'control_duplicates_removed';

/** The documented mapping table: legacy shape → spec shape. */
export const LENIENT_MAPPINGS: readonly { id: LenientMappingId; from: string; to: string }[] = [
  { id: 'drop_internal_id', from: '`_id` (a MongoDB field)', to: 'removed' },
  {
    id: 'rule_id_lowercase',
    from: '`rule_id` with upper-case letters (`ow-ensure_GPG_keys_are_configured`)',
    to: 'lower-cased (`ow-ensure_gpg_keys_are_configured`); the file name is compared lower-cased too',
  },
  {
    id: 'scanner_type_default',
    from: 'no `scanner_type`',
    to: '`"oscap"` (the default of OpenWatch\'s model)',
  },
  { id: 'is_latest_default', from: 'no `is_latest`', to: '`true` (the importer sets it anyway)' },
  {
    id: 'platforms_from_implementations',
    from: 'no `platforms`',
    to: 'derived from `platform_implementations`: key + each of its `versions` (`rhel` with `["8","9"]` → `rhel8`, `rhel9`); a key without versions is kept as is; no implementations → `[]`',
  },
  {
    id: 'framework_nested_by_version',
    from: '`{"nist": {"800-53r5": ["AC-2"]}}` (frameworks nested by version)',
    to: '`{"controls": [...], "applicable": true}`, controls of all version sub-keys merged in order',
  },
  {
    id: 'framework_key_alias',
    from: 'framework keys `nist`, `stig`, `pci`, `iso27001`',
    to: '`nist_800_53`, `disa_stig`, `pci_dss`, `iso_27001` (merged with an existing spec key)',
  },
  {
    id: 'framework_nist_csf_split',
    from: 'NIST CSF ids (`PR.AC-1`, `DE.CM-3`) inside NIST 800-53 lists',
    to: 'moved to a separate `nist_csf` framework',
  },
  {
    id: 'control_duplicates_removed',
    from: 'a control id listed twice in one list',
    to: 'listed once',
  },
];

/** NIST Cybersecurity Framework subcategory ids (`PR.AC-1`, `ID.AM-2`, `DE.CM-3`). */
const NIST_CSF_ID = /^(ID|PR|DE|RS|RC|GV)\.[A-Z]{2}-\d+$/;

export interface LenientResult {
  rule: Record<string, unknown>;
  /** Which mappings applied, with the JSON pointer each applied at. */
  applied: { id: LenientMappingId; pointer: string }[];
}

export function mapLegacyRule(input: Record<string, unknown>): LenientResult {
  const rule: Record<string, unknown> = { ...input };
  const applied: LenientResult['applied'] = [];
  const note = (id: LenientMappingId, pointer: string): void => {
    applied.push({ id, pointer });
  };

  if ('_id' in rule) {
    delete rule._id;
    note('drop_internal_id', '/_id');
  }
  if (typeof rule.rule_id === 'string' && /[A-Z]/.test(rule.rule_id)) {
    rule.rule_id = rule.rule_id.toLowerCase();
    note('rule_id_lowercase', '/rule_id');
  }
  if (rule.scanner_type === undefined) {
    rule.scanner_type = 'oscap';
    note('scanner_type_default', '/scanner_type');
  }
  if (rule.is_latest === undefined) {
    rule.is_latest = true;
    note('is_latest_default', '/is_latest');
  }
  if (rule.platforms === undefined) {
    rule.platforms = platformsFrom(rule.platform_implementations);
    note('platforms_from_implementations', '/platforms');
  }
  if (isPlainObject(rule.frameworks)) {
    rule.frameworks = mapFrameworks(rule.frameworks, note);
  }
  return { rule, applied };
}

function platformsFrom(implementations: unknown): string[] {
  if (!isPlainObject(implementations)) return [];
  const platforms: string[] = [];
  for (const [key, value] of Object.entries(implementations)) {
    const versions = isPlainObject(value) && Array.isArray(value.versions) ? value.versions : [];
    const names = versions
      .filter(
        (version): version is string | number =>
          typeof version === 'string' || typeof version === 'number',
      )
      .map((version) => String(version))
      // "8" → rhel8; "8.1" stays a minor version of rhel8.
      .map((version) => (/^\d+$/.test(version) && !/\d$/.test(key) ? `${key}${version}` : key));
    for (const name of names.length > 0 ? names : [key]) {
      if (!platforms.includes(name)) platforms.push(name);
    }
  }
  return platforms;
}

function mapFrameworks(
  frameworks: Record<string, unknown>,
  note: (id: LenientMappingId, pointer: string) => void,
): Record<string, unknown> {
  const out: Record<
    string,
    { controls: string[]; applicable: boolean; rest: Record<string, unknown> }
  > = {};
  const untouched: Record<string, unknown> = {};
  const merge = (
    key: string,
    controls: string[],
    applicable: boolean,
    rest: Record<string, unknown>,
  ): void => {
    const target = out[key] ?? { controls: [], applicable: false, rest: {} };
    target.controls.push(...controls);
    target.applicable = target.applicable || applicable;
    Object.assign(target.rest, rest);
    out[key] = target;
  };
  for (const [key, value] of Object.entries(frameworks)) {
    const pointer = `/frameworks/${escapePointer(key)}`;
    const specKey = FRAMEWORK_KEY_ALIASES[key] ?? key;
    if (specKey !== key) note('framework_key_alias', pointer);
    if (!isPlainObject(value)) {
      untouched[key] = value;
      continue;
    }
    if (
      Array.isArray(value.controls) &&
      value.controls.every((control) => typeof control === 'string')
    ) {
      const { controls, applicable, ...rest } = value;
      merge(specKey, controls as string[], applicable !== false, rest);
      continue;
    }
    const nested = Object.values(value);
    if (
      nested.length > 0 &&
      nested.every(
        (inner) => Array.isArray(inner) && inner.every((item) => typeof item === 'string'),
      )
    ) {
      note('framework_nested_by_version', pointer);
      merge(specKey, (nested as string[][]).flat(), true, {});
      continue;
    }
    untouched[key] = value;
  }
  const nist = out.nist_800_53;
  if (nist !== undefined) {
    const csf = nist.controls.filter((control) => NIST_CSF_ID.test(control));
    if (csf.length > 0) {
      nist.controls = nist.controls.filter((control) => !NIST_CSF_ID.test(control));
      merge('nist_csf', csf, true, {});
      note('framework_nist_csf_split', '/frameworks/nist_800_53');
    }
  }
  const result: Record<string, unknown> = { ...untouched };
  for (const [key, value] of Object.entries(out)) {
    const unique = [...new Set(value.controls)];
    if (unique.length !== value.controls.length) {
      note('control_duplicates_removed', `/frameworks/${escapePointer(key)}/controls`);
    }
    result[key] = { ...value.rest, controls: unique, applicable: value.applicable };
  }
  return result;
}

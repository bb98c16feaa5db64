/**
 * A vendor's tree for the vendor page and `vendor tree`: service views → assets →
 * attributes → measurements, and each view's dependencies (CTP 4.2, appendix B), in
 * display order (depth first; assets before dependencies, then by name), each
 * measurement with its state, the objective status the vendor claims, ours, and the
 * signature of its current result. Pure: rows come from workspaceReader.ts.
 */
import type {
  MeasurementGlance,
  ObjectiveCheck,
  VendorTreeKind,
  VendorTreeNode,
} from '../../../shared/client';
import type { StoredSignature } from './checksRepository';
import { claimedStatus, resourceLabel } from './syncChanges';
import type { TreeRow } from './workspaceReader';

const KIND_ORDER: Record<VendorTreeKind, number> = {
  serviceView: 0,
  asset: 1,
  attribute: 2,
  measurement: 3,
  dependency: 4,
};

/** Deeper than CTP's five levels only through dependency chains; bounded all the same. */
const MAX_DEPTH = 64;

/** The members of a stored measurement the tree shows (the body was validated at sync). */
interface MeasurementMembers {
  metric?: unknown;
  state?: unknown;
  objective?: { status?: unknown } | null;
  result?: { updateTime?: unknown; dateTime?: unknown } | null;
}

/**
 * A measurement at a glance. The stored body passed responseShapes.ts when it was synced,
 * so a plain JSON.parse of the few members shown is enough (and ten times cheaper than
 * validating 10,000 bodies again for every look at the tree).
 */
function glance(
  row: TreeRow,
  metricNames: ReadonlyMap<string, string>,
  check: ObjectiveCheck | undefined,
  signature: StoredSignature | undefined,
): MeasurementGlance {
  let members: MeasurementMembers = {};
  try {
    const parsed = JSON.parse(row.body) as unknown;
    if (typeof parsed === 'object' && parsed !== null) members = parsed as MeasurementMembers;
  } catch {
    members = {};
  }
  const metricUrl = typeof members.metric === 'string' ? members.metric : null;
  const result = typeof members.result === 'object' ? members.result : null;
  const updateTime = result?.updateTime ?? result?.dateTime;
  return {
    metric: metricUrl === null ? null : (metricNames.get(metricUrl) ?? null),
    state: typeof members.state === 'string' ? members.state : 'unknown',
    claimed: claimedStatus(members.objective?.status),
    ours: check?.ours ?? null,
    disagrees: check?.disagrees ?? false,
    signature: result == null ? null : (signature?.status ?? null),
    updateTime: typeof updateTime === 'string' ? updateTime : null,
  };
}

/** The label a measurement is known by: its name, else its metric's, else its id. */
export function measurementLabel(name: string, metric: string | null, url: string): string {
  if (name !== '') return name;
  return metric ?? resourceLabel({ url, name: '' });
}

export function buildVendorTree(
  rows: readonly TreeRow[],
  metricNames: ReadonlyMap<string, string>,
  checks: ReadonlyMap<string, ObjectiveCheck>,
  signatures: ReadonlyMap<string, StoredSignature>,
): VendorTreeNode[] {
  const urls = new Set(rows.map((row) => row.url));
  const children = new Map<string | null, TreeRow[]>();
  for (const row of rows) {
    // A view's parent is the entry point, which is not in the tree: views are roots.
    const parent = row.parentUrl !== null && urls.has(row.parentUrl) ? row.parentUrl : null;
    const list = children.get(parent) ?? [];
    list.push(row);
    children.set(parent, list);
  }
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  for (const list of children.values()) {
    list.sort(
      (a, b) =>
        KIND_ORDER[a.kind as VendorTreeKind] - KIND_ORDER[b.kind as VendorTreeKind] ||
        collator.compare(a.name, b.name) ||
        collator.compare(a.url, b.url),
    );
  }
  const nodes: VendorTreeNode[] = [];
  const visited = new Set<string>();
  // Iterative depth-first walk: a stack of rows with their depth, children pushed reversed.
  const stack: Array<{ row: TreeRow; depth: number }> = [...(children.get(null) ?? [])]
    .reverse()
    .map((row) => ({ row, depth: 0 }));
  while (stack.length > 0) {
    const { row, depth } = stack.pop()!;
    if (visited.has(row.url) || depth > MAX_DEPTH) continue;
    visited.add(row.url);
    const measurement =
      row.kind === 'measurement'
        ? glance(row, metricNames, checks.get(row.url), signatures.get(row.url))
        : null;
    nodes.push({
      url: row.url,
      kind: row.kind as VendorTreeKind,
      name:
        measurement === null
          ? resourceLabel(row)
          : measurementLabel(row.name, measurement.metric, row.url),
      depth,
      parentUrl: depth === 0 ? null : row.parentUrl,
      measurement,
    });
    for (const child of [...(children.get(row.url) ?? [])].reverse()) {
      stack.push({ row: child, depth: depth + 1 });
    }
  }
  return nodes;
}

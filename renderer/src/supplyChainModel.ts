/**
 * The supply-chain graph as the page draws it (pure): each node's status for colouring
 * (objectives failing, errors, a stale or unreachable vendor, a third party), the
 * provider search, and the same graph as a nested list for keyboard and screen-reader
 * users. The layout (dagre) is supplyChainLayout.ts, loaded with the graph only.
 */
import type {
  SupplyChainEdge,
  SupplyChainGraph,
  SupplyChainNode,
  VendorOverview,
} from '../../shared/client';
import { freshness } from './vendorFormat';

export type NodeStatus = 'failing' | 'error' | 'unreachable' | 'stale' | 'ok' | 'unknown';

/** Worst first: a node shows the worst of what applies to it. */
export function nodeStatus(
  node: SupplyChainNode,
  vendor: VendorOverview | undefined,
  now: Date,
): NodeStatus {
  if (node.status.false > 0) return 'failing';
  if (node.status.error > 0) return 'error';
  if (vendor?.lastSync?.status === 'failed') return 'unreachable';
  if (vendor !== undefined && freshness(vendor.lastFinishedAt, now).tone === 'danger')
    return 'stale';
  if (node.kind === 'vendor' && vendor?.lastFinishedAt == null) return 'unknown';
  return 'ok';
}

export const STATUS_LABEL: Record<NodeStatus, string> = {
  failing: 'objectives failing',
  error: 'objectives in error',
  unreachable: 'last sync failed',
  stale: 'evidence older than a week',
  ok: 'no failing objective',
  unknown: 'not synced yet',
};

/** Nodes whose provider (or name) holds the text; empty for no search. */
export function searchProviders(graph: SupplyChainGraph, text: string): Set<string> {
  const needle = text.trim().toLocaleLowerCase();
  if (needle === '') return new Set();
  return new Set(
    graph.nodes
      .filter((node) => `${node.provider} ${node.name}`.toLocaleLowerCase().includes(needle))
      .map((node) => node.id),
  );
}

export interface OutlineItem {
  node: SupplyChainNode;
  /** Why it is linked to its parent in the outline. */
  via: SupplyChainEdge['kind'] | null;
  children: OutlineItem[];
}

/** Vendors → views they offer → dependencies (recursively; each node once per branch). */
export function outline(graph: SupplyChainGraph): OutlineItem[] {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const out = new Map<string, SupplyChainEdge[]>();
  for (const edge of graph.edges) out.set(edge.from, [...(out.get(edge.from) ?? []), edge]);
  const walk = (
    id: string,
    via: SupplyChainEdge['kind'] | null,
    path: Set<string>,
  ): OutlineItem => {
    const node = nodes.get(id)!;
    const next = new Set(path).add(id);
    const children =
      via === 'sameProvider' || path.size > 32
        ? []
        : (out.get(id) ?? [])
            .filter((edge) => nodes.has(edge.to) && !next.has(edge.to))
            .map((edge) => walk(edge.to, edge.kind, next));
    return { node, via, children };
  };
  return graph.nodes
    .filter((node) => node.kind === 'vendor')
    .map((node) => walk(node.id, null, new Set()));
}

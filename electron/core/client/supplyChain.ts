/**
 * The supply chain across followed vendors (CTP appendix B): each vendor's service views
 * and their dependencies (B.3.a), third parties identified by a `provider` other than the
 * vendor's own (B.3.b), links between providers through the dependencies (B.3.c), and a
 * link from a dependency to another followed vendor whose provider it names. Pure: built
 * from the workspace's snapshot rows; the UI draws it.
 */
import type { SupplyChainEdge, SupplyChainGraph, SupplyChainNode } from '../../../shared/client';

export interface SupplyChainVendor {
  name: string;
  /** The provider named by the vendor's entry point (B.1), or null before a sync. */
  provider: string | null;
  resources: ReadonlyArray<{
    url: string;
    kind: string;
    name: string;
    provider: string | null;
    parentUrl: string | null;
    body: string;
  }>;
  edges: ReadonlyArray<{ from: string; to: string }>;
}

const VIEW_KINDS = new Set(['serviceView', 'dependency']);

function claimedStatus(body: string): 'true' | 'false' | 'error' | null {
  try {
    const status = (JSON.parse(body) as { objective?: { status?: unknown } }).objective?.status;
    if (status === true || status === 'true') return 'true';
    if (status === false || status === 'false') return 'false';
    if (status === 'error') return 'error';
  } catch {
    return null;
  }
  return null;
}

export function buildSupplyChainGraph(vendors: readonly SupplyChainVendor[]): SupplyChainGraph {
  const nodes: SupplyChainNode[] = [];
  const edges: SupplyChainEdge[] = [];
  const edgeKeys = new Set<string>();
  const addEdge = (edge: SupplyChainEdge): void => {
    const key = `${edge.kind} ${edge.from} ${edge.to}`;
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push(edge);
  };
  const vendorByProvider = new Map<string, string>();
  for (const vendor of vendors) {
    if (
      vendor.provider !== null &&
      vendor.provider !== '' &&
      !vendorByProvider.has(vendor.provider)
    ) {
      vendorByProvider.set(vendor.provider, vendor.name);
    }
  }

  for (const vendor of vendors) {
    const vendorId = `vendor:${vendor.name}`;
    const own = vendor.provider ?? '';
    nodes.push({
      id: vendorId,
      kind: 'vendor',
      name: vendor.name,
      provider: own,
      vendor: vendor.name,
      thirdParty: false,
      status: { true: 0, false: 0, error: 0 },
    });
    const parents = new Map(vendor.resources.map((item) => [item.url, item.parentUrl]));
    const viewNodes = new Map<string, SupplyChainNode>();
    for (const resource of vendor.resources) {
      if (!VIEW_KINDS.has(resource.kind)) continue;
      const provider = resource.provider ?? '';
      const node: SupplyChainNode = {
        id: resource.url,
        kind: 'serviceView',
        name: resource.name,
        provider,
        vendor: vendor.name,
        thirdParty: provider !== '' && own !== '' && provider !== own,
        status: { true: 0, false: 0, error: 0 },
      };
      viewNodes.set(resource.url, node);
      nodes.push(node);
      if (resource.kind === 'serviceView')
        addEdge({ from: vendorId, to: resource.url, kind: 'offers' });
      const other = vendorByProvider.get(provider);
      if (other !== undefined && other !== vendor.name) {
        addEdge({ from: resource.url, to: `vendor:${other}`, kind: 'sameProvider' });
      }
    }
    for (const edge of vendor.edges) {
      if (viewNodes.has(edge.from) && viewNodes.has(edge.to)) {
        addEdge({ from: edge.from, to: edge.to, kind: 'dependsOn' });
      }
    }
    // Objective statuses claimed under each view: walk measurement → attribute → asset → view.
    for (const resource of vendor.resources) {
      if (resource.kind !== 'measurement') continue;
      const status = claimedStatus(resource.body);
      if (status === null) continue;
      let current = resource.parentUrl;
      for (let steps = 0; current !== null && current !== undefined && steps < 8; steps++) {
        const node = viewNodes.get(current);
        if (node !== undefined) {
          node.status[status]++;
          break;
        }
        current = parents.get(current) ?? null;
      }
    }
  }
  return { nodes, edges };
}

/**
 * Where each supply-chain node goes (dagre): from left (the vendors you follow) to right
 * (what they depend on). Loaded with the graph component only.
 */
import { Graph, layout } from '@dagrejs/dagre';

import type { SupplyChainGraph, SupplyChainNode, VendorOverview } from '../../shared/client';
import { nodeStatus, type NodeStatus } from './supplyChainModel';

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 64;

export interface LaidOutNode {
  id: string;
  node: SupplyChainNode;
  status: NodeStatus;
  position: { x: number; y: number };
}

/** Positions from dagre, left to right. */
export function layoutGraph(
  graph: SupplyChainGraph,
  vendors: readonly VendorOverview[],
  now: Date,
): LaidOutNode[] {
  const byName = new Map(vendors.map((vendor) => [vendor.name, vendor]));
  const g = new Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 80, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of graph.edges) {
    if (g.hasNode(edge.from) && g.hasNode(edge.to)) g.setEdge(edge.from, edge.to);
  }
  layout(g);
  return graph.nodes.map((node) => {
    const placed = g.node(node.id) as { x: number; y: number };
    return {
      id: node.id,
      node,
      status: nodeStatus(node, byName.get(node.vendor), now),
      position: { x: placed.x - NODE_WIDTH / 2, y: placed.y - NODE_HEIGHT / 2 },
    };
  });
}

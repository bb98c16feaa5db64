/**
 * The vendor tree's view model (pure): which rows show given what is expanded and what
 * the search asks for, and where keyboard moves go. The tree arrives flat, depth first
 * (shared/client.ts VendorTreeNode), so every question is one pass over it.
 */
import type { VendorTreeNode } from '../../shared/client';

export interface TreeRow {
  node: VendorTreeNode;
  /** Index of the node in the flat list. */
  index: number;
  hasChildren: boolean;
  expanded: boolean;
  /** 1-based position among its siblings, and how many siblings (ARIA tree). */
  position: number;
  siblings: number;
}

export interface TreeIndex {
  hasChildren: boolean[];
  /** Index of each node's parent, -1 for roots. */
  parent: number[];
  position: number[];
  siblings: number[];
}

/** Parents, child counts and sibling positions, once per tree. */
export function indexTree(nodes: readonly VendorTreeNode[]): TreeIndex {
  const hasChildren = nodes.map(() => false);
  const parent = nodes.map(() => -1);
  const position = nodes.map(() => 1);
  const childCount = new Map<number, number>();
  const stack: number[] = [];
  nodes.forEach((node, index) => {
    while (stack.length > node.depth) stack.pop();
    const parentIndex = stack.at(-1) ?? -1;
    parent[index] = parentIndex;
    if (parentIndex >= 0) hasChildren[parentIndex] = true;
    const count = (childCount.get(parentIndex) ?? 0) + 1;
    childCount.set(parentIndex, count);
    position[index] = count;
    stack.push(index);
  });
  const siblings = parent.map((parentIndex) => childCount.get(parentIndex) ?? 1);
  return { hasChildren, parent, position, siblings };
}

/** Nodes whose name (or metric) holds the text, with their ancestors; null for no search. */
export function searchTree(
  nodes: readonly VendorTreeNode[],
  index: TreeIndex,
  text: string,
): Set<number> | null {
  const needle = text.trim().toLocaleLowerCase();
  if (needle === '') return null;
  const keep = new Set<number>();
  nodes.forEach((node, position) => {
    const haystack = `${node.name} ${node.measurement?.metric ?? ''}`.toLocaleLowerCase();
    if (!haystack.includes(needle)) return;
    for (
      let current = position;
      current >= 0 && !keep.has(current);
      current = index.parent[current]!
    )
      keep.add(current);
  });
  return keep;
}

/** The rows to show: children of collapsed nodes are hidden; a search shows its matches. */
export function visibleRows(
  nodes: readonly VendorTreeNode[],
  index: TreeIndex,
  expanded: ReadonlySet<string>,
  matches: ReadonlySet<number> | null,
): TreeRow[] {
  const rows: TreeRow[] = [];
  let hiddenBelow = Number.POSITIVE_INFINITY;
  nodes.forEach((node, position) => {
    if (node.depth > hiddenBelow) return;
    hiddenBelow = Number.POSITIVE_INFINITY;
    if (matches !== null && !matches.has(position)) {
      hiddenBelow = node.depth;
      return;
    }
    const isExpanded = matches !== null || expanded.has(node.url);
    rows.push({
      node,
      index: position,
      hasChildren: index.hasChildren[position]!,
      expanded: isExpanded,
      position: index.position[position]!,
      siblings: index.siblings[position]!,
    });
    if (index.hasChildren[position] && !isExpanded) hiddenBelow = node.depth;
  });
  return rows;
}

/** Everything above the measurements is open at first: measurements are what people look for. */
export function initiallyExpanded(nodes: readonly VendorTreeNode[]): Set<string> {
  return new Set(
    nodes
      .filter((node) => node.kind !== 'measurement' && node.kind !== 'dependency')
      .map((node) => node.url),
  );
}

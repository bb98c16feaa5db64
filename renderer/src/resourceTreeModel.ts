/**
 * The resource tree's view model (pure), for a vendor's synced tree and for the embedded
 * server's published one: which rows show given what is expanded and what the search asks
 * for, and where keyboard moves go. Trees arrive flat, depth first (shared/client.ts
 * VendorTreeNode, shared/serverConsole.ts PublishedNode), so every question is one pass.
 */

/** What the model needs of a node: its kind, depth, name, a unique key, a metric name. */
export interface TreeNodeLike {
  kind: 'serviceView' | 'dependency' | 'asset' | 'attribute' | 'measurement';
  depth: number;
  name: string;
  /** Unique in the tree (the resource's URL or id). */
  url: string;
  measurement?: { metric: string | null } | null | undefined;
}

export interface TreeRow<N extends TreeNodeLike = TreeNodeLike> {
  node: N;
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
export function indexTree(nodes: readonly TreeNodeLike[]): TreeIndex {
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
  nodes: readonly TreeNodeLike[],
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
export function visibleRows<N extends TreeNodeLike>(
  nodes: readonly N[],
  index: TreeIndex,
  expanded: ReadonlySet<string>,
  matches: ReadonlySet<number> | null,
): TreeRow<N>[] {
  const rows: TreeRow<N>[] = [];
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
export function initiallyExpanded(nodes: readonly TreeNodeLike[]): Set<string> {
  return new Set(
    nodes
      .filter((node) => node.kind !== 'measurement' && node.kind !== 'dependency')
      .map((node) => node.url),
  );
}

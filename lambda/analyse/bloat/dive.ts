/**
 * The figures the peer tool dive reports, computed the way dive computes them
 * (its `filetree/efficiency.go` and `image/analysis.go`), so teams can compare.
 * dive's quirks are kept on purpose, and our own figures (stack.ts) fix them:
 * - only the leaves of each layer's tree are counted;
 * - a deleted directory is sized from the stacked tree only when the latest
 *   layer that mentioned it recorded it as a directory entry (a parent that
 *   a layer only implied counts as 0 bytes);
 * - opaque whiteouts are ignored;
 * - the surviving copy of a path counts as wasted, like the hidden ones.
 */
import type { LayerEntry } from '../../model/layer';

export interface DiveInefficiency {
  path: string;
  /** How many layers hold this path (whiteouts included). */
  count: number;
  /** Bytes of every copy, the surviving one included. */
  cumulativeSizeBytes: number;
}

export interface DiveFigures {
  /** Σ smallest size per path ÷ Σ cumulative size per path; 1 when nothing was found. */
  efficiency: number;
  /** Sum of the tar-header sizes of every entry of every layer. */
  sizeBytes: number;
  /** The same without the first layer. */
  userSizeBytes: number;
  /** Sum of the cumulative sizes of the inefficient paths. */
  wastedBytes: number;
  /**
   * wastedBytes ÷ userSizeBytes, as a ratio (0.48 = 48 %). null when the image
   * has no bytes above its first layer: dive divides by zero there and reports NaN.
   */
  userWastedPercent: number | null;
  inefficiencies: DiveInefficiency[];
}

interface Node {
  children: Map<string, Node>;
  sizeBytes: number;
  isDir: boolean;
  whiteout: boolean;
}

function newNode(): Node {
  return { children: new Map(), sizeBytes: 0, isDir: false, whiteout: false };
}

/** Adds a path as dive's AddPath does: missing parents get an empty payload. */
function addPath(root: Node, parts: string[], payload: Omit<Node, 'children'>): Node {
  let node = root;
  for (const part of parts) {
    let child = node.children.get(part);
    if (!child) {
      child = newNode();
      node.children.set(part, child);
    }
    node = child;
  }
  node.sizeBytes = payload.sizeBytes;
  node.isDir = payload.isDir;
  node.whiteout = payload.whiteout;
  return node;
}

function getNode(root: Node, parts: string[]): Node | undefined {
  let node: Node | undefined = root;
  for (const part of parts) {
    node = node.children.get(part);
    if (!node) return undefined;
  }
  return node;
}

function subtreeBytes(node: Node): number {
  let total = node.sizeBytes;
  for (const child of node.children.values()) total += subtreeBytes(child);
  return total;
}

/** One layer as dive's per-layer tree: whiteouts are their own `.wh.` nodes. */
function layerTree(entries: LayerEntry[]): Node {
  const root = newNode();
  for (const entry of entries) {
    const parts = entry.path.split('/');
    if (entry.type === 'opaque-whiteout') {
      // dive refuses the `.wh..wh..opq` node itself but has already added its parents.
      const dir = getNode(root, parts);
      if (!dir) addPath(root, parts, { sizeBytes: 0, isDir: false, whiteout: false });
      continue;
    }
    if (entry.type === 'whiteout') {
      parts[parts.length - 1] = `.wh.${parts[parts.length - 1]}`;
      addPath(root, parts, { sizeBytes: 0, isDir: false, whiteout: true });
      continue;
    }
    addPath(root, parts, {
      sizeBytes: entry.sizeBytes,
      isDir: entry.type === 'dir',
      whiteout: false,
    });
  }
  return root;
}

/** Visits every node but the root, children first, with its path parts. */
function visit(node: Node, parts: string[], visitor: (node: Node, parts: string[]) => void): void {
  for (const [name, child] of node.children) {
    parts.push(name);
    visit(child, parts, visitor);
    parts.pop();
  }
  if (parts.length) visitor(node, parts);
}

function targetParts(node: Node, parts: string[]): string[] {
  if (!node.whiteout) return parts;
  const copy = parts.slice();
  copy[copy.length - 1] = copy[copy.length - 1].slice(4);
  return copy;
}

/** dive's Stack: whiteouts remove, everything else (implied parents too) replaces the payload. */
function stack(lower: Node, upper: Node): void {
  visit(upper, [], (node, parts) => {
    const target = targetParts(node, parts);
    if (node.whiteout) {
      const parent = getNode(lower, target.slice(0, -1));
      parent?.children.delete(target[target.length - 1]);
      return;
    }
    addPath(lower, target, node);
  });
}

interface PathData {
  cumulative: number;
  min: number;
  count: number;
}

/** dive's figures for an image, from its layers' entries in manifest order. */
export function diveFigures(layers: LayerEntry[][]): DiveFigures {
  const byPath = new Map<string, PathData>();
  const inefficient: string[] = [];
  const stacked = newNode();
  let sizeBytes = 0;
  let userSizeBytes = 0;

  layers.forEach((entries, index) => {
    const layerBytes = entries.reduce(
      (sum, e) => sum + (e.type === 'file' || e.type === 'other' ? e.sizeBytes : 0),
      0,
    );
    sizeBytes += layerBytes;
    if (index > 0) userSizeBytes += layerBytes;

    const tree = layerTree(entries);
    visit(tree, [], (node, parts) => {
      if (node.children.size > 0) return;
      const target = targetParts(node, parts);
      let bytes = node.sizeBytes;
      if (node.whiteout) {
        const previous = getNode(stacked, target);
        bytes = previous?.isDir ? subtreeBytes(previous) : 0;
      }
      const key = target.join('/');
      let data = byPath.get(key);
      if (!data) {
        data = { cumulative: 0, min: -1, count: 0 };
        byPath.set(key, data);
      }
      data.cumulative += bytes;
      if (data.min < 0 || bytes < data.min) data.min = bytes;
      data.count += 1;
      if (data.count === 2) inefficient.push(key);
    });
    stack(stacked, tree);
  });

  let minimum = 0;
  let discovered = 0;
  for (const data of byPath.values()) {
    minimum += data.min;
    discovered += data.cumulative;
  }
  const inefficiencies = inefficient
    .map((path) => {
      const data = byPath.get(path)!;
      return { path: `/${path}`, count: data.count, cumulativeSizeBytes: data.cumulative };
    })
    .sort((a, b) => b.cumulativeSizeBytes - a.cumulativeSizeBytes || a.path.localeCompare(b.path));
  const wastedBytes = inefficiencies.reduce((sum, i) => sum + i.cumulativeSizeBytes, 0);
  return {
    efficiency: discovered === 0 ? 1 : minimum / discovered,
    sizeBytes,
    userSizeBytes,
    wastedBytes,
    userWastedPercent: userSizeBytes === 0 ? null : wastedBytes / userSizeBytes,
    inefficiencies,
  };
}

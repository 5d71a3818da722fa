/**
 * Our own measure of what later layers hide: layers stacked as a container
 * runtime stacks them (OCI whiteouts, opaque whiteouts, directories replaced
 * by files), recording every regular file whose bytes ship in a layer but are
 * not visible in the final image.
 *
 * A file re-shipped unchanged in size by a later layer (a `chmod`, `chown -R`
 * or `touch` layer) is a *duplicate*: its earlier copy is the waste, and only
 * that copy is counted, so a 900 MB install followed by `chown -R` counts
 * 900 MB, not 1.8 GB. Every other earlier copy is *hidden*.
 */
import type { LayerEntry, LayerEntryType } from '../../model/layer';

export type HiddenReason = 'deleted' | 'opaque' | 'overwritten' | 'replaced' | 'duplicate';

export interface HiddenFile {
  path: string;
  sizeBytes: number;
  /** Layer that shipped the bytes. */
  layerIndex: number;
  /** Layer that hid them. */
  hiddenByLayer: number;
  reason: HiddenReason;
}

export interface VisibleFile {
  path: string;
  sizeBytes: number;
  layerIndex: number;
  type: LayerEntryType;
  contentHash?: string;
}

export interface StackResult {
  hidden: HiddenFile[];
  /** Bytes of earlier copies deleted or replaced by different content. */
  hiddenBytes: number;
  /** Bytes of earlier copies re-shipped unchanged in size by a later layer. */
  duplicateBytes: number;
  /** The final file system: every entry visible in the running container. */
  visible: VisibleFile[];
}

interface Node {
  children?: Map<string, Node>;
  type: LayerEntryType;
  sizeBytes: number;
  layerIndex: number;
  contentHash?: string;
}

function lookup(root: Node, parts: string[]): Node | undefined {
  let node: Node | undefined = root;
  for (const part of parts) {
    node = node.children?.get(part);
    if (!node) return undefined;
  }
  return node;
}

/** Emits every file under a node (the node itself included) as hidden. */
function hideTree(
  node: Node,
  path: string,
  hiddenByLayer: number,
  reason: HiddenReason,
  out: HiddenFile[],
): void {
  if (node.sizeBytes > 0) {
    out.push({
      path,
      sizeBytes: node.sizeBytes,
      layerIndex: node.layerIndex,
      hiddenByLayer,
      reason,
    });
  }
  for (const [name, child] of node.children ?? []) {
    hideTree(child, path ? `${path}/${name}` : name, hiddenByLayer, reason, out);
  }
}

function ensureDir(root: Node, parts: string[], layerIndex: number, out: HiddenFile[]): Node {
  let node = root;
  let path = '';
  for (const part of parts) {
    path = path ? `${path}/${part}` : part;
    node.children ??= new Map();
    let child = node.children.get(part);
    if (!child) {
      child = { type: 'dir', sizeBytes: 0, layerIndex, children: new Map() };
      node.children.set(part, child);
    } else if (child.type !== 'dir') {
      // A file where a directory now stands is replaced by it.
      hideTree(child, path, layerIndex, 'replaced', out);
      child.type = 'dir';
      child.sizeBytes = 0;
      child.layerIndex = layerIndex;
      child.children = new Map();
    }
    node = child;
  }
  return node;
}

function applyEntry(root: Node, entry: LayerEntry, layerIndex: number, out: HiddenFile[]): void {
  const parts = entry.path.split('/');
  const name = parts.pop()!;
  const parent = ensureDir(root, parts, layerIndex, out);
  parent.children ??= new Map();
  const existing = parent.children.get(name);
  if (entry.type === 'dir') {
    if (existing?.type === 'dir') return;
    if (existing) hideTree(existing, entry.path, layerIndex, 'replaced', out);
    parent.children.set(name, { type: 'dir', sizeBytes: 0, layerIndex, children: new Map() });
    return;
  }
  if (existing) {
    if (existing.type === 'dir') {
      hideTree(existing, entry.path, layerIndex, 'replaced', out);
    } else if (existing.sizeBytes > 0) {
      // Same content when both hashes are known; else the same size is taken as the same content.
      const same =
        entry.type === existing.type &&
        entry.sizeBytes === existing.sizeBytes &&
        (entry.contentHash === undefined ||
          existing.contentHash === undefined ||
          entry.contentHash === existing.contentHash);
      out.push({
        path: entry.path,
        sizeBytes: existing.sizeBytes,
        layerIndex: existing.layerIndex,
        hiddenByLayer: layerIndex,
        reason: same ? 'duplicate' : 'overwritten',
      });
    }
  }
  parent.children.set(name, {
    type: entry.type,
    sizeBytes: entry.sizeBytes,
    layerIndex,
    ...(entry.contentHash ? { contentHash: entry.contentHash } : {}),
  });
}

function collectVisible(node: Node, path: string, out: VisibleFile[]): void {
  for (const [name, child] of node.children ?? []) {
    const childPath = path ? `${path}/${name}` : name;
    out.push({
      path: childPath,
      sizeBytes: child.sizeBytes,
      layerIndex: child.layerIndex,
      type: child.type,
      ...(child.contentHash ? { contentHash: child.contentHash } : {}),
    });
    collectVisible(child, childPath, out);
  }
}

/** Stacks layers (entries in manifest order) and measures what they hide. */
export function stackLayers(layers: LayerEntry[][]): StackResult {
  const root: Node = { type: 'dir', sizeBytes: 0, layerIndex: 0, children: new Map() };
  const hidden: HiddenFile[] = [];

  layers.forEach((entries, layerIndex) => {
    // Whiteouts apply to the layers below only, so they go before this layer's own entries.
    for (const entry of entries) {
      if (entry.type === 'opaque-whiteout') {
        const dir = entry.path === '' ? root : lookup(root, entry.path.split('/'));
        if (dir?.children) {
          for (const [name, child] of dir.children) {
            hideTree(
              child,
              entry.path ? `${entry.path}/${name}` : name,
              layerIndex,
              'opaque',
              hidden,
            );
          }
          dir.children = new Map();
        }
      } else if (entry.type === 'whiteout') {
        const parts = entry.path.split('/');
        const name = parts.pop()!;
        const parent = lookup(root, parts);
        const target = parent?.children?.get(name);
        if (parent && target) {
          hideTree(target, entry.path, layerIndex, 'deleted', hidden);
          parent.children!.delete(name);
        }
      }
    }
    for (const entry of entries) {
      if (entry.type === 'whiteout' || entry.type === 'opaque-whiteout') continue;
      applyEntry(root, entry, layerIndex, hidden);
    }
  });

  const visible: VisibleFile[] = [];
  collectVisible(root, '', visible);
  let hiddenBytes = 0;
  let duplicateBytes = 0;
  for (const file of hidden) {
    if (file.reason === 'duplicate') duplicateBytes += file.sizeBytes;
    else hiddenBytes += file.sizeBytes;
  }
  return { hidden, hiddenBytes, duplicateBytes, visible };
}

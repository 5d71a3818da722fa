/**
 * Bloat bytes of a repository from the bloat of its images that stay.
 * Images of one repository often share layers (ten tags on one base), and a
 * cache left in a shared layer is stored once, so summing per-image figures
 * would count it ten times. Findings tied to a layer are therefore counted
 * once per layer (the largest share any image gives it); only what is not
 * tied to a layer is added per image.
 */
import type { ManifestIndex } from '../analyse/accounting';
import type { ImageBloat } from '../model/bloat';
import { safeBytes } from './format';

export function repositoryBloatBytes(kept: ImageBloat[], manifests: ManifestIndex): number {
  const perLayer = new Map<string, number>();
  let untied = 0;

  for (const image of kept) {
    const bloatBytes = safeBytes(image.bloatBytes);
    if (bloatBytes === 0) continue;
    const layers = manifests.get(image.imageDigest)?.layers ?? [];

    const byLayer = new Map<string, number>();
    let findingsBytes = 0;
    for (const finding of image.findings) {
      const size = safeBytes(finding.sizeBytes);
      findingsBytes += size;
      const layer =
        finding.layerDigest ??
        (finding.layerIndex === undefined ? undefined : layers[finding.layerIndex]?.digest);
      if (layer) byLayer.set(layer, (byLayer.get(layer) ?? 0) + size);
    }

    // Findings may overlap (a hidden file inside a cache folder); the image's
    // own bloatBytes is the figure without double counting, so scale to it.
    const scale = findingsBytes > 0 ? Math.min(1, bloatBytes / findingsBytes) : 0;
    let tied = 0;
    for (const [layer, size] of byLayer) {
      const share = Math.round(size * scale);
      tied += share;
      perLayer.set(layer, Math.max(perLayer.get(layer) ?? 0, share));
    }
    untied += Math.max(0, bloatBytes - tied);
  }

  let total = untied;
  for (const share of perLayer.values()) total += share;
  return total;
}

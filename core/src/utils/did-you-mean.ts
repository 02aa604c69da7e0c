/**
 * "Did you mean …?" for names a user typed: commands, plugins, params, node ids, units.
 * Damerau–Levenshtein distance (optimal string alignment: a swap of two neighbours is one edit);
 * case and the separators `_` / `-` are ignored, so `offset_max` finds `offsetMax`.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => i || j));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const folded = (name: string) => name.toLowerCase().replace(/[-_\s]/g, "");

/**
 * The known names nearest to `name` (ties all returned), when near enough to be a slip: at most
 * a third of the longer name's letters edited, and never the whole of a short one.
 */
export function closestNames(name: string, known: Iterable<string>): string[] {
  let best = Number.POSITIVE_INFINITY;
  let found: string[] = [];
  for (const candidate of known) {
    if (candidate === name) continue;
    const distance = editDistance(folded(name), folded(candidate));
    const allowed = Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3));
    if (distance > allowed) continue;
    if (distance < best) [best, found] = [distance, [candidate]];
    else if (distance === best) found.push(candidate);
  }
  return found;
}

/** " — did you mean 'offsetMax'?" (or "'a' or 'b'"), or "" when nothing is near. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const near = closestNames(name, known);
  return near.length ? ` — did you mean ${near.map((n) => `'${n}'`).join(" or ")}?` : "";
}

/**
 * Checks of trees that come from users (graph files, params, --set values, models YAML) before
 * anything walks them recursively or assigns their keys.
 */

/** Keys that reach an object's prototype when assigned (`target[key] = …`): never taken from input. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Deeper than any real graph or models file (about 8 levels), far below the stack's limit. */
export const MAX_TREE_DEPTH = 64;

export interface TreeIssue {
  /** JSON pointer of the offending key or value, after `at`. */
  path: string;
  message: string;
}

/** Why a key may not be used, or undefined when it may. */
export function forbiddenKeyMessage(key: string): string | undefined {
  return FORBIDDEN_KEYS.has(key) ? `the key '${key}' is refused: it would reach every object's prototype` : undefined;
}

/**
 * The forbidden keys and the nesting beyond `maxDepth` in a tree of plain objects and arrays,
 * found without recursion (a deep tree must give this message, not a stack overflow).
 */
export function treeIssues(value: unknown, at = "", maxDepth = MAX_TREE_DEPTH): TreeIssue[] {
  const issues: TreeIssue[] = [];
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: at, depth: 0 }];
  while (pending.length) {
    const item = pending.pop()!;
    if (item.value === null || typeof item.value !== "object") continue;
    if (item.depth >= maxDepth) {
      issues.push({ path: item.path, message: `nested deeper than ${maxDepth} levels` });
      continue;
    }
    const entries = Array.isArray(item.value)
      ? item.value.map((v, i) => [String(i), v] as const)
      : Object.entries(item.value);
    for (const [key, child] of entries) {
      const path = `${item.path}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      const refused = forbiddenKeyMessage(key);
      if (refused && !Array.isArray(item.value)) issues.push({ path, message: refused });
      else pending.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return issues;
}

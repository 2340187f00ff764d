import { ExcludePattern, type ModelFile } from "@model-publisher/contract";

/** A folder of the model's file tree; files stay as the contract gives them. */
export interface Folder {
  name: string;
  /** `a/b`, empty for the root. */
  path: string;
  folders: Folder[];
  files: ModelFile[];
  /** Every file below, at any depth. */
  allFiles: ModelFile[];
  size: number;
}

export function buildTree(files: readonly ModelFile[]): Folder {
  const root: Folder = { name: "", path: "", folders: [], files: [], allFiles: [], size: 0 };
  for (const file of files) {
    const parts = file.path.split("/");
    let folder = root;
    folder.allFiles.push(file);
    folder.size += file.size;
    for (const part of parts.slice(0, -1)) {
      let next = folder.folders.find((child) => child.name === part);
      if (!next) {
        next = {
          name: part,
          path: folder.path ? `${folder.path}/${part}` : part,
          folders: [],
          files: [],
          allFiles: [],
          size: 0,
        };
        folder.folders.push(next);
      }
      folder = next;
      folder.allFiles.push(file);
      folder.size += file.size;
    }
    folder.files.push(file);
  }
  const sort = (folder: Folder) => {
    folder.folders.sort((a, b) => a.name.localeCompare(b.name));
    folder.files.sort((a, b) => a.path.localeCompare(b.path));
    folder.folders.forEach(sort);
  };
  sort(root);
  return root;
}

/** Sum of the sizes of files not excluded. */
export function selectedSize(files: readonly ModelFile[], excluded: ReadonlySet<string>): number {
  return files.reduce((sum, file) => (excluded.has(file.path) ? sum : sum + file.size), 0);
}

/** Unticking a folder unticks everything in it; ticking it again brings everything back. */
export function toggleFolder(folder: Folder, excluded: ReadonlySet<string>): Set<string> {
  const next = new Set(excluded);
  const allOut = folder.allFiles.every((file) => excluded.has(file.path));
  for (const file of folder.allFiles) {
    if (allOut) next.delete(file.path);
    else next.add(file.path);
  }
  return next;
}

export function toggleFile(path: string, excluded: ReadonlySet<string>): Set<string> {
  const next = new Set(excluded);
  if (next.has(path)) next.delete(path);
  else next.add(path);
  return next;
}

/**
 * The `exclude` globs for the unticked files: a folder whose files are all unticked becomes `folder/*`
 * (the highest such folder), other files are named one by one. Patterns the contract refuses are reported.
 */
export function excludePatterns(
  root: Folder,
  excluded: ReadonlySet<string>,
): { patterns: string[]; refused: string[] } {
  const patterns: string[] = [];
  const visit = (folder: Folder) => {
    for (const child of folder.folders) {
      if (child.allFiles.every((file) => excluded.has(file.path))) patterns.push(`${child.path}/*`);
      else visit(child);
    }
    for (const file of folder.files) if (excluded.has(file.path)) patterns.push(file.path);
  };
  visit(root);
  const refused = patterns.filter((pattern) => !ExcludePattern.safeParse(pattern).success);
  return { patterns: patterns.filter((pattern) => !refused.includes(pattern)), refused };
}

/** Excluded file paths back from patterns (for links that carry an exclude list). */
export function excludedByPatterns(files: readonly ModelFile[], patterns: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const file of files) {
    for (const pattern of patterns) {
      if (pattern === file.path || (pattern.endsWith("/*") && file.path.startsWith(pattern.slice(0, -1)))) {
        out.add(file.path);
      }
    }
  }
  return out;
}

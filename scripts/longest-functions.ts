// Prints the longest functions and components in the source trees, measured with the TypeScript compiler API
// (a function's lines from its first to its last token, nested functions counted inside their parent too).
// Exits 1 when one is over the limit, so `npm test` keeps every function a short list of named steps.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const roots = ["backend/src", "ui/src", "contract/src"];
const limit = Number(process.env.FUNCTION_LINE_LIMIT ?? 100);
const shown = Number(process.argv[2] ?? 5);

export interface FunctionLength {
  file: string;
  name: string;
  line: number;
  lines: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "testdata" ? [] : sourceFiles(path);
    const source =
      /\.tsx?$/.test(entry.name) && !/\.(test|spec)\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts");
    return source ? [path] : [];
  });
}

function nameOf(node: ts.Node, file: ts.SourceFile): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) return node.name.getText(file);
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(file);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(file);
  if (parent && ts.isPropertyDeclaration(parent)) return parent.name.getText(file);
  return "(anonymous)";
}

/** Every function-like node of one file with its length in lines. */
export function functionLengths(path: string, text: string): FunctionLength[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: FunctionLength[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ file: path, name: nameOf(node, file), line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const all = roots
  .flatMap((root) => sourceFiles(root))
  .flatMap((path) => functionLengths(relative(process.cwd(), path), readFileSync(path, "utf8")))
  .sort((a, b) => b.lines - a.lines);

for (const fn of all.slice(0, shown)) console.log(`${String(fn.lines).padStart(4)}  ${fn.file}:${fn.line}  ${fn.name}`);
const over = all.filter((fn) => fn.lines > limit);
if (over.length > 0) {
  console.error(`${over.length} function(s) over ${limit} lines`);
  process.exit(1);
}
console.log(`no function over ${limit} lines`);

// `npm start`: the backend on 127.0.0.1 serving the built UI; no Docker Desktop needed.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const main = `${root}backend/dist/main.js`;
const uiDir = `${root}ui/build`;
for (const [path, what] of [
  [main, "backend"],
  [`${uiDir}/index.html`, "UI"],
]) {
  if (!existsSync(path)) {
    process.stderr.write(`The ${what} is not built (${path} is missing): run npm run build first.\n`);
    process.exit(1);
  }
}

const child = spawn(process.execPath, [main], {
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, UI_DIR: uiDir, BACKEND_SOCKET: "" },
});
child.stdout.setEncoding("utf8");
let announced = false;
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  const match = /listening on (http:\/\/\S+)/.exec(chunk);
  if (match && !announced) {
    announced = true;
    process.stdout.write(`\nModel Publisher is running: open ${match[1]}/ in your browser (Ctrl+C stops it).\n`);
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

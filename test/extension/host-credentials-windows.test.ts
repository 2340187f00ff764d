// The Windows host helper cannot run here (no Windows, no PowerShell): these checks hold its structure, a batch
// header that hands the file to Windows PowerShell, and its parity with the unix helper the other tests run.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { shippedHostHelper } from "./host-helper-rig.js";

const path = shippedHostHelper("windows");
const bytes = readFileSync(path);
const text = bytes.toString("latin1");
const lines = text.split("\r\n");
const marker = lines.indexOf("#<powershell>");
const header = lines.slice(0, marker);
const script = lines.slice(marker + 1).join("\n");
const unix = readFileSync(shippedHostHelper("linux"), "utf8");

/** PowerShell text less its comments and string contents, for bracket and name checks. */
function code(source: string): string {
  let out = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      out += "\n";
    } else if (c === "'") {
      for (i++; i < source.length; i++) {
        if (source[i] === "'" && source[i + 1] === "'") i++;
        else if (source[i] === "'") break;
      }
      out += "''";
    } else if (c === '"') {
      for (i++; i < source.length && source[i] !== '"'; i++) if (source[i] === "`") i++;
      out += '""';
    } else out += c;
  }
  return out;
}

const builtins = new Set(["ConvertFrom-Json", "Get-Command", "Join-Path", "New-Object", "Select-Object", "Test-Path"]);

describe("the Windows host helper", () => {
  it("is ASCII with CRLF line ends throughout, kept byte for byte by git", () => {
    expect([...bytes].every((byte) => byte < 0x80)).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    expect(readFileSync(join(dirname(path), ".gitattributes"), "utf8")).toMatch(/^\*\.cmd -text$/m);
  });

  it("has a batch header of batch lines only, ending before the PowerShell marker", () => {
    expect(marker).toBeGreaterThan(0);
    expect(lines.filter((line) => line === "#<powershell>")).toHaveLength(1);
    expect(header[0]).toBe("@echo off");
    const batchLine =
      /^(@echo off|rem( .*)?|setlocal|set "MP_CREDENTIALS_\w+=%~[0-9f]+"|"%SystemRoot%\\.*|exit \/b %ERRORLEVEL%|)$/;
    for (const line of header) expect(line).toMatch(batchLine);
    expect(header.filter((line) => line !== "").at(-1)).toBe("exit /b %ERRORLEVEL%");
  });

  it("starts Windows PowerShell on the text after the marker line, without a profile or an execution policy prompt", () => {
    const start = header.find((line) => line.startsWith('"%SystemRoot%')) as string;
    expect(start).toMatch(/^"%SystemRoot%\\System32\\WindowsPowerShell\\v1\.0\\powershell\.exe" /);
    for (const flag of ["-NoProfile", "-NonInteractive", "-ExecutionPolicy Bypass", "-Command"]) {
      expect(start).toContain(` ${flag} `);
    }
    // cmd expands %…% on the line: only SystemRoot may appear.
    expect(start.match(/%/g)).toHaveLength(2);
    expect(start).toContain("[IO.File]::ReadAllText($env:MP_CREDENTIALS_SELF)");
    expect(start).toContain("IndexOf([string][char]10 + [char]35 + '<powershell>')");
    expect(text.split("\n#<powershell>")).toHaveLength(2);
  });

  it("passes its arguments in the variables the script reads", () => {
    const set = header.flatMap((line) => /^set "(MP_CREDENTIALS_\w+)=/.exec(line)?.[1] ?? []);
    expect(set).toEqual(["MP_CREDENTIALS_SELF", "MP_CREDENTIALS_ARG1", "MP_CREDENTIALS_ARG2", "MP_CREDENTIALS_ARG3"]);
    const read = new Set([...script.matchAll(/\$env:(MP_CREDENTIALS_\w+)/g)].map((match) => match[1]));
    expect([...read].sort()).toEqual(set.filter((name) => name !== "MP_CREDENTIALS_SELF").sort());
  });

  it("has balanced brackets and calls only functions it defines or PowerShell has", () => {
    const body = code(script);
    const stack: string[] = [];
    const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
    for (const c of body) {
      if ("([{".includes(c)) stack.push(c);
      else if (c in pairs) expect(stack.pop(), `unbalanced ${c}`).toBe(pairs[c]);
    }
    expect(stack).toEqual([]);
    const defined = new Set(
      [...body.matchAll(/^\s*function ([A-Z]\w+-[A-Z]\w+)/gm)].map((match) => match[1] as string),
    );
    const called = new Set(
      [...body.matchAll(/(?<![\w$-])([A-Z][A-Za-z]+-[A-Z][A-Za-z]+)\b/g)].map((match) => match[1] as string),
    );
    for (const name of called) expect(defined.has(name) || builtins.has(name), name).toBe(true);
    for (const name of defined) {
      const uses = body.split(name).length - 1;
      expect(uses, `${name} is never called`).toBeGreaterThan(1);
    }
  });

  it("keeps the unix helper's contract: commands, config, Hub names, output shapes and messages", () => {
    for (const both of [
      "'list'",
      "'get'",
      "DOCKER_CONFIG",
      "auths",
      "credsStore",
      "credHelpers",
      "identitytoken",
      "<token>",
      "index.docker.io",
      "registry-1.docker.io",
      "https://index.docker.io/v1/",
      "credentials not found",
      "not signed in to",
      "cannot read the sign-in for",
      "is not installed; its sign-ins are left out",
      "is not valid JSON",
      "usage: $me list | $me get <registry host>",
    ]) {
      const plain = both.replace(/^'(.*)'$/, "$1");
      expect(script, both).toContain(both);
      expect(unix, both).toContain(plain);
    }
    for (const shape of ['{"registries":[', '{"host":', ',"username":', ',"secret":']) {
      expect(script, shape).toContain(shape);
    }
    expect(script).toContain("Join-Path $env:USERPROFILE '.docker'");
  });
});

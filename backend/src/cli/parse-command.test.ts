import { describe, expect, it } from "vitest";
import { parseCommand, UsageError } from "./parse-command.js";

describe("parseCommand", () => {
  it("reads a publish with every option", () => {
    expect(
      parseCommand([
        "publish",
        "huggingface://Qwen/Qwen3-0.6B",
        "ghcr.io/me/qwen3:0.6b",
        "--mode",
        "native",
        "--exclude",
        "original/*",
        "--exclude",
        "*.pth",
        "--target",
        "generic",
        "--json",
      ]),
    ).toEqual({
      kind: "publish",
      json: true,
      request: {
        source: "huggingface://Qwen/Qwen3-0.6B",
        reference: "ghcr.io/me/qwen3:0.6b",
        mode: "native",
        target: "generic",
        exclude: ["original/*", "*.pth"],
      },
      sent: {
        source: "huggingface://Qwen/Qwen3-0.6B",
        reference: "ghcr.io/me/qwen3:0.6b",
        mode: "native",
        target: "generic",
        exclude: ["original/*", "*.pth"],
      },
    });
  });

  it("keeps several references as given: the parsed request fills reference in, what was sent does not", () => {
    const command = parseCommand(["publish", "huggingface://acme/tiny", "r1.example/a:1", "r2.example/a:1"]);
    expect(command).toMatchObject({
      kind: "publish",
      request: { reference: "r1.example/a:1", references: ["r1.example/a:1", "r2.example/a:1"] },
      sent: { references: ["r1.example/a:1", "r2.example/a:1"] },
    });
    expect(command.kind === "publish" && "reference" in command.sent).toBe(false);
  });

  it("reads --quant as the request's quantization", () => {
    const argv = [
      "publish",
      "huggingface://unsloth/gemma-3-1b-it-GGUF",
      "ghcr.io/me/gemma:q4_k_m",
      "--quant",
      "Q4_K_M",
    ];
    expect(parseCommand(argv)).toMatchObject({ kind: "publish", request: { quantization: "Q4_K_M" } });
  });

  it("defaults the target to modelpack and leaves the mode to the backend's choice", () => {
    const command = parseCommand(["publish", "huggingface://acme/tiny", "localhost:5000/tiny:1"]);
    expect(command).toMatchObject({ kind: "publish", json: false, request: { target: "modelpack" } });
    expect(command.kind === "publish" && command.request.mode).toBe(undefined);
  });

  it("reads several references as one publish to each of them, in order", () => {
    const command = parseCommand(["publish", "huggingface://acme/tiny", "localhost:5000/a:1", "localhost:5001/b:2"]);
    expect(command).toMatchObject({
      kind: "publish",
      request: { references: ["localhost:5000/a:1", "localhost:5001/b:2"], reference: "localhost:5000/a:1" },
    });
  });

  it.each([
    [["publish", "huggingface://acme/tiny", "Bad/Ref:x"], /invalid reference "Bad\/Ref:x": /],
    [["publish", "ftp://x/y", "localhost:5000/a:1"], /invalid source: /],
    [["publish", "huggingface://acme/tiny", "localhost:5000/a:1", "--mode", "fast"], /invalid --mode/],
    [["publish", "huggingface://acme/tiny", "localhost:5000/a:1", "--exclude", "../x"], /invalid --exclude/],
    [["publish", "huggingface://acme/tiny", "localhost:5000/a:1", "--quant", "Q4;K"], /invalid --quant: /],
    [
      ["publish", "huggingface://acme/tiny/a-Q4_K_M.gguf", "localhost:5000/a:1", "--quant", "Q4_K_M"],
      /invalid --quant: /,
    ],
    [["publish", "https://example.com/a-Q4_K_M.gguf", "localhost:5000/a:1", "--quant", "Q4_K_M"], /whole Hugging Face/],
    [["publish", "huggingface://acme/tiny"], /a source and a reference/],
    [
      ["publish", "huggingface://acme/tiny", "localhost:5000/a:1", "localhost:5000/a:1"],
      /invalid reference: .*distinct/,
    ],
    [
      ["publish", "huggingface://acme/tiny", ...Array.from({ length: 9 }, (_, i) => `localhost:5000/a:${i}`)],
      /at most 8 references/,
    ],
    [["publish", "huggingface://acme/tiny", "localhost:5000/a:1", "Bad/Ref:x"], /invalid reference "Bad\/Ref:x"/],
    [["inspect", "ghcr.io/me/x:"], /invalid reference/],
    [["push", "x"], /unknown command "push"/],
    [["publish", "--bogus"], /bogus/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });

  it("answers help without arguments or with --help", () => {
    expect(parseCommand([])).toEqual({ kind: "help" });
    expect(parseCommand(["publish", "--help"])).toEqual({ kind: "help" });
  });
});

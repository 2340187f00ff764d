import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesOfQuantization } from "../../backend/src/hub/gguf-variants.js";
import { listModelFiles } from "../../backend/src/hub/list-model-files.js";
import { resolveModel } from "../../backend/src/hub/resolve-model.js";
import { buildModelConfig } from "../../backend/src/modelpack/model-config.js";
import { ggufModel, ggufModelId, ggufModelVariants, ggufProjector } from "../fixtures/gguf-model.js";
import { startHubServer, type HubServer } from "../fixtures/hub-server.js";
import { validateConfig } from "../../backend/src/modelpack/testdata/validate-config.js";

let hub: HubServer;
const conn = () => ({ hubUrl: hub.url, timeoutMs: 5_000 });

beforeAll(async () => {
  hub = await startHubServer({
    models: [
      ggufModel,
      {
        id: "acme/qwen-small",
        safetensors: { parameters: { BF16: 596_049_920 }, total: 596_049_920 },
        config: { architectures: ["Qwen3ForCausalLM"], model_type: "qwen3" },
        files: [
          { path: "config.json", content: '{"architectures":["Qwen3ForCausalLM"],"model_type":"qwen3"}' },
          { path: "model.safetensors", size: 4096 },
        ],
      },
      { id: "acme/bare", files: [{ path: "weights.bin", size: 2048 }] },
    ],
  });
});

afterAll(async () => {
  await hub?.stop();
});

describe("the facts a ModelPack config is written from, read from the Hub", () => {
  it("reads a GGUF repo's architecture from the Hub's gguf metadata, and writes one variant's config", async () => {
    const model = await resolveModel(conn(), ggufModelId, "main");
    expect(model).toMatchObject({ commit: hub.commit(ggufModelId), architecture: "gemma3", license: "gemma" });
    expect(model.parameters).toBe(ggufModel.gguf?.total);

    const files = await listModelFiles(conn(), ggufModelId, model.commit);
    const chosen = filesOfQuantization(files, "Q4_K_M") ?? [];
    expect(chosen.map((f) => f.path).sort()).toEqual(
      ["LICENSE", "README.md", "config.json", ggufProjector, ...(ggufModelVariants.Q4_K_M ?? [])].sort(),
    );
    const weights = chosen.filter((f) => f.kind === "weight");
    const config = buildModelConfig({
      repo: ggufModelId,
      commit: model.commit,
      layerDigests: weights.map((f) => `sha256:${f.sha256}`),
      weightFiles: weights,
      ...(model.parameters !== undefined ? { parameters: model.parameters } : {}),
      ...(model.architecture ? { architecture: model.architecture } : {}),
      quantization: "Q4_K_M",
      createdAt: model.createdAt,
    });
    expect(config.config).toEqual({
      architecture: "gemma3",
      format: "gguf",
      paramSize: "3.9b",
      quantization: "Q4_K_M",
    });
    expect(validateConfig(config), JSON.stringify(validateConfig.errors)).toBe(true);
  });

  it("reads a safetensors repo's architecture from its config.json as the Hub exposes it", async () => {
    const model = await resolveModel(conn(), "acme/qwen-small", "main");
    expect(model).toMatchObject({ architecture: "qwen3", parameters: 596_049_920 });
  });

  it("says no architecture when the repo states none", async () => {
    const model = await resolveModel(conn(), "acme/bare", "main");
    expect(model.architecture).toBeUndefined();
    expect("architecture" in model).toBe(false);
  });
});

// What a browser test of a whole publish needs: the Hub test server with its models, a real registry, the product
// (`npm start`'s backend and UI) pointed at that Hub, and Chromium. `close()` stops all of it, in reverse order.
import { startHubServer, type HubModelSpec, type HubServer } from "../fixtures/hub-server.js";
import { requireSkopeo } from "./buildx-publish.js";
import { launchChromium, type ChromiumOptions, type RunningChromium } from "./chromium.js";
import { startProduct, type RunningProduct } from "./product.js";
import { startRegistry, type RegistryOptions, type RunningRegistry } from "./registry.js";

export interface UiRig {
  hub: HubServer;
  registry: RunningRegistry;
  product: RunningProduct;
  browser: RunningChromium;
  close(): Promise<void>;
}

export async function startUiRig(options: {
  models: HubModelSpec[];
  registry?: RegistryOptions;
  /** The product's environment besides `HF_ENDPOINT` (DOCKER_BIN, STANDIN_BEHAVIOUR…). */
  env?: Record<string, string | undefined>;
  browser?: ChromiumOptions;
}): Promise<UiRig> {
  requireSkopeo();
  const hub = await startHubServer({ models: options.models });
  const registry = await startRegistry(options.registry);
  const product = await startProduct({ env: { HF_ENDPOINT: hub.url, ...options.env } });
  const browser = await launchChromium(options.browser);
  return {
    hub,
    registry,
    product,
    browser,
    async close() {
      await browser.close();
      await product.stop();
      await registry.stop();
      await hub.stop();
    },
  };
}

import { defineConfig } from "vite";

/** Backend routes the dev server forwards, so `npm run dev -w ui` talks to a running `npm start` backend. */
const backendRoutes = ["/health", "/settings", "/models", "/builders", "/publish", "/jobs", "/manifest", "/registries"];
const backend = process.env.BACKEND_URL ?? "http://127.0.0.1:7311";

export default defineConfig({
  base: "./",
  // Vite's own esbuild JSX: no React plugin needed.
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "build",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // MUI's "use client" lines and zod's comment placement are harmless in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code === "MODULE_LEVEL_DIRECTIVE" || warning.code === "INVALID_ANNOTATION") return;
        warn(warning);
      },
    },
  },
  server: {
    port: 3000,
    strictPort: true,
    proxy: Object.fromEntries(backendRoutes.map((route) => [route, { target: backend, changeOrigin: false }])),
  },
});

import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type PluginOption } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
/**
 * The page gets its own folder, which web/server.ts serves (PAGE_DIR): dist/web holds the server that tsc
 * compiles, which must neither be served nor wiped by Vite's emptyOutDir.
 */
const outDir = fileURLToPath(new URL("../../dist/page", import.meta.url));

/** The policy `finops serve` sends: `vite preview` sends it too, so a CSP violation shows before the server does. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export default defineConfig(async ({ command }) => {
  const plugins: PluginOption[] = [react()];
  // `vite` and `vite preview` answer /api from fixtures (web/ui/dev, never bundled), unless FINOPS_API
  // names a running `finops serve` to proxy to instead.
  const api = process.env.FINOPS_API;
  if (command === "serve" && !api) {
    const { mockApi } = await import("./dev/mock-api.js");
    plugins.push(mockApi());
  }
  const proxy = api ? { "/api": { target: api, changeOrigin: true } } : undefined;
  return {
    root,
    base: "/",
    plugins,
    build: {
      outDir,
      emptyOutDir: true,
      assetsDir: "assets",
      target: "es2022",
      sourcemap: false,
      reportCompressedSize: true,
    },
    server: { port: 5173, strictPort: true, proxy },
    preview: { port: 4173, strictPort: true, proxy, headers: { "Content-Security-Policy": CSP } },
  };
});

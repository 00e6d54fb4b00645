import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
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

/** The text files worth compressing; below 1 KB the headers cost more than compression saves. */
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;
const MIN_BYTES = 1024;

/**
 * Writes X.br and X.gz beside every compressible file of the build, at the highest levels: done once here,
 * `finops serve` (@fastify/static's preCompressed) sends them as they are, with no compression work per
 * request and no compression library in the server. emptyOutDir wipes them with the rest on each build,
 * so a compressed copy never outlives its file.
 */
function precompress(dir: string): PluginOption {
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(folder, entry.name)) : [join(folder, entry.name)],
    );
  return {
    name: "finops-precompress",
    apply: "build",
    closeBundle() {
      for (const file of walk(dir)) {
        if (!COMPRESSIBLE.test(file) || statSync(file).size < MIN_BYTES) continue;
        const content = readFileSync(file);
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(content, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
            },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(content, { level: constants.Z_BEST_COMPRESSION }));
      }
    },
  };
}

export default defineConfig(async ({ command }) => {
  const plugins: PluginOption[] = [react(), precompress(outDir)];
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

// --enable-swagger-ui: Swagger UI at /swagger-ui/ over /openapi/v2, served from the
// swagger-ui-dist package's files. Only its initializer is ours (it points the UI at this
// server's document instead of the petstore). Install with SCARF_ANALYTICS=false so the
// package's install-time analytics stay off; nothing is fetched at run time.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import type { Exchange } from "../server/exchange.js";
import { errors } from "../server/status.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".map": "application/json",
};

const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi/v2",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    docExpansion: "none",
    defaultModelsExpandDepth: -1,
    requestInterceptor: function (req) { req.headers["Accept"] = "application/json"; return req; }
  });
};
`;

let files: Map<string, Buffer> | undefined;

function load(): Map<string, Buffer> {
  if (files) return files;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve("swagger-ui-dist/package.json"));
  const m = new Map<string, Buffer>();
  // Only the browser assets: an allow-list by extension also rules out path tricks.
  for (const f of readdirSync(dir)) if (TYPES[extname(f)] && !f.startsWith("swagger-ui-es-bundle")) m.set(f, readFileSync(join(dir, f)));
  m.set("swagger-initializer.js", Buffer.from(INITIALIZER));
  files = m;
  return m;
}

/**
 * Serves a request under /swagger-ui. `path` is the request path (e.g. "/swagger-ui/",
 * "/swagger-ui/swagger-ui.css"). /swagger-ui redirects to /swagger-ui/ so relative asset
 * URLs resolve.
 */
export function serveSwaggerUI(ex: Exchange, path: string): void {
  if (ex.method !== "GET" && ex.method !== "HEAD") throw errors.methodNotAllowed();
  if (path === "/swagger-ui") return ex.respond(301, { location: "/swagger-ui/", "content-type": "text/plain; charset=utf-8" }, "Moved Permanently\n");
  const rest = path.startsWith("/swagger-ui/") ? path.slice("/swagger-ui/".length) : undefined;
  if (rest === undefined) throw errors.pathNotFound();
  const name = rest === "" ? "index.html" : decodeURIComponent(rest);
  const body = load().get(name);
  if (!body) throw errors.pathNotFound();
  ex.respond(200, { "content-type": TYPES[extname(name)] ?? "application/octet-stream", "cache-control": "public, max-age=3600" }, ex.method === "HEAD" ? undefined : body);
}

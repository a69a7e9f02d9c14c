// The baseline: the least a Node HTTP/2 TLS server can do per request. Core stream API,
// one fixed JSON body, nothing else. kapi's GET is reported as a fraction of this, which
// says how much of the machine's HTTP/2 capacity kapi's own work costs.
// Reads {cert, key} as one JSON line on stdin; prints "baseline: serving on https://..."
// and runs until stdin closes (the runner is gone) or it is signalled.
import http2 from "node:http2";

// About the size of a small ConfigMap as kapi returns it (~400 bytes).
const BODY = Buffer.from(JSON.stringify({
  kind: "ConfigMap",
  apiVersion: "v1",
  metadata: {
    name: "bench",
    namespace: "default",
    uid: "0b1c7e3a-5f2d-4c8e-9a6b-3d2f1e0c9b8a",
    resourceVersion: "123456",
    creationTimestamp: "2025-01-01T00:00:00Z",
    labels: { app: "kapi-bench" },
  },
  data: { key: "x".repeat(150) },
}));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => {
  input += d;
  const nl = input.indexOf("\n");
  if (server || nl < 0) return;
  const { cert, key } = JSON.parse(input.slice(0, nl)) as { cert: string; key: string };
  start(cert, key);
});
process.stdin.once("end", () => process.exit(0));

let server: http2.Http2SecureServer | undefined;
function start(cert: string, key: string): void {
  // Like kapi, ask for a client certificate; the load generator sends none here. That only
  // changes the handshake, once per connection, not the per-request cost we compare.
  server = http2.createSecureServer({ cert, key, requestCert: true, rejectUnauthorized: false, settings: { maxConcurrentStreams: 1000 } });
  server.on("stream", (stream) => {
    // Drain any request body; answer once the request is complete, as an API server does.
    stream.resume();
    stream.respond({ ":status": 200, "content-type": "application/json", "content-length": BODY.length });
    stream.end(BODY);
  });
  server.on("sessionError", () => {});
  server.listen(0, "127.0.0.1", () => {
    const addr = server!.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    process.stdout.write(`baseline: serving on https://127.0.0.1:${port} (${BODY.length}-byte body)\n`);
  });
}

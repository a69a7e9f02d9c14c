// /healthz, /livez and /readyz: named checks, each reachable alone as /livez/<name>,
// with ?verbose listing every check and ?exclude=<name> skipping one.
export type HealthCheck = () => Promise<void> | void;

export type Endpoint = "healthz" | "livez" | "readyz";

interface Named { name: string; check: HealthCheck; endpoints: Set<Endpoint> }

export class HealthChecks {
  private readonly checks: Named[] = [];

  add(name: string, check: HealthCheck, endpoints: Endpoint[] = ["healthz", "livez", "readyz"]): void {
    this.checks.push({ name, check, endpoints: new Set(endpoints) });
  }

  has(endpoint: Endpoint, name: string): boolean {
    return this.checks.some((c) => c.name === name && c.endpoints.has(endpoint));
  }

  /** Runs the checks of one endpoint, or just the named one. */
  async run(endpoint: Endpoint, opts: { only?: string; exclude?: string[]; verbose?: boolean }): Promise<{ ok: boolean; body: string }> {
    const exclude = new Set(opts.exclude ?? []);
    const lines: string[] = [];
    let ok = true;
    const selected = this.checks.filter((c) => c.endpoints.has(endpoint) && (!opts.only || c.name === opts.only));
    const results = await Promise.all(selected.map(async (c) => {
      if (exclude.has(c.name)) return { c, excluded: true, error: undefined as string | undefined };
      try {
        await withTimeout(Promise.resolve(c.check()), 5000);
        return { c, excluded: false, error: undefined };
      } catch (e) {
        return { c, excluded: false, error: (e as Error).message || String(e) };
      }
    }));
    for (const r of results) {
      if (r.excluded) lines.push(`[+]${r.c.name} excluded: ok`);
      else if (r.error === undefined) lines.push(`[+]${r.c.name} ok`);
      else {
        ok = false;
        lines.push(`[-]${r.c.name} failed: reason withheld`);
      }
    }
    if (opts.only) {
      return { ok, body: ok ? "ok" : `internal server error: ${results[0]?.error ?? "check failed"}\n` };
    }
    if (ok && !opts.verbose) return { ok, body: "ok" };
    const tail = ok ? `${endpoint} check passed\n` : `${endpoint} check failed\n`;
    return { ok, body: lines.join("\n") + "\n" + tail };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timed out")), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

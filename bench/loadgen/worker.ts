// The load-generator process. It runs apart from the runner (and, with --pin, on its own
// core) so that generating load does not steal CPU from the server being measured. Jobs
// arrive over the IPC channel one at a time; the process exits when the runner goes away.
import type { Job, JobResult, ToWorker, FromWorker } from "./protocol.js";
import { runRequests } from "./requests.js";
import { runPagedList } from "./paged-list.js";
import { runWatch } from "./watch.js";

function run(job: Job): Promise<JobResult> {
  switch (job.kind) {
    case "requests": return runRequests(job);
    case "paged-list": return runPagedList(job);
    case "watch": return runWatch(job);
  }
}

if (!process.send) {
  process.stderr.write("bench loadgen: must be started by the bench runner (needs an IPC channel)\n");
  process.exit(2);
}
const send = (m: FromWorker) => process.send!(m);

process.on("message", (m: ToWorker) => {
  run(m.job).then(
    (result) => send({ id: m.id, result }),
    (err: unknown) => send({ id: m.id, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
  );
});
process.on("disconnect", () => process.exit(0));

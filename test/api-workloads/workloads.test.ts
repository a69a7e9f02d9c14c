// Workloads and their friends (apps, batch, autoscaling, policy, scheduling, node) through
// kubectl 1.32 and @kubernetes/client-node: what is created reads back with kube-apiserver
// 1.32's defaults, prints its columns, refuses bad input with a 422 per field, scales, and
// HorizontalPodAutoscalers read the same through autoscaling/v1 and v2.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { startKapi, kubectl, kubectlOk, request, type Kapi } from "../helpers/kapi.js";

let k: Kapi;
let kc: k8s.KubeConfig;

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: nginx, image: "nginx:1.27", ports: [{containerPort: 80}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: cache, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers: [{name: redis, image: "redis:7"}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: postgres, image: "postgres:16", ports: [{containerPort: 5432, name: pg}]}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: logs, namespace: shop}
spec:
  selector: {matchLabels: {app: logs}}
  template:
    metadata: {labels: {app: logs}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: fluentbit, image: "fluent/fluent-bit:3.0"}]
---
apiVersion: apps/v1
kind: ControllerRevision
metadata:
  name: db-5d8f7c9b4
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: db, uid: 11111111-2222-3333-4444-555555555555, controller: true}]
data: {spec: {template: {metadata: {labels: {app: db}}}}}
revision: 1
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  template:
    metadata: {labels: {app: migrate}}
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "busybox:1.36", command: [sh, -c, "echo migrated"]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec:
  schedule: "0 3 * * *"
  timeZone: Europe/Paris
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: backup, image: "busybox:1.36", command: [sh, -c, "echo backup"]}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 512Mi}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 120}
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: cache, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: ReplicaSet, name: cache}
  maxReplicas: 4
  targetCPUUtilizationPercentage: 70
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: shop-high}
value: 100000
description: Checkout path
preemptionPolicy: Never
---
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: gvisor}
handler: runsc
overhead: {podFixed: {cpu: 250m, memory: "0.5Gi"}}
scheduling:
  nodeSelector: {runtime: gvisor}
  tolerations: [{key: runtime, operator: Equal, value: gvisor, effect: NoSchedule}]
`;

before(async () => {
  k = await startKapi();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(k.kubeconfig);
  const out = await kubectlOk(k, ["create", "-f", "-"], { input: MANIFEST });
  assert.deepEqual(out.trim().split("\n"), [
    "namespace/shop created",
    "deployment.apps/web created",
    "replicaset.apps/cache created",
    "statefulset.apps/db created",
    "daemonset.apps/logs created",
    "controllerrevision.apps/db-5d8f7c9b4 created",
    "job.batch/migrate created",
    "cronjob.batch/nightly created",
    "horizontalpodautoscaler.autoscaling/web created",
    "horizontalpodautoscaler.autoscaling/cache created",
    "poddisruptionbudget.policy/web created",
    "priorityclass.scheduling.k8s.io/shop-high created",
    "runtimeclass.node.k8s.io/gvisor created",
  ]);
});
after(async () => { await k?.stop(); k?.cleanup(); });

async function getJSON(args: string[]): Promise<any> {
  return JSON.parse(await kubectlOk(k, ["get", "-o", "json", ...args]));
}

/** The header line and the cells of each row of `kubectl get`, split on runs of spaces. */
async function table(args: string[]): Promise<string[][]> {
  const out = await kubectlOk(k, ["get", ...args]);
  return out.trim().split("\n").map((l) => l.trim().split(/\s{2,}/));
}

test("api-resources: short names, categories, scope as kube-apiserver 1.32 shows them", async () => {
  const out = await kubectlOk(k, ["api-resources", "-o", "wide", "--api-group=apps"]);
  const want: Record<string, RegExp> = {
    controllerrevisions: /^controllerrevisions\s+apps\/v1\s+true\s+ControllerRevision\s+create,delete,deletecollection,get,list,patch,update,watch\s*$/m,
    daemonsets: /^daemonsets\s+ds\s+apps\/v1\s+true\s+DaemonSet\s+\S+\s+all$/m,
    replicasets: /^replicasets\s+rs\s+apps\/v1\s+true\s+ReplicaSet\s+\S+\s+all$/m,
    statefulsets: /^statefulsets\s+sts\s+apps\/v1\s+true\s+StatefulSet\s+\S+\s+all$/m,
  };
  for (const [r, re] of Object.entries(want)) assert.match(out, re, r);
  const all = await kubectlOk(k, ["api-resources", "--no-headers"]);
  assert.match(all, /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m);
  assert.match(all, /^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m);
  assert.match(all, /^jobs\s+batch\/v1\s+true\s+Job$/m);
  assert.match(all, /^poddisruptionbudgets\s+pdb\s+policy\/v1\s+true\s+PodDisruptionBudget$/m);
  assert.match(all, /^priorityclasses\s+pc\s+scheduling.k8s.io\/v1\s+false\s+PriorityClass$/m);
  assert.match(all, /^runtimeclasses\s+node.k8s.io\/v1\s+false\s+RuntimeClass$/m);
  // autoscaling serves v2 (preferred, stored) and v1; the status subresource in both.
  const group = (await request(k, "GET", "/apis/autoscaling")).json();
  assert.deepEqual(group.versions.map((v: any) => v.version), ["v2", "v1"]);
  assert.equal(group.preferredVersion.version, "v2");
  for (const v of ["v1", "v2"]) {
    const names = (await request(k, "GET", `/apis/autoscaling/${v}`)).json().resources.map((r: any) => r.name);
    assert.deepEqual(names, ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]);
  }
  const apps = (await request(k, "GET", "/apis/apps/v1")).json().resources.map((r: any) => r.name);
  for (const sub of ["deployments/scale", "replicasets/scale", "statefulsets/scale", "daemonsets/status"]) assert.ok(apps.includes(sub), sub);
  assert.ok(!apps.includes("daemonsets/scale"));
});

test("apps defaults read back as kube-apiserver 1.32 writes them", async () => {
  const sts = await getJSON(["-n", "shop", "statefulset/db"]);
  assert.equal(sts.metadata.generation, 1);
  assert.equal(sts.spec.podManagementPolicy, "OrderedReady");
  assert.deepEqual(sts.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
  assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
  assert.equal(sts.spec.revisionHistoryLimit, 10);
  assert.deepEqual(sts.spec.volumeClaimTemplates, [{
    apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { creationTimestamp: null, name: "data" },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, volumeMode: "Filesystem" },
    status: { phase: "Pending" },
  }]);
  assert.deepEqual(sts.status, { availableReplicas: 0, replicas: 0 });
  const tspec = sts.spec.template.spec;
  assert.equal(sts.spec.template.metadata.creationTimestamp, null);
  assert.deepEqual([tspec.restartPolicy, tspec.dnsPolicy, tspec.schedulerName, tspec.terminationGracePeriodSeconds], ["Always", "ClusterFirst", "default-scheduler", 30]);
  assert.equal(tspec.containers[0].ports[0].protocol, "TCP");

  const ds = await getJSON(["-n", "shop", "daemonset/logs"]);
  assert.deepEqual(ds.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.spec.revisionHistoryLimit, 10);
  assert.deepEqual(ds.metadata.annotations, { "deprecated.daemonset.template.generation": "1" });
  assert.deepEqual(ds.status, { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 });

  const rs = await getJSON(["-n", "shop", "replicaset/cache"]);
  assert.equal(rs.spec.replicas, 2);
  assert.equal(rs.spec.revisionHistoryLimit, undefined);
  assert.deepEqual(rs.status, { replicas: 0 });

  const d = await getJSON(["-n", "shop", "deployment/web"]);
  assert.deepEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } });
  assert.deepEqual([d.spec.revisionHistoryLimit, d.spec.progressDeadlineSeconds], [10, 600]);

  const cr = await getJSON(["-n", "shop", "controllerrevision/db-5d8f7c9b4"]);
  assert.equal(cr.revision, 1);
  assert.deepEqual(cr.data, { spec: { template: { metadata: { labels: { app: "db" } } } } });
});

test("a job's selector and labels are generated from its uid", async () => {
  const job = await getJSON(["-n", "shop", "job/migrate"]);
  const uid = job.metadata.uid;
  assert.deepEqual(job.spec.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": uid } });
  const generated = { "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "migrate", "controller-uid": uid, "job-name": "migrate" };
  assert.deepEqual(job.spec.template.metadata.labels, { app: "migrate", ...generated });
  assert.deepEqual(job.metadata.labels, { app: "migrate", ...generated }, "the job takes its pods' labels");
  const { selector: _s, template: _t, ...rest } = job.spec;
  assert.deepEqual(rest, { backoffLimit: 6, completionMode: "NonIndexed", completions: 1, manualSelector: false, parallelism: 1, podReplacementPolicy: "TerminatingOrFailed", suspend: false });
  assert.equal(job.metadata.generation, 1);
  assert.deepEqual(job.status, {});
});

test("batch, autoscaling, policy, scheduling and node defaults", async () => {
  const cj = await getJSON(["-n", "shop", "cronjob/nightly"]);
  assert.deepEqual([cj.spec.concurrencyPolicy, cj.spec.suspend, cj.spec.successfulJobsHistoryLimit, cj.spec.failedJobsHistoryLimit], ["Allow", false, 3, 1]);
  assert.equal(cj.spec.jobTemplate.metadata.creationTimestamp, null);
  assert.equal(cj.spec.jobTemplate.spec.backoffLimit, undefined, "job defaults wait for the job");
  assert.equal(cj.spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy, "IfNotPresent");
  assert.equal(cj.metadata.generation, 1);

  const hpa = await getJSON(["-n", "shop", "horizontalpodautoscalers.v2.autoscaling/web"]);
  assert.deepEqual(hpa.spec.behavior, {
    scaleDown: { stabilizationWindowSeconds: 120, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }] },
  });
  assert.deepEqual(hpa.status, { desiredReplicas: 0, currentMetrics: null });

  const pdb = await getJSON(["-n", "shop", "pdb/web"]);
  assert.deepEqual(pdb.status, { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 });
  assert.equal(pdb.metadata.generation, 1);

  const pc = await getJSON(["pc/shop-high"]);
  assert.deepEqual([pc.value, pc.preemptionPolicy, pc.description, pc.globalDefault], [100000, "Never", "Checkout path", undefined]);

  const rc = await getJSON(["runtimeclass/gvisor"]);
  assert.deepEqual(rc.overhead, { podFixed: { cpu: "250m", memory: "512Mi" } }, "quantities are canonical");
});

test("tables: kube-apiserver 1.32's columns, with -o wide", async () => {
  const expect = async (args: string[], header: string[], row: (string | RegExp)[]) => {
    const [h, r] = await table(args);
    assert.deepEqual(h, header, args.join(" "));
    assert.equal(r.length, row.length, `${args.join(" ")}: ${r.join("|")}`);
    row.forEach((cell, i) => (typeof cell === "string" ? assert.equal(r[i], cell, `${args.join(" ")} column ${h[i]}`) : assert.match(r[i], cell)));
  };
  const AGE = /^\d+s$/;
  await expect(["-n", "shop", "statefulsets"], ["NAME", "READY", "AGE"], ["db", "0/2", AGE]);
  await expect(["-n", "shop", "statefulsets", "-o", "wide"], ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"], ["db", "0/2", AGE, "postgres", "postgres:16"]);
  await expect(["-n", "shop", "daemonsets", "-o", "wide"], ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
    ["logs", "0", "0", "0", "0", "0", "kubernetes.io/os=linux", AGE, "fluentbit", "fluent/fluent-bit:3.0", "app=logs"]);
  await expect(["-n", "shop", "replicasets", "-o", "wide"], ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"], ["cache", "2", "0", "0", AGE, "redis", "redis:7", "app=cache"]);
  await expect(["-n", "shop", "controllerrevisions"], ["NAME", "CONTROLLER", "REVISION", "AGE"], ["db-5d8f7c9b4", "statefulset.apps/db", "1", AGE]);
  await expect(["-n", "shop", "jobs"], ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], ["migrate", "Running", "0/1", AGE]);
  const job = await getJSON(["-n", "shop", "job/migrate"]);
  await expect(["-n", "shop", "jobs", "-o", "wide"], ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
    ["migrate", "Running", "0/1", AGE, "migrate", "busybox:1.36", `batch.kubernetes.io/controller-uid=${job.metadata.uid}`]);
  await expect(["-n", "shop", "cronjobs"], ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"], ["nightly", "0 3 * * *", "Europe/Paris", "False", "0", "<none>", AGE]);
  await expect(["-n", "shop", "cronjobs", "-o", "wide"], ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
    ["nightly", "0 3 * * *", "Europe/Paris", "False", "0", "<none>", AGE, "backup", "busybox:1.36", "<none>"]);
  await expect(["-n", "shop", "hpa", "web"], ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"], ["web", "Deployment/web", "cpu: <unknown>/60%, memory: <unknown>/512Mi", "2", "10", "0", AGE]);
  await expect(["-n", "shop", "horizontalpodautoscalers.v1.autoscaling", "cache"], ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"], ["cache", "ReplicaSet/cache", "cpu: <unknown>/70%", "1", "4", "0", AGE]);
  await expect(["-n", "shop", "pdb"], ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"], ["web", "2", "N/A", "0", AGE]);
  await expect(["pc", "shop-high"], ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"], ["shop-high", "100000", "false", AGE, "Never"]);
  await expect(["runtimeclasses"], ["NAME", "HANDLER", "AGE"], ["gvisor", "runsc", AGE]);
});

test("kubectl get all shows the workload categories", async () => {
  const out = await kubectlOk(k, ["get", "all", "-n", "shop", "-o", "name"]);
  assert.deepEqual(out.trim().split("\n"), [
    "daemonset.apps/logs",
    "deployment.apps/web",
    "replicaset.apps/cache",
    "statefulset.apps/db",
    "horizontalpodautoscaler.autoscaling/cache",
    "horizontalpodautoscaler.autoscaling/web",
    "cronjob.batch/nightly",
    "job.batch/migrate",
  ]);
});

test("system priority classes exist from the start and cannot be deleted", async () => {
  const rows = await table(["priorityclasses", "--no-headers"]);
  const byName = new Map(rows.map((r) => [r[0], r]));
  assert.deepEqual(byName.get("system-node-critical")?.slice(1, 3), ["2000001000", "false"]);
  assert.deepEqual(byName.get("system-cluster-critical")?.slice(1, 3), ["2000000000", "false"]);
  const pc = await getJSON(["pc/system-cluster-critical"]);
  assert.equal(pc.description, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.");
  const del = await kubectl(k, ["delete", "pc", "system-node-critical"]);
  assert.notEqual(del.code, 0);
  assert.match(del.stderr, /priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted/);
  // Only one class may be the global default (the Priority admission plugin).
  await kubectlOk(k, ["create", "-f", "-"], { input: "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: default-a}\nvalue: 10\nglobalDefault: true\n" });
  const second = await kubectl(k, ["create", "-f", "-"], { input: "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: default-b}\nvalue: 20\nglobalDefault: true\n" });
  assert.match(second.stderr, /PriorityClass default-a is already marked as default. Only one default can exist/);
});

test("kubectl scale through the scale subresource of deployments, replicasets and statefulsets", async () => {
  for (const [r, n] of [["deployment/web", 5], ["replicaset/cache", 4], ["statefulset/db", 3]] as const) {
    assert.equal((await kubectlOk(k, ["scale", "-n", "shop", r, `--replicas=${n}`])).trim(), `${r.replace("/", ".apps/")} scaled`);
    assert.equal((await getJSON(["-n", "shop", r])).spec.replicas, n);
  }
  const scale = (await request(k, "GET", "/apis/apps/v1/namespaces/shop/statefulsets/db/scale")).json();
  assert.deepEqual([scale.kind, scale.apiVersion, scale.spec, scale.status], ["Scale", "autoscaling/v1", { replicas: 3 }, { replicas: 0, selector: "app=db" }]);
  const bad = await kubectl(k, ["scale", "-n", "shop", "statefulset/db", "--replicas=-1"]);
  assert.notEqual(bad.code, 0);
});

test("validation: kubectl shows a cause per field", async () => {
  const cases: [string, RegExp[]][] = [
    [`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: bad, namespace: shop}
spec:
  replicas: -1
  podManagementPolicy: Sometimes
  selector: {}
  template:
    metadata: {labels: {app: x}}
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}`, [
      /spec.podManagementPolicy: Invalid value: "Sometimes": must be 'OrderedReady' or 'Parallel'/,
      /spec.replicas: Invalid value: -1: must be greater than or equal to 0/,
      /spec.selector: Invalid value: v1.LabelSelector\{MatchLabels:map\[string\]string\(nil\), MatchExpressions:\[\]v1.LabelSelectorRequirement\(nil\)\}: empty selector is invalid for statefulset/,
      /spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"/,
    ]],
    [`apiVersion: apps/v1
kind: Deployment
metadata: {name: bad, namespace: shop}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: b}}
    spec: {containers: [{name: c, image: busybox}]}`, [/spec.template.metadata.labels: Invalid value: map\[string\]string\{"app":"b"\}: `selector` does not match template `labels`/]],
    [`apiVersion: batch/v1
kind: CronJob
metadata: {name: bad, namespace: shop}
spec:
  schedule: "61 * * *"
  timeZone: Mars/Olympus
  jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: busybox}]}}}}`, [
      /spec.schedule: Invalid value: "61 \* \* \*": expected exactly 5 fields, found 4: \[61 \* \* \*\]/,
      /spec.timeZone: Invalid value: "Mars\/Olympus": unknown time zone Mars\/Olympus/,
      /spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"/,
    ]],
    [`apiVersion: batch/v1
kind: CronJob
metadata: {name: tz, namespace: shop}
spec:
  schedule: "CRON_TZ=UTC @hourly"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}}`, [/spec.schedule: Invalid value: "CRON_TZ=UTC @hourly": cannot use TZ or CRON_TZ in schedule, use timeZone field instead/]],
    [`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: bad, namespace: shop}
spec: {minAvailable: "120%", maxUnavailable: 1}`, [
      /spec: Invalid value: .*: minAvailable and maxUnavailable cannot be both set/,
      /spec.minAvailable: Invalid value: intstr.IntOrString\{Type:1, IntVal:0, StrVal:"120%"\}: must not be greater than 100%/,
    ]],
    [`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: bad, namespace: shop}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  minReplicas: 5
  maxReplicas: 3`, [/spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`/]],
    [`apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: too-high}
value: 2000000000`, [/value: Forbidden: maximum allowed value of a user defined priority is 1000000000/]],
  ];
  for (const [yaml, patterns] of cases) {
    const r = await kubectl(k, ["create", "-f", "-"], { input: yaml });
    assert.notEqual(r.code, 0, yaml);
    for (const p of patterns) assert.match(r.stderr, p);
  }
  // Every valid macro is accepted.
  const ok = await kubectl(k, ["create", "-f", "-"], { input: `apiVersion: batch/v1
kind: CronJob
metadata: {name: hourly, namespace: shop}
spec:
  schedule: "@hourly"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}}` });
  assert.equal(ok.code, 0, ok.stderr);
});

test("validation: client-node gets 422 Invalid with causes", async () => {
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  await assert.rejects(batch.createNamespacedJob({ namespace: "shop", body: {
    metadata: { name: "bad" },
    spec: { parallelism: -1, template: { spec: { restartPolicy: "Always", containers: [{ name: "c", image: "busybox" }] } } },
  } }), (e: any) => {
    assert.equal(e.code, 422);
    const body = typeof e.body === "string" ? JSON.parse(e.body) : e.body;
    assert.equal(body.reason, "Invalid");
    assert.deepEqual(body.details.causes, [
      { reason: "FieldValueInvalid", message: "Invalid value: -1: must be greater than or equal to 0", field: "spec.parallelism" },
      { reason: "FieldValueRequired", message: 'Required value: valid values: "OnFailure", "Never"', field: "spec.template.spec.restartPolicy" },
    ]);
    return true;
  });
  const scheduling = kc.makeApiClient(k8s.SchedulingV1Api);
  await assert.rejects(scheduling.createPriorityClass({ body: { metadata: { name: "system-mine" }, value: 1 } }), (e: any) => {
    assert.equal(e.code, 422);
    const body = typeof e.body === "string" ? JSON.parse(e.body) : e.body;
    assert.deepEqual(body.details.causes, [{ reason: "FieldValueForbidden", field: "metadata.name",
      message: "Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class" }]);
    return true;
  });
});

test("malformed bodies get kube-apiserver's 400 or 422, never a 500", async () => {
  const post = (path: string, body: unknown) => request(k, "POST", path, { body: JSON.stringify(body) });
  const tmpl = { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } };
  const deploy = (spec: unknown) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "m" }, spec });
  let r = await post("/apis/apps/v1/namespaces/shop/deployments", deploy("three replicas"));
  assert.equal(r.status, 400);
  assert.equal(r.json().message, 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec');
  r = await post("/apis/apps/v1/namespaces/shop/deployments", deploy({ selector: { matchExpressions: [{ key: 7, operator: "Exists" }] }, template: tmpl }));
  assert.equal(r.status, 400);
  assert.match(r.json().message, /cannot unmarshal number into Go struct field LabelSelectorRequirement.spec.selector.matchExpressions.key of type string/);
  r = await post("/apis/apps/v1/namespaces/shop/deployments", deploy({ selector: { matchExpressions: [null] }, template: tmpl }));
  assert.equal(r.status, 422, "a null element is an empty requirement");
  r = await post("/apis/batch/v1/namespaces/shop/jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "m" }, spec: { template: { spec: { containers: 3 } } } });
  assert.equal(r.status, 400);
  r = await post("/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers", { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "m" }, spec: { scaleTargetRef: { kind: "D", name: "d" }, maxReplicas: 2, metrics: { cpu: 1 } } });
  assert.equal(r.status, 400);
  // The reference kube-apiserver answers 400 here too: a number does not decode into a string field.
  r = await post("/apis/node.k8s.io/v1/runtimeclasses", { apiVersion: "node.k8s.io/v1", kind: "RuntimeClass", metadata: { name: "m" }, handler: "h", scheduling: { tolerations: [{ key: 7 }] } });
  assert.equal(r.status, 400);
  assert.equal(r.json().message, 'RuntimeClass in version "v1" cannot be handled as a RuntimeClass: json: cannot unmarshal number into Go struct field Toleration.scheduling.tolerations.key of type string');
});

test("updates: immutable selectors, statefulset spec, job template, priority value", async () => {
  const selector = '{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}';
  for (const [r, kind] of [["deployment/web", "Deployment"], ["replicaset/cache", "ReplicaSet"], ["daemonset/logs", "DaemonSet"]]) {
    const res = await kubectl(k, ["patch", "-n", "shop", r, "--type=merge", "-p", selector]);
    assert.match(res.stderr, new RegExp(`The ${kind} "${r.split("/")[1]}" is invalid: spec.selector: Invalid value: v1.LabelSelector\\{MatchLabels:map\\[string\\]string\\{"app":"other"\\}, MatchExpressions:\\[\\]v1.LabelSelectorRequirement\\(nil\\)\\}: field is immutable`));
  }
  const sts = await kubectl(k, ["patch", "-n", "shop", "statefulset/db", "--type=merge", "-p", '{"spec":{"serviceName":"db2"}}']);
  assert.match(sts.stderr, /spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden/);
  await kubectlOk(k, ["patch", "-n", "shop", "statefulset/db", "--type=merge", "-p", '{"spec":{"minReadySeconds":5}}']);
  const job = await kubectl(k, ["patch", "-n", "shop", "job/migrate", "--type=json", "-p", '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"busybox:1.37"}]']);
  assert.match(job.stderr, /spec.template: Invalid value: .*: field is immutable/);
  const pc = await kubectl(k, ["patch", "pc/shop-high", "--type=merge", "-p", '{"value":5}']);
  assert.match(pc.stderr, /value: Forbidden: may not be changed in an update./);
  // A new pod template moves the daemonset's template generation.
  await kubectlOk(k, ["patch", "-n", "shop", "daemonset/logs", "--type=json", "-p", '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"fluent/fluent-bit:3.1"}]']);
  const ds = await getJSON(["-n", "shop", "daemonset/logs"]);
  assert.deepEqual([ds.metadata.generation, ds.metadata.annotations["deprecated.daemonset.template.generation"]], [2, "2"]);
});

test("HorizontalPodAutoscalers read the same through autoscaling/v1 and v2", async () => {
  const v1 = kc.makeApiClient(k8s.AutoscalingV1Api);
  const v2 = kc.makeApiClient(k8s.AutoscalingV2Api);
  // Written through v1, read through v2.
  const cacheV2 = await v2.readNamespacedHorizontalPodAutoscaler({ name: "cache", namespace: "shop" });
  assert.deepEqual(cacheV2.spec?.metrics?.map((m) => [m.type, m.resource?.name, m.resource?.target.type, m.resource?.target.averageUtilization]), [["Resource", "cpu", "Utilization", 70]]);
  assert.equal(cacheV2.spec?.minReplicas, 1);
  // Written through v2, read through v1: the CPU target is v1's field, the rest rides in annotations.
  const webV1 = await v1.readNamespacedHorizontalPodAutoscaler({ name: "web", namespace: "shop" });
  assert.equal(webV1.spec?.targetCPUUtilizationPercentage, 60);
  assert.equal(webV1.metadata?.annotations?.["autoscaling.alpha.kubernetes.io/metrics"], '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"512Mi"}}]');
  assert.match(webV1.metadata?.annotations?.["autoscaling.alpha.kubernetes.io/behavior"] ?? "", /"ScaleDown":\{"StabilizationWindowSeconds":120,/);
  // A v1 client writing the object back loses nothing v2 holds.
  webV1.spec!.maxReplicas = 12;
  await v1.replaceNamespacedHorizontalPodAutoscaler({ name: "web", namespace: "shop", body: webV1 });
  const webV2 = await v2.readNamespacedHorizontalPodAutoscaler({ name: "web", namespace: "shop" });
  assert.equal(webV2.spec?.maxReplicas, 12);
  assert.deepEqual(webV2.spec?.metrics?.map((m) => m.resource?.name).sort(), ["cpu", "memory"]);
  assert.equal(webV2.spec?.behavior?.scaleDown?.stabilizationWindowSeconds, 120);
  assert.equal(webV2.metadata?.annotations, undefined);
  // Status written through v2 shows in v1's fields.
  await v2.replaceNamespacedHorizontalPodAutoscalerStatus({ name: "web", namespace: "shop", body: { ...webV2, status: {
    currentReplicas: 3, desiredReplicas: 4,
    // Statuses pair with spec.metrics by position; a v1 write put the memory metric first.
    currentMetrics: [
      { type: "Resource", resource: { name: "memory", current: { averageValue: "300Mi" } } },
      { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 42, averageValue: "120m" } } },
    ],
    conditions: [{ type: "AbleToScale", status: "True", reason: "ReadyForNewScale", lastTransitionTime: new Date("2024-01-01T00:00:00Z") }],
  } } });
  const raw = (await request(k, "GET", "/apis/autoscaling/v1/namespaces/shop/horizontalpodautoscalers/web")).json();
  assert.deepEqual(raw.status, { currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 42 });
  assert.equal(raw.metadata.annotations["autoscaling.alpha.kubernetes.io/current-metrics"],
    '[{"type":"Resource","resource":{"name":"memory","currentAverageValue":"300Mi"}},{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":42,"currentAverageValue":"120m"}}]');
  assert.match(raw.metadata.annotations["autoscaling.alpha.kubernetes.io/conditions"], /"reason":"ReadyForNewScale"/);
  const [, row] = await table(["-n", "shop", "hpa", "web"]);
  assert.equal(row[2], "memory: 300Mi/512Mi, cpu: 42%/60%");
  // Watches through v1 see v1 objects.
  const w = await request(k, "GET", "/apis/autoscaling/v1/namespaces/shop/horizontalpodautoscalers?watch=1&timeoutSeconds=1");
  const first = JSON.parse(w.body.split("\n")[0]);
  assert.equal(first.object.apiVersion, "autoscaling/v1");
});

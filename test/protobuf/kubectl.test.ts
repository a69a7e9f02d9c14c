// Real kubectl 1.32 bodies: kubectl's typed clients POST protobuf to a recording HTTPS
// server; each body must decode to exactly the JSON kubectl itself prints for the same
// command with --dry-run=client -o json, and re-encode to the same bytes. Then the other
// direction: the server answers in protobuf (kapi's encoder) and kubectl -o json must print
// the object the server encoded.
//
// Needs the generated type table (npm run build, or node --import tsx src/protobuf/generate.ts).
// KAPI_TEST_KUBECTL picks another kubectl binary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf, isProtobufContentType } from "../../src/protobuf/index.js";
import { startFakeApiserver, type FakeApiserver, type RecordedRequest } from "./fake-apiserver.js";
import { RICH_POD_SPEC } from "./fixtures.js";

const KUBECTL = [process.env.KAPI_TEST_KUBECTL, "/usr/bin/kubectl", "/usr/lib/google-cloud-sdk/bin/kubectl.1.32"].find(
  (p) => p && existsSync(p),
);
const skip = KUBECTL ? false : "no kubectl binary (set KAPI_TEST_KUBECTL)";

let server: FakeApiserver;
let files: string;

before(async () => {
  if (!KUBECTL) return;
  server = await startFakeApiserver(KUBECTL);
  files = await mkdtemp(join(tmpdir(), "kapi-protobuf-files-"));
  // Every byte value, so binaryData / Secret data must survive base64 exactly.
  await writeFile(join(files, "blob.bin"), Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
  await writeFile(join(files, "text.txt"), "line one\nline two ünïcödé\n");
});

after(async () => {
  await server?.close();
  if (files) await rm(files, { recursive: true, force: true });
});

interface Case {
  args: string[];
  /** Arguments after "--" (the container command). */
  command?: string[];
}

// Commands whose typed clients send protobuf bodies (kubectl run / expose send JSON).
const CASES: Case[] = [
  { args: ["create", "namespace", "ns1"] },
  { args: ["create", "namespace", "ns2", "--save-config"] },
  { args: ["create", "configmap", "cm1", "--from-literal=a=b", "--from-literal=z=y"] },
  { args: ["create", "configmap", "cm2", `--from-file=bin=@F@/blob.bin`, `--from-file=@F@/text.txt`, "--from-literal=empty="] },
  { args: ["create", "configmap", "cm3", "--append-hash", "--from-literal=k=v"] },
  { args: ["create", "secret", "generic", "s1", "--from-literal=p=q", `--from-file=blob=@F@/blob.bin`, "--type=Opaque"] },
  { args: ["create", "secret", "generic", "s2", "--from-literal=empty="] },
  { args: ["create", "secret", "docker-registry", "s3", "--docker-username=u", "--docker-password=p", "--docker-server=r.example"] },
  { args: ["create", "deployment", "d1", "--image=nginx", "--replicas=2", "--port=80"] },
  { args: ["create", "deployment", "d2", "--image=nginx", "--image=busybox", "--replicas=0"] },
  { args: ["create", "deployment", "d3", "--image=busybox"], command: ["sleep", "3600"] },
  { args: ["create", "job", "j1", "--image=busybox"], command: ["echo", "hi"] },
  { args: ["create", "cronjob", "cj1", "--image=busybox", "--schedule=*/5 * * * *", "--restart=OnFailure"], command: ["date"] },
  { args: ["create", "serviceaccount", "sa1"] },
  { args: ["create", "service", "clusterip", "svc1", "--tcp=80:8080", "--tcp=443:https"] },
  { args: ["create", "service", "clusterip", "svc2", "--clusterip=None"] },
  { args: ["create", "service", "nodeport", "svc3", "--tcp=80:8080", "--node-port=30080"] },
  { args: ["create", "service", "loadbalancer", "svc4", "--tcp=5678:8080"] },
  { args: ["create", "service", "externalname", "svc5", "--external-name=example.com", "--tcp=80"] },
  { args: ["create", "priorityclass", "pc1", "--value=1000", "--description=high", "--preemption-policy=Never", "--global-default"] },
  { args: ["create", "priorityclass", "pc2", "--value=-5"] },
  { args: ["create", "quota", "q1", "--hard=cpu=1,memory=1Gi,pods=2,requests.storage=10Gi", "--scopes=BestEffort"] },
  { args: ["create", "role", "r1", "--verb=get,list", "--resource=pods,deployments.apps,pods/log", "--resource-name=x"] },
  { args: ["create", "rolebinding", "rb1", "--role=r1", "--user=u", "--group=g", "--serviceaccount=default:sa1"] },
  { args: ["create", "clusterrole", "cr1", "--verb=get", "--non-resource-url=/logs/*"] },
  { args: ["create", "clusterrole", "cr2", "--aggregation-rule=a=b,c=d"] },
  { args: ["create", "clusterrolebinding", "crb1", "--clusterrole=cr1", "--user=u"] },
  { args: ["create", "poddisruptionbudget", "pdb1", "--selector=a=b", "--min-available=50%"] },
  { args: ["create", "poddisruptionbudget", "pdb2", "--selector=a=b", "--max-unavailable=1"] },
  { args: ["create", "ingress", "ing1", "--rule=foo.com/bar*=svc:80,tls=sec", "--rule=/x=other:http", "--class=nginx", "--annotation=a=b", "--default-backend=def:8080"] },
];

const lastProtobufPost = (): RecordedRequest | undefined =>
  server.requests.filter((r) => r.method === "POST" && isProtobufContentType(r.contentType)).at(-1);

// "@F@" stands for the directory of test files (created in before()).
const withCommand = (c: Case, extra: string[]) =>
  [...c.args, ...extra, ...(c.command ? ["--", ...c.command] : [])].map((a) => a.replaceAll("@F@", files));

test("kubectl's protobuf bodies decode to the JSON kubectl prints for the same object, and re-encode to the same bytes", { skip }, async (t) => {
  server.protobufResponses = false;
  for (const c of CASES) {
    await t.test(c.args.join(" ").replaceAll("@F@/", ""), async () => {
      server.requests.length = 0;
      await server.kubectl(withCommand(c, []));
      const req = lastProtobufPost();
      assert.ok(req, `kubectl sent no protobuf POST (${server.requests.map((r) => `${r.method} ${r.path} ${r.contentType}`).join("; ")})`);
      assert.deepEqual(req.body.subarray(0, 4), Buffer.from("k8s\0", "latin1"));
      const decoded = decodeKubernetesProtobuf(req.body);
      const dryRun = JSON.parse(await server.kubectl(withCommand(c, ["--dry-run=client", "-o", "json"])));
      assert.deepStrictEqual(decoded.object, dryRun);
      assert.equal(decoded.apiVersion, dryRun.apiVersion);
      assert.equal(decoded.kind, dryRun.kind);
      const reencoded = encodeKubernetesProtobuf(decoded.object);
      assert.equal(reencoded.toString("hex"), req.body.toString("hex"), "re-encoded bytes differ from kubectl's");
    });
  }
});

test("kubectl create token: TokenRequest body", { skip }, async () => {
  server.requests.length = 0;
  const out = await server.kubectl(["create", "token", "sa1", "--duration=1h", "--audience=a1", "--audience=a2"]);
  assert.equal(out.trim(), "fake-token");
  const req = lastProtobufPost()!;
  assert.equal(req.path, "/api/v1/namespaces/default/serviceaccounts/sa1/token");
  assert.deepStrictEqual(decodeKubernetesProtobuf(req.body).object, {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { creationTimestamp: null },
    spec: { audiences: ["a1", "a2"], expirationSeconds: 3600, boundObjectRef: null },
    status: { token: "", expirationTimestamp: null },
  });
  assert.equal(encodeKubernetesProtobuf(decodeKubernetesProtobuf(req.body).object).toString("hex"), req.body.toString("hex"));
});

test("kubectl autoscale and create job --from send protobuf that decodes as expected", { skip }, async () => {
  await server.kubectl(["create", "deployment", "web", "--image=nginx"]);
  server.requests.length = 0;
  await server.kubectl(["autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=80"]);
  const hpa = decodeKubernetesProtobuf(lastProtobufPost()!.body).object;
  const hpaDry = JSON.parse(await server.kubectl(["autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=80", "--dry-run=client", "-o", "json"]));
  assert.deepStrictEqual(hpa, hpaDry);

  await server.kubectl(["create", "cronjob", "nightly", "--image=busybox", "--schedule=0 3 * * *", "--", "date"]);
  server.requests.length = 0;
  await server.kubectl(["create", "job", "manual", "--from=cronjob/nightly"]);
  const job = decodeKubernetesProtobuf(lastProtobufPost()!.body).object;
  const jobDry = JSON.parse(await server.kubectl(["create", "job", "manual", "--from=cronjob/nightly", "--dry-run=client", "-o", "json"]));
  assert.deepStrictEqual(job, jobDry);
  // The owner reference's controller flag is a *bool: present-and-true must survive.
  assert.equal((job.metadata as { ownerReferences: { controller: boolean }[] }).ownerReferences[0]!.controller, true);
});

// What the server answers with in protobuf: rich objects exercising Time, FieldsV1, Quantity,
// IntOrString, pointers to zero values, bytes, maps and inlined structs. Go (kubectl) decodes
// them and prints JSON, which must be the object we encoded.
function enrich(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = obj.metadata as Record<string, unknown>;
  meta.generation = 3;
  meta.labels = { ...(meta.labels as object), "zeta": "last", "alpha": "", "ünï": "x" };
  meta.annotations = { "example.com/note": "a\"quoted\" \u2028 value" };
  meta.finalizers = ["example.com/f"];
  meta.managedFields = [
    {
      manager: "kubectl-create",
      operation: "Update",
      apiVersion: obj.apiVersion,
      time: "2024-02-29T23:59:59Z",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } } },
    },
  ];
  meta.ownerReferences = [{ apiVersion: "v1", kind: "Namespace", name: "owner", uid: "u-1", controller: false, blockOwnerDeletion: true }];
  if (obj.kind === "Deployment") {
    const spec = obj.spec as Record<string, any>;
    spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } };
    spec.progressDeadlineSeconds = 0;
    spec.revisionHistoryLimit = 10;
    const c = spec.template.spec.containers[0];
    c.resources = { limits: { cpu: "500m", memory: "128Mi" }, requests: { cpu: "0", "nvidia.com/gpu": "1" } };
    c.livenessProbe = { httpGet: { path: "/healthz", port: "http", scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, terminationGracePeriodSeconds: 0 };
    c.readinessProbe = { tcpSocket: { port: 8080 }, initialDelaySeconds: 5 };
    c.env = [{ name: "A", value: "1" }, { name: "FROM", valueFrom: { secretKeyRef: { name: "s", key: "k", optional: false } } }];
    c.securityContext = { runAsNonRoot: true, runAsUser: 0, capabilities: { drop: ["ALL"] } };
    spec.template.spec.terminationGracePeriodSeconds = 30;
    spec.template.spec.securityContext = { supplementalGroups: [1, 2, 3000000000], fsGroup: 2000 };
    spec.template.spec.tolerations = [{ key: "k", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 300 }];
    obj.status = {
      observedGeneration: 3,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 1,
      availableReplicas: 1,
      unavailableReplicas: 1,
      conditions: [
        { type: "Available", status: "True", lastUpdateTime: "2023-01-02T03:04:05Z", lastTransitionTime: "1970-01-01T00:00:00Z", reason: "MinimumReplicasAvailable", message: "ok" },
        { type: "Progressing", status: "False", lastUpdateTime: "9999-12-31T23:59:59Z", lastTransitionTime: "0001-01-01T00:00:01Z", reason: "R" },
      ],
      collisionCount: 0,
    };
  }
  if (obj.kind === "Job") {
    const spec = obj.spec as Record<string, any>;
    spec.template.spec = structuredClone(RICH_POD_SPEC);
    spec.backoffLimit = 0;
    spec.completions = 1;
    spec.completionMode = "NonIndexed";
    spec.podFailurePolicy = { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }] };
    obj.status = { startTime: "2024-05-06T07:08:09Z", completionTime: "2024-05-06T07:09:09Z", succeeded: 1, uncountedTerminatedPods: {}, ready: 0 };
  }
  if (obj.kind === "Namespace") {
    obj.spec = { finalizers: ["kubernetes"] };
    obj.status = { phase: "Active", conditions: [{ type: "NamespaceDeletionDiscoveryFailure", status: "False", lastTransitionTime: "2024-05-06T07:08:09Z", reason: "ResourcesDiscovered", message: "All resources successfully discovered" }] };
  }
  if (obj.kind === "Secret") {
    (obj as Record<string, unknown>).immutable = false;
  }
  if (obj.kind === "Service") {
    const spec = obj.spec as Record<string, any>;
    spec.clusterIP = "10.0.0.10";
    spec.clusterIPs = ["10.0.0.10"];
    spec.ipFamilies = ["IPv4"];
    spec.ipFamilyPolicy = "SingleStack";
    spec.sessionAffinity = "ClientIP";
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
    spec.internalTrafficPolicy = "Cluster";
    obj.status = { loadBalancer: { ingress: [{ ip: "1.2.3.4", ipMode: "VIP", ports: [{ port: 80, protocol: "TCP", error: "e" }] }] } };
  }
  return obj;
}

test("kubectl decodes kapi's protobuf responses back to the encoded object", { skip }, async (t) => {
  server.protobufResponses = true;
  server.transformResponse = enrich;
  try {
    const cases: string[][] = [
      ["create", "deployment", "rich", "--image=nginx", "--replicas=0", "--port=80"],
      ["create", "job", "rich", "--image=busybox", "--", "true"],
      ["create", "secret", "generic", "rich", "--from-literal=p=q", `--from-file=blob=${files}/blob.bin`],
      ["create", "configmap", "rich", `--from-file=bin=${files}/blob.bin`, "--from-literal=a=b"],
      ["create", "service", "clusterip", "rich", "--tcp=80:http"],
      ["create", "namespace", "rich"],
      ["create", "quota", "rich", "--hard=cpu=1500m,memory=2Gi"],
      ["create", "role", "rich", "--verb=get", "--resource=pods"],
      ["create", "poddisruptionbudget", "rich", "--selector=a=b", "--min-available=50%"],
      ["create", "priorityclass", "rich", "--value=0"],
    ];
    for (const args of cases) {
      await t.test(args.slice(0, 3).join(" "), async () => {
        server.requests.length = 0;
        const sep = args.includes("--") ? args.indexOf("--") : args.length;
        const printed = JSON.parse(await server.kubectl([...args.slice(0, sep), "-o", "json", "--show-managed-fields", ...args.slice(sep)]));
        const post = server.requests.find((r) => r.method === "POST")!;
        assert.ok(post.responseProtobuf, "the server should have answered in protobuf");
        assert.deepStrictEqual(printed, post.response);
        // And kapi's own decoder reads its encoding back to what Go printed.
        assert.deepStrictEqual(decodeKubernetesProtobuf(encodeKubernetesProtobuf(post.response!)).object, printed);
      });
    }
  } finally {
    server.protobufResponses = false;
    server.transformResponse = undefined;
  }
});

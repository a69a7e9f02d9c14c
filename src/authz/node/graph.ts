// What each node may see, kept from the objects that tie things to a node (the Node
// authorizer's graph): pods bound to it and what they reference (secrets, config maps,
// persistent volume claims, the service account, resource claims), the persistent volumes
// bound to those claims and the secrets those volumes name, and volume attachments.
import type { ResourceRegistry } from "../../registry/registry.js";
import type { Obj } from "../../registry/resource.js";
import { Informer, type Change } from "../informer.js";

export type RefKind = "secret" | "configmap" | "pvc" | "serviceaccount" | "resourceclaim";

interface PodRefs { node: string; refs: string[] }

/** "<kind>:<ns>/<name>" */
const ref = (kind: RefKind, ns: string, name: string) => `${kind}:${ns}/${name}`;

function eachContainer(spec: Obj, fn: (c: Obj) => void): void {
  for (const list of [spec.initContainers, spec.containers, spec.ephemeralContainers]) for (const c of list ?? []) if (c) fn(c);
}

/** Everything a pod references that its node needs to read, as podutil's visitors list it. */
export function podReferences(pod: Obj): string[] {
  const ns = pod.metadata?.namespace ?? "";
  const spec = pod.spec ?? {};
  const out = new Set<string>();
  const secret = (n: unknown) => { if (typeof n === "string" && n) out.add(ref("secret", ns, n)); };
  const configmap = (n: unknown) => { if (typeof n === "string" && n) out.add(ref("configmap", ns, n)); };
  for (const s of spec.imagePullSecrets ?? []) secret(s?.name);
  eachContainer(spec, (c) => {
    for (const e of c.envFrom ?? []) { secret(e?.secretRef?.name); configmap(e?.configMapRef?.name); }
    for (const e of c.env ?? []) { secret(e?.valueFrom?.secretKeyRef?.name); configmap(e?.valueFrom?.configMapKeyRef?.name); }
  });
  for (const v of spec.volumes ?? []) {
    if (!v) continue;
    secret(v.secret?.secretName);
    configmap(v.configMap?.name);
    for (const src of v.projected?.sources ?? []) { secret(src?.secret?.name); configmap(src?.configMap?.name); }
    secret(v.azureFile?.secretName);
    for (const k of ["cephfs", "cinder", "flexVolume", "iscsi", "rbd", "scaleIO", "storageos"]) secret(v[k]?.secretRef?.name);
    secret(v.csi?.nodePublishSecretRef?.name);
    if (v.persistentVolumeClaim?.claimName) out.add(ref("pvc", ns, v.persistentVolumeClaim.claimName));
    // A generic ephemeral volume's claim is named after the pod and the volume.
    if (v.ephemeral && pod.metadata?.name && v.name) out.add(ref("pvc", ns, `${pod.metadata.name}-${v.name}`));
  }
  if (spec.serviceAccountName) out.add(ref("serviceaccount", ns, spec.serviceAccountName));
  for (const rc of spec.resourceClaims ?? []) if (rc?.resourceClaimName) out.add(ref("resourceclaim", ns, rc.resourceClaimName));
  for (const st of pod.status?.resourceClaimStatuses ?? []) if (st?.resourceClaimName) out.add(ref("resourceclaim", ns, st.resourceClaimName));
  return [...out];
}

/** Secrets a persistent volume names: { namespace, name } pairs. */
export function pvSecrets(pv: Obj): { namespace: string; name: string }[] {
  const spec = pv.spec ?? {};
  const claimNs = spec.claimRef?.namespace ?? "";
  const out: { namespace: string; name: string }[] = [];
  const add = (r: Obj | undefined, defaultNs = claimNs) => { if (r?.name) out.push({ namespace: r.namespace || defaultNs, name: r.name }); };
  if (spec.azureFile?.secretName) out.push({ namespace: spec.azureFile.secretNamespace || claimNs, name: spec.azureFile.secretName });
  for (const k of ["cephfs", "cinder", "flexVolume", "iscsi", "rbd", "scaleIO", "storageos"]) add(spec[k]?.secretRef);
  for (const k of ["controllerPublishSecretRef", "nodeStageSecretRef", "nodePublishSecretRef", "controllerExpandSecretRef", "nodeExpandSecretRef"]) add(spec.csi?.[k], "");
  return out;
}

export class NodeGraph {
  private readonly informers: Informer[] = [];
  private readonly pods = new Map<string, PodRefs>();
  /** node → pod keys */
  private readonly podsByNode = new Map<string, Set<string>>();
  /** node → reference → how many of its pods hold it */
  private readonly refsByNode = new Map<string, Map<string, number>>();
  /** "<ns>/<claim>" → persistent volume names bound to it (claimRef) */
  private readonly pvsByClaim = new Map<string, Set<string>>();
  private readonly pvClaim = new Map<string, string>();
  /** "<ns>/<secret>" → persistent volumes naming it */
  private readonly pvsBySecret = new Map<string, Set<string>>();
  private readonly pvSecretsOf = new Map<string, string[]>();
  /** volume attachment name → node */
  private readonly attachments = new Map<string, string>();

  constructor(registry: ResourceRegistry) {
    const watchIf = (group: string, plural: string, fn: (c: Change) => void) => {
      const e = registry.preferred(group, plural);
      if (e) this.informers.push(new Informer(e.store, fn));
    };
    watchIf("", "pods", (c) => this.onPod(c));
    watchIf("", "persistentvolumes", (c) => this.onPV(c));
    watchIf("storage.k8s.io", "volumeattachments", (c) => this.onAttachment(c));
  }

  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.start()));
  }

  stop(): void {
    for (const i of this.informers) i.stop();
  }

  private onPod(c: Change): void {
    const key = Informer.key(c.obj);
    const old = this.pods.get(key);
    if (old) {
      this.pods.delete(key);
      this.podsByNode.get(old.node)?.delete(key);
      const counts = this.refsByNode.get(old.node);
      for (const r of old.refs) {
        const n = (counts?.get(r) ?? 1) - 1;
        if (n <= 0) counts?.delete(r); else counts!.set(r, n);
      }
    }
    if (c.type === "delete") return;
    const node = c.obj.spec?.nodeName;
    if (!node) return; // only pods bound to a node count
    const refs = podReferences(c.obj);
    this.pods.set(key, { node, refs });
    let set = this.podsByNode.get(node);
    if (!set) this.podsByNode.set(node, (set = new Set()));
    set.add(key);
    let counts = this.refsByNode.get(node);
    if (!counts) this.refsByNode.set(node, (counts = new Map()));
    for (const r of refs) counts.set(r, (counts.get(r) ?? 0) + 1);
  }

  private onPV(c: Change): void {
    const name = c.obj.metadata?.name as string;
    const oldClaim = this.pvClaim.get(name);
    if (oldClaim) { this.pvsByClaim.get(oldClaim)?.delete(name); this.pvClaim.delete(name); }
    for (const s of this.pvSecretsOf.get(name) ?? []) this.pvsBySecret.get(s)?.delete(name);
    this.pvSecretsOf.delete(name);
    if (c.type === "delete") return;
    const cr = c.obj.spec?.claimRef;
    if (cr?.name) {
      const claim = `${cr.namespace ?? ""}/${cr.name}`;
      this.pvClaim.set(name, claim);
      let set = this.pvsByClaim.get(claim);
      if (!set) this.pvsByClaim.set(claim, (set = new Set()));
      set.add(name);
    }
    const secrets = pvSecrets(c.obj).map((s) => `${s.namespace}/${s.name}`);
    this.pvSecretsOf.set(name, secrets);
    for (const s of secrets) {
      let set = this.pvsBySecret.get(s);
      if (!set) this.pvsBySecret.set(s, (set = new Set()));
      set.add(name);
    }
  }

  private onAttachment(c: Change): void {
    const name = c.obj.metadata?.name as string;
    if (c.type === "delete") this.attachments.delete(name);
    else this.attachments.set(name, c.obj.spec?.nodeName ?? "");
  }

  private holds(node: string, r: string): boolean {
    return (this.refsByNode.get(node)?.get(r) ?? 0) > 0;
  }

  private pvRelated(node: string, pvName: string): boolean {
    const claim = this.pvClaim.get(pvName);
    if (!claim) return false;
    const [ns, name] = [claim.slice(0, claim.indexOf("/")), claim.slice(claim.indexOf("/") + 1)];
    return this.holds(node, ref("pvc", ns, name));
  }

  /** Is there a path from the object to the node? */
  related(node: string, kind: "secret" | "configmap" | "pvc" | "pv" | "serviceaccount" | "resourceclaim" | "pod" | "volumeattachment", namespace: string, name: string): boolean {
    switch (kind) {
      case "pod": return this.pods.get(`${namespace}/${name}`)?.node === node;
      case "pv": return this.pvRelated(node, name);
      case "volumeattachment": return this.attachments.get(name) === node;
      case "secret":
        if (this.holds(node, ref("secret", namespace, name))) return true;
        for (const pv of this.pvsBySecret.get(`${namespace}/${name}`) ?? []) if (this.pvRelated(node, pv)) return true;
        return false;
      default:
        return this.holds(node, ref(kind, namespace, name));
    }
  }
}

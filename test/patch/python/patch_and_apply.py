"""The Python client (Debian's python3-kubernetes) patching a Deployment against kapi.

Prints one JSON object of what it saw, for the Node test to check. Usage:
    python3 patch_and_apply.py <kubeconfig> <namespace>
"""
import json
import sys

from kubernetes import client, config

kubeconfig, ns = sys.argv[1], sys.argv[2]
config.load_kube_config(kubeconfig)
apps = client.AppsV1Api()
seen = {}

apps.create_namespaced_deployment(ns, {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "py"},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "py"}},
        "template": {
            "metadata": {"labels": {"app": "py"}},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}, {"name": "side", "image": "busybox:1.36"}]},
        },
    },
})

# A dict body is sent as a strategic merge patch: containers merge by name.
d = apps.patch_namespaced_deployment("py", ns, {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx:1.28"}]}}}})
seen["strategic"] = [f"{c.name}={c.image}" for c in d.spec.template.spec.containers]

# A list body is a JSON patch.
d = apps.patch_namespaced_deployment("py", ns, [{"op": "replace", "path": "/spec/replicas", "value": 3}])
seen["jsonPatch"] = d.spec.replicas
try:
    apps.patch_namespaced_deployment("py", ns, [{"op": "test", "path": "/spec/replicas", "value": 99}])
    seen["failedTest"] = None
except client.exceptions.ApiException as e:
    seen["failedTest"] = {"status": e.status, "reason": json.loads(e.body)["reason"]}

# Server-side apply through the generic call, with the apply content type (the client sends a
# str body as it is; JSON is YAML).
def apply(body, manager, force=False):
    query = [("fieldManager", manager)] + ([("force", "true")] if force else [])
    return apps.api_client.call_api(
        "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "PATCH",
        path_params={"namespace": ns, "name": "py"}, query_params=query,
        header_params={"Content-Type": "application/apply-patch+yaml", "Accept": "application/json"},
        body=json.dumps(body), response_type="V1Deployment", auth_settings=["BearerToken"], _return_http_data_only=True,
    )

cfg = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "py"}, "spec": {"replicas": 5}}
try:
    apply(cfg, "py-applier")
    seen["conflict"] = None
except client.exceptions.ApiException as e:
    body = json.loads(e.body)
    seen["conflict"] = {"status": e.status, "fields": [c["field"] for c in body["details"]["causes"]]}
d = apply(cfg, "py-applier", force=True)
seen["forced"] = d.spec.replicas
seen["managers"] = sorted({m.manager for m in d.metadata.managed_fields})
print(json.dumps(seen))

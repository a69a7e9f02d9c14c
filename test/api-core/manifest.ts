// One realistic object of every core/v1 type kube-apiserver lets clients create, as a
// multi-document manifest for `kubectl create -f`.
export const NAMESPACE = "core";

export const MANIFEST = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, labels: {app: web}}
data: {mode: fast, level: "3"}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {user: admin}
---
apiVersion: v1
kind: Secret
metadata: {name: tls}
type: kubernetes.io/tls
data: {tls.crt: "", tls.key: ""}
---
apiVersion: v1
kind: LimitRange
metadata: {name: limits}
spec:
  limits:
  - type: Container
    max: {cpu: "2"}
    default: {memory: 128Mi}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota}
spec:
  hard: {pods: "10", requests.cpu: "2", limits.memory: 1Gi}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  serviceAccountName: builder
  containers:
  - name: app
    image: nginx:1.27
    ports: [{containerPort: 80, name: http}]
    readinessProbe: {httpGet: {port: 80}}
    resources: {limits: {cpu: 500m}}
  - name: sidecar
    image: busybox
    resources: {limits: {cpu: "0.1", memory: 64Mi}}
  volumes:
  - {name: config, configMap: {name: settings}}
---
apiVersion: v1
kind: PodTemplate
metadata: {name: tmpl}
template:
  metadata: {labels: {app: tmpl}}
  spec:
    containers: [{name: c, image: busybox:1.36}]
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: rc}}
    spec:
      containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web-np}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, name: http}, {port: 53, name: dns, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata: {name: headless}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: external}
spec:
  type: ExternalName
  externalName: example.com
---
apiVersion: v1
kind: Endpoints
metadata: {name: manual}
subsets:
- addresses: [{ip: 10.1.2.3}, {ip: 10.1.2.4}]
  ports: [{port: 8080}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Event
metadata: {name: web.started}
involvedObject: {kind: Pod, name: web, namespace: ${NAMESPACE}}
reason: Started
message: started the container
type: Normal
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: manual-abc, labels: {kubernetes.io/service-name: manual}}
addressType: IPv4
endpoints: [{addresses: [10.1.2.3]}, {addresses: [10.1.2.4]}]
ports: [{port: 8080}]
`;

/** Cluster-scoped objects, created apart (a namespaced create would refuse them). */
export const CLUSTER_MANIFEST = `
apiVersion: v1
kind: Node
metadata: {name: node-1, labels: {node-role.kubernetes.io/worker: ""}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-1}
spec:
  capacity: {storage: 2Gi}
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  hostPath: {path: /tmp/pv-1}
`;

// A CustomResourceDefinition exercising what kapi serves for custom resources: a schema
// with defaults, validation and a list-map, status and scale subresources, printer
// columns, short names, a category, and a second served version.
export const WIDGET_CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wd]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.selector
    additionalPrinterColumns:
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Color
      type: string
      jsonPath: .spec.color
      priority: 1
    - name: Ready
      type: string
      jsonPath: .status.conditions[?(@.type=="Ready")].status
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              replicas: {type: integer, minimum: 0, maximum: 10, default: 1}
              size: {type: string, enum: [small, large]}
              color: {type: string, pattern: '^[a-z]+$', maxLength: 8, default: blue}
              tags:
                type: array
                maxItems: 3
                items: {type: string, minLength: 2}
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    port: {type: integer}
              port: {x-kubernetes-int-or-string: true}
              email: {type: string, format: email}
              free: {type: object, x-kubernetes-preserve-unknown-fields: true}
              note: {type: string, nullable: true}
              template: {type: object, x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
              conditions:
                type: array
                items:
                  type: object
                  properties:
                    type: {type: string}
                    status: {type: string}
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`;

export const widget = (name: string, spec: string, extra = ""): string => `
apiVersion: example.com/v1
kind: Widget
metadata:
  name: ${name}
spec:
${spec.split("\n").map((l) => `  ${l}`).join("\n")}
${extra}`;

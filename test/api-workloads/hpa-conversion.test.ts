// HorizontalPodAutoscaler between autoscaling/v1 and v2: the v1 field, the round-trip
// annotations (in upstream's shapes) and the implicit CPU default.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hpaV1ToV2, hpaV2ToV1, METRICS_ANNOTATION, BEHAVIOR_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION } from "../../src/api/autoscaling/conversion.js";
import { defaultHPAV2, formatHPAMetrics } from "../../src/api/autoscaling/horizontalpodautoscalers.js";

const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };

test("v1's CPU target is v2's CPU utilization metric, both ways", () => {
  const v1 = { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "h" }, spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 55 }, status: { currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 40 } };
  const v2 = hpaV1ToV2(v1);
  assert.equal(v2.apiVersion, "autoscaling/v2");
  assert.deepEqual(v2.spec.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 55 } } }]);
  assert.deepEqual(v2.status.currentMetrics, [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 40 } } }]);
  const back = hpaV2ToV1(v2);
  assert.deepEqual(back.spec, v1.spec);
  assert.equal(back.status.currentCPUUtilizationPercentage, 40);
  assert.equal(back.metadata.annotations[CURRENT_METRICS_ANNOTATION], '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":40,"currentAverageValue":"0"}}]');
  assert.equal(v1.spec.targetCPUUtilizationPercentage, 55, "inputs are not modified");
});

test("a v1 object without a target means 80% CPU", () => {
  const v2 = hpaV1ToV2({ metadata: { name: "h" }, spec: { scaleTargetRef: ref, maxReplicas: 3 } });
  assert.deepEqual(v2.spec.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }]);
  assert.equal(hpaV2ToV1(v2).spec.targetCPUUtilizationPercentage, 80);
});

test("what v1 cannot say travels in annotations and comes back intact", () => {
  const v2: any = {
    apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "h", annotations: { team: "a" } },
    spec: {
      scaleTargetRef: ref, minReplicas: 1, maxReplicas: 9,
      metrics: [
        { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } } },
        { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } } },
        { type: "External", external: { metric: { name: "queue", selector: { matchLabels: { q: "jobs" } } }, target: { type: "Value", value: "30" } } },
        { type: "Object", object: { describedObject: { apiVersion: "v1", kind: "Service", name: "s" }, metric: { name: "rps" }, target: { type: "Value", value: "1k" } } },
        { type: "ContainerResource", containerResource: { name: "cpu", container: "app", target: { type: "Utilization", averageUtilization: 70 } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 60, policies: [{ type: "Pods", value: 1, periodSeconds: 30 }] } },
    },
    status: { desiredReplicas: 2, currentMetrics: null, conditions: [{ type: "AbleToScale", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z", reason: "Ready", message: "ok" }] },
  };
  defaultHPAV2(v2);
  const v1 = hpaV2ToV1(v2);
  assert.equal(v1.spec.targetCPUUtilizationPercentage, undefined);
  const ann = v1.metadata.annotations;
  assert.equal(ann.team, "a");
  assert.equal(JSON.parse(ann[METRICS_ANNOTATION])[0].resource.targetAverageValue, "500Mi");
  assert.deepEqual(JSON.parse(ann[METRICS_ANNOTATION])[1], { type: "Pods", pods: { metricName: "qps", targetAverageValue: "10" } });
  assert.equal(ann[BEHAVIOR_ANNOTATION], '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},"ScaleDown":{"StabilizationWindowSeconds":60,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":1,"PeriodSeconds":30}]}}');
  assert.equal(JSON.parse(ann[CONDITIONS_ANNOTATION])[0].reason, "Ready");
  const back = hpaV1ToV2(v1);
  defaultHPAV2(back);
  assert.deepEqual(back.spec, v2.spec);
  assert.deepEqual(back.status.conditions, v2.status.conditions);
  assert.deepEqual(back.metadata.annotations, { team: "a" }, "round-trip annotations are dropped in v2");
});

test("behavior annotations written by other servers are read case-insensitively", () => {
  const v2 = hpaV1ToV2({ metadata: { annotations: { [BEHAVIOR_ANNOTATION]: '{"scaleup":{"selectpolicy":"Min"}}' } }, spec: { scaleTargetRef: ref, maxReplicas: 2 } });
  assert.deepEqual(v2.spec.behavior, { scaleUp: { selectPolicy: "Min" } });
  const none = hpaV1ToV2({ metadata: { annotations: { [BEHAVIOR_ANNOTATION]: "{}" } }, spec: { scaleTargetRef: ref, maxReplicas: 2 } });
  assert.equal(none.spec.behavior, undefined);
});

test("v2 defaults: scale-up and scale-down rules, the status's encoding", () => {
  const o: any = { spec: { scaleTargetRef: ref, maxReplicas: 3, behavior: { scaleUp: { selectPolicy: "Min" } } }, status: { currentReplicas: 0 } };
  defaultHPAV2(o);
  assert.equal(o.spec.minReplicas, 1);
  assert.deepEqual(o.spec.behavior.scaleUp, { selectPolicy: "Min", stabilizationWindowSeconds: 0, policies: [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }] });
  assert.deepEqual(o.spec.behavior.scaleDown, { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] });
  assert.deepEqual(o.status, { desiredReplicas: 0, currentMetrics: null });
});

test("TARGETS column", () => {
  const cpu = { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } };
  const mem = { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "512Mi" } } };
  const pods = { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } } };
  assert.equal(formatHPAMetrics([], []), "<none>");
  assert.equal(formatHPAMetrics([cpu, mem], null as any), "cpu: <unknown>/60%, memory: <unknown>/512Mi");
  assert.equal(formatHPAMetrics([cpu], [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 12 } } }]), "cpu: 12%/60%");
  assert.equal(formatHPAMetrics([cpu, mem, pods], []), "cpu: <unknown>/60%, memory: <unknown>/512Mi + 1 more...");
});

// The admissionregistration.k8s.io API group: every resource kapi serves in it, in discovery order.
// Only the objects: calling webhooks and evaluating policies belong to admission.
import type { ResourceDef } from "../../registry/resource.js";
import { mutatingwebhookconfigurations, validatingwebhookconfigurations } from "./webhookconfigurations.js";
import { validatingadmissionpolicies, validatingadmissionpolicybindings } from "./validatingadmissionpolicies.js";

export const resources: ResourceDef[] = [mutatingwebhookconfigurations, validatingadmissionpolicies, validatingadmissionpolicybindings, validatingwebhookconfigurations];

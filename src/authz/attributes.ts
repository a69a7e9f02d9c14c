// Authorization attributes of an HTTP request, as k8s.io/apiserver derives them: the
// request info, plus the name a list/watch pins with fieldSelector=metadata.name=<n>
// (how kubelets read single secrets), and the selectors' requirements (Node authorizer).
import type { RequestInfo } from "../server/requestinfo.js";
import type { Attributes, SelectorRequirement } from "./types.js";
import { parse as parseFieldSelector } from "../apimachinery/fields.js";
import { parse as parseLabelSelector } from "../apimachinery/labels.js";
import { isValidPathSegmentName } from "../apimachinery/validation.js";

export function requestAttributes(info: RequestInfo, query: URLSearchParams): Attributes {
  const attrs: Attributes = {
    isResourceRequest: info.isResourceRequest, path: info.path, verb: info.verb, apiGroup: info.apiGroup,
    apiVersion: info.apiVersion, namespace: info.namespace, resource: info.resource, subresource: info.subresource, name: info.name,
  };
  if (!info.isResourceRequest || (info.verb !== "list" && info.verb !== "watch")) return attrs;
  const fs = query.get("fieldSelector");
  if (fs) {
    try {
      const sel = parseFieldSelector(fs);
      attrs.fieldSelector = sel.requirements.map((r) => ({ key: r.field, operator: r.operator, values: [r.value] }));
      const name = sel.requiresExactMatch("metadata.name");
      if (!attrs.name && name !== undefined && isValidPathSegmentName(name).length === 0) attrs.name = name;
    } catch {
      // A bad selector is the list handler's 400; authorization goes on without it.
    }
  }
  const ls = query.get("labelSelector");
  if (ls) {
    try {
      attrs.labelSelector = parseLabelSelector(ls).requirements.map((r): SelectorRequirement => ({ key: r.key, operator: r.operator, values: [...r.values] }));
    } catch {
      // as above
    }
  }
  return attrs;
}

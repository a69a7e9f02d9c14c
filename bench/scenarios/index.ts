// Every scenario, in the order a full run goes through them. Adding one: write a module
// exporting a Scenario and list it here.
import type { Scenario } from "./types.js";
import { baseline } from "./baseline.js";
import { get } from "./get.js";
import { getRbac } from "./get-rbac.js";
import { create } from "./create.js";
import { list } from "./list.js";
import { watch } from "./watch.js";
import { update } from "./update.js";
import { listSelector } from "./list-selector.js";
import { pods } from "./pods.js";
import { apply } from "./apply.js";

export type { Scenario, ScenarioContext, Row } from "./types.js";

export const SCENARIOS: Scenario[] = [baseline, get, getRbac, create, update, apply, list, listSelector, watch, pods];

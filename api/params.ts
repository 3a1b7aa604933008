import type { Filter } from "./filter.ts";
import { parseFilter, quoteValue as quote } from "./filter.ts";
import { ParamError } from "./errors.ts";
import { parseDuration, parseWindow, type TimeRange } from "./window.ts";

export interface AllocationParams {
  range: TimeRange;
  aggregate: string[];
  stepMs: number | undefined;
  accumulate: boolean;
  filter: Filter;
  /** The filter as text (the filter parameter and the legacy ones, joined with +); "" for none. */
  filterText: string;
  idle: boolean;
  shareIdle: boolean;
  splitIdle: boolean;
  idleByNode: boolean;
  /** Answer from the reconciled daily rollups (`kce reconcile --publish`). */
  reconciled: boolean;
  /** Parameters ignored, said in the answer's `warning` (OpenCost ignores what it does not know; so do we, but say so). */
  warnings: string[];
}

const DIMENSIONS = ["cluster", "node", "namespace", "controllerKind", "controller", "pod", "deployment", "statefulset", "daemonset", "job"];

/** OpenCost parameters we accept and ignore (they tune Prometheus queries we do not make). */
const IGNORED = new Set(["resolution", "includeProportionalAssetResourceCosts", "includeAggregatedMetadata", "shareNamespaces", "shareLabels", "shareCost", "shareSplit", "reconcile", "shareTenancyCosts", "format", "accumulateBy", "sharelb", "shareLB", "includeSharedCostBreakdown", "external"]);

/**
 * OpenCost's older filter parameters (core/pkg/util/filterutil/filterparams.go): comma-separated values,
 * any of which matches; kubectl-cost sends `filterNamespaces` on every request, empty when unset.
 */
const LEGACY_FILTERS: Record<string, string> = {
  filterClusters: "cluster",
  filterNodes: "node",
  filterNamespaces: "namespace",
  filterControllerKinds: "controllerKind",
  filterControllers: "controllerName",
  filterPods: "pod",
};

/** A comma-separated parameter's values, trimmed, empty ones dropped (absent = none). */
export function listParam(params: URLSearchParams, name: string): string[] {
  return (params.get(name) ?? "").split(",").map((v) => v.trim()).filter((v) => v !== "");
}

/** The legacy filter parameters as terms of the filter language (empty ones are no filter). */
function legacyFilterTerms(params: URLSearchParams): string[] {
  const terms: string[] = [];
  for (const [param, field] of Object.entries(LEGACY_FILTERS)) {
    const values = listParam(params, param);
    // filterControllers takes "kind:name" or a bare name.
    const names = field === "controllerName" ? values.map((v) => v.slice(v.indexOf(":") + 1)) : values;
    if (names.length > 0) terms.push(`${field}:${names.map(quote).join(",")}`);
  }
  for (const pair of listParam(params, "filterLabels")) {
    const at = pair.indexOf(":");
    if (at <= 0) throw new ParamError("filterLabels", `expected key:value pairs, got ${JSON.stringify(pair)}`);
    terms.push(`label[${pair.slice(0, at).trim()}]:${quote(pair.slice(at + 1).trim())}`);
  }
  return terms;
}

export function parseBool(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const v = params.get(name);
  if (v === null || v === "") return fallback;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw new ParamError(name, `must be true or false, got ${JSON.stringify(v)}`);
}

/** Checks `aggregate` against the dimensions (labels: only the ones rolled up). */
export function parseAggregate(text: string | null, labelKeys: readonly string[]): string[] {
  if (text === null || text.trim() === "") return ["pod"];
  return text.split(",").map((raw) => {
    const dim = raw.trim();
    if (DIMENSIONS.includes(dim)) return dim;
    if (dim.startsWith("label:")) {
      const key = dim.slice("label:".length);
      if (!labelKeys.includes(key)) {
        throw new ParamError("aggregate", `label ${JSON.stringify(key)} is not rolled up; rolled-up labels (rollup.labelKeys): ${labelKeys.join(", ") || "none"}`);
      }
      return dim;
    }
    throw new ParamError("aggregate", `unknown dimension ${JSON.stringify(dim)}; use ${[...DIMENSIONS, "label:<key>"].join(", ")} (comma-separated)`);
  });
}

/** `shareIdle`: true/false, or OpenCost's `weighted` (shared by cost, as true does) and `even` (not supported: refused). */
function parseShareIdle(params: URLSearchParams): boolean {
  const v = params.get("shareIdle");
  if (v === "weighted") return true;
  if (v === "even") throw new ParamError("shareIdle", "even sharing is not supported; use weighted (true) or false");
  return parseBool(params, "shareIdle", false);
}

/** Reads and validates /allocation's query parameters; throws ParamError naming the bad one. */
export function parseAllocationParams(params: URLSearchParams, labelKeys: readonly string[], nowMs: number, known: readonly string[] = []): AllocationParams {
  const accepted = new Set(["window", "aggregate", "step", "accumulate", "filter", "idle", "includeIdle", "shareIdle", "splitIdle", "idleByNode", "reconciled", "filterLabels", ...Object.keys(LEGACY_FILTERS), ...known]);
  const unknown = [...new Set(params.keys())].filter((name) => !accepted.has(name) && !IGNORED.has(name));
  const warnings = unknown.length === 0 ? [] : [`ignored unknown parameter(s) ${unknown.join(", ")}; accepted: ${[...accepted].join(", ")}`];
  const v2 = params.get("filter");
  const filterText = [...(v2 === null || v2.trim() === "" ? [] : [v2]), ...legacyFilterTerms(params)].join("+");
  const step = params.get("step");
  const stepMs = step === null || step === "" ? undefined : parseDuration(step);
  if (stepMs === 0 || Number.isNaN(stepMs) || (step !== null && step !== "" && stepMs === undefined)) {
    throw new ParamError("step", `must be a duration such as 1h or 1d, got ${JSON.stringify(step)}`);
  }
  const idle = params.has("includeIdle") ? parseBool(params, "includeIdle", true) : parseBool(params, "idle", true);
  return {
    range: parseWindow(params.get("window"), nowMs),
    aggregate: parseAggregate(params.get("aggregate"), labelKeys),
    stepMs,
    accumulate: parseBool(params, "accumulate", false),
    filter: parseFilter(filterText === "" ? null : filterText),
    filterText,
    idle,
    shareIdle: parseShareIdle(params),
    splitIdle: parseBool(params, "splitIdle", false),
    idleByNode: parseBool(params, "idleByNode", false),
    reconciled: parseBool(params, "reconciled", false),
    warnings,
  };
}

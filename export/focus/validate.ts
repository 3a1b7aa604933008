import { COLUMNS_BY_NAME, FOCUS_COLUMNS, SERVICE_SUBCATEGORIES, type FocusColumn, type FocusRow, type FocusValue } from "./columns.ts";

/**
 * A FOCUS dataset validator written from the spec's requirement text (columns.ts names the source):
 * column presence and naming, data types and formats (Decimal, Date/Time, currency, key-value JSON),
 * nullability, allowed values, and the cross-column rules a single row or a file can show (Tax rows
 * without pricing, PricingUnit with PricingQuantity, ResourceType with ResourceId, unit price × quantity
 * = cost, subcategory under its category, charge periods that end after they start, split cost
 * allocation ratios that add up to 1 per origin charge).
 */

export interface Violation {
  /** 1-based data row (0 for the header). */
  row: number;
  column: string;
  rule: string;
  message: string;
}

export interface ValidationReport {
  rows: number;
  /** Violations by rule, all counted; the first `maxListed` kept with their row. */
  counts: Record<string, number>;
  violations: Violation[];
  warnings: string[];
  valid: boolean;
}

export interface ValidateOptions {
  /** Require every Mandatory column (a dataset); off for excerpts such as the spec's own examples. */
  requireMandatory?: boolean;
  maxListed?: number;
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
/** Numeric format: integer, decimal or E notation; no "+" sign, no thousands separators. */
const NUMERIC = /^-?(\d+(\.\d+)?|\.\d+)([eE]-?\d+)?$/;
const PASCAL = /^[A-Z][A-Za-z0-9]*$/;
const RATIO_TOLERANCE = 1e-6;

/** A name from a file as it may be shown: ASCII, quoted, at most 40 characters (a binary file's "header" too). */
function printable(text: string): string {
  const escaped = [...text.slice(0, 40)].map((ch) => (/[\x20-\x7e]/.test(ch) && ch !== '"' && ch !== "\\" ? ch : `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`)).join("");
  return `"${escaped}"${text.length > 40 ? "..." : ""}`;
}

export function isNull(v: FocusValue | undefined): boolean {
  return v === null || v === undefined || v === "" || v === "null";
}

function asNumber(v: FocusValue | undefined): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && NUMERIC.test(v)) return Number(v);
  return undefined;
}

/** Date/times repeat on every row of a charge period: each distinct text is parsed once. */
const timeCache = new Map<string, number | undefined>();

function asTime(v: FocusValue | undefined): number | undefined {
  if (typeof v !== "string") return undefined;
  if (timeCache.has(v)) return timeCache.get(v);
  if (timeCache.size > 10_000) timeCache.clear();
  const ms = parseTime(v);
  timeCache.set(v, ms);
  return ms;
}

function parseTime(v: string): number | undefined {
  const m = DATETIME.exec(v);
  if (m === null) return undefined;
  const ms = Date.parse(v);
  // Reject dates Date.parse rolls over (2026-02-30) by printing them back.
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== v.slice(0, 19) ? undefined : ms;
}

function keyValueProblem(v: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    return "is not valid JSON";
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return "is not a JSON object";
  for (const [k, x] of Object.entries(parsed)) if (x !== null && typeof x === "object") return `has key ${JSON.stringify(k)} whose value is an object or array (values must be strings, numbers, booleans or null)`;
  return undefined;
}

/** AllocatedMethodDetails: {"Elements":[{AllocatedRatio, UsageUnit?, UsageQuantity?}, …]}; returns the ratios' sum. */
function methodDetails(v: string): { sum: number } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    return { problem: "is not valid JSON" };
  }
  const elements = (parsed as { Elements?: unknown } | null)?.Elements;
  if (!Array.isArray(elements) || elements.length === 0) return { problem: "has no Elements array" };
  let sum = 0;
  for (const e of elements as Array<Record<string, unknown>>) {
    if (typeof e.AllocatedRatio !== "number") return { problem: "has an element without a numeric AllocatedRatio" };
    if (e.UsageQuantity !== undefined && typeof e.UsageUnit !== "string") return { problem: "has an element with UsageQuantity but no UsageUnit" };
    sum += e.AllocatedRatio;
  }
  return { sum };
}

export class FocusValidator {
  private readonly opts: Required<ValidateOptions>;
  private readonly report: ValidationReport = { rows: 0, counts: {}, violations: [], warnings: [], valid: true };
  private readonly known: FocusColumn[] = [];
  private readonly present = new Set<string>();
  /** Σ AllocatedRatio per origin charge (ResourceId × charge period × method). */
  private readonly ratios = new Map<string, { sum: number; row: number }>();

  constructor(header: readonly string[], opts: ValidateOptions = {}) {
    this.opts = { requireMandatory: opts.requireMandatory ?? true, maxListed: opts.maxListed ?? 50 };
    const seen = new Set<string>();
    let customSeen = false;
    for (const name of header) {
      if (seen.has(name)) this.add(0, name, "ColumnUnique", "appears twice in the header");
      seen.add(name);
      this.present.add(name);
      const col = COLUMNS_BY_NAME.get(name);
      if (name.startsWith("x_")) customSeen = true;
      else if (col === undefined) this.add(0, name, "ColumnHandling", `is neither a FOCUS column nor a custom column prefixed x_${PASCAL.test(name) ? "" : " (and not PascalCase)"}`);
      else if (customSeen) this.warn(`FOCUS column ${name} comes after custom (x_) columns`);
      if (col !== undefined) this.known.push(col);
    }
    if (this.opts.requireMandatory) for (const col of FOCUS_COLUMNS) if (col.level === "Mandatory" && !seen.has(col.name)) this.add(0, col.name, "MandatoryColumn", "is Mandatory and missing");
  }

  /** A CSV row with another number of fields than the header (found by the reader). */
  ragged(row: number, fields: number, expected: number): void {
    this.add(row, "(row)", "RowShape", `has ${fields} fields, the header ${expected}`);
  }

  private add(row: number, column: string, rule: string, message: string): void {
    this.report.valid = false;
    this.report.counts[rule] = (this.report.counts[rule] ?? 0) + 1;
    const shown = /^[\x20-\x7e]{1,60}$/.test(column) ? column : printable(column);
    if (this.report.violations.length < this.opts.maxListed) this.report.violations.push({ row, column, rule, message: `${shown} ${message}` });
  }

  private warn(message: string): void {
    if (!this.report.warnings.includes(message)) this.report.warnings.push(message);
  }

  /** Checks one row (values as read: strings from CSV, numbers and strings from Parquet). */
  row(r: FocusRow): void {
    const n = ++this.report.rows;
    for (const col of this.known) this.value(n, col, r[col.name]);
    this.crossColumn(n, r);
  }

  private value(n: number, col: FocusColumn, v: FocusValue | undefined): void {
    if (v === "") this.add(n, col.name, "NullHandling", "is an empty string (use null)");
    if (isNull(v)) {
      if (!col.nullable) this.add(n, col.name, "Nullability", "is null but does not allow nulls");
      return;
    }
    switch (col.type) {
      case "Decimal":
        if (asNumber(v) === undefined) this.add(n, col.name, "NumericFormat", `${JSON.stringify(v)} is not a number in FOCUS numeric format`);
        break;
      case "DateTime":
        if (asTime(v) === undefined) this.add(n, col.name, "DateTimeFormat", `${JSON.stringify(v)} is not a UTC date/time YYYY-MM-DDTHH:mm:ssZ`);
        break;
      case "JSON":
        if (typeof v !== "string") this.add(n, col.name, "KeyValueFormat", "is not serialized JSON");
        else if (col.keyValue === true) {
          const problem = keyValueProblem(v);
          if (problem !== undefined) this.add(n, col.name, "KeyValueFormat", problem);
        }
        break;
      case "String":
        if (typeof v !== "string") this.add(n, col.name, "DataType", `${JSON.stringify(v)} is not a string`);
        break;
    }
    if (col.allowed !== undefined && typeof v === "string" && !col.allowed.includes(v)) this.add(n, col.name, "AllowedValues", `${JSON.stringify(v)} is not one of ${col.allowed.join(", ")}`);
    if (col.currency === true && typeof v === "string" && !/^[A-Z]{3}$/.test(v)) this.add(n, col.name, "CurrencyFormat", `${JSON.stringify(v)} is not an ISO 4217 code`);
  }

  private has(name: string): boolean {
    return this.present.has(name);
  }

  private crossColumn(n: number, r: FocusRow): void {
    const category = r.ChargeCategory;
    const correction = r.ChargeClass === "Correction";
    const usageOrPurchase = (category === "Usage" || category === "Purchase") && !correction;
    for (const name of ["PricingCategory", "PricingQuantity", "ListUnitPrice", "ContractedUnitPrice", "SkuId", "SkuPriceId"]) {
      if (!this.has(name)) continue;
      if (category === "Tax" && !isNull(r[name])) this.add(n, name, "Nullability", "must be null when ChargeCategory is Tax");
      if (usageOrPurchase && isNull(r[name])) this.add(n, name, "Nullability", `must not be null when ChargeCategory is ${String(category)}`);
    }
    this.pairedNull(n, r, "PricingUnit", "PricingQuantity");
    this.pairedNull(n, r, "ResourceType", "ResourceId");
    this.pairedNull(n, r, "ConsumedUnit", "ConsumedQuantity");
    if (this.has("ConsumedQuantity") && category !== "Usage" && !isNull(r.ConsumedQuantity)) this.add(n, "ConsumedQuantity", "Nullability", "must be null when ChargeCategory is not Usage");
    if (r.ChargeFrequency === "Usage-Based" && category === "Purchase") this.add(n, "ChargeFrequency", "ChargeFrequency", "must not be Usage-Based when ChargeCategory is Purchase");
    const sub = r.ServiceSubcategory;
    if (typeof sub === "string" && typeof r.ServiceCategory === "string" && SERVICE_SUBCATEGORIES[sub] !== undefined && SERVICE_SUBCATEGORIES[sub] !== r.ServiceCategory) {
      this.add(n, "ServiceSubcategory", "ServiceSubcategory", `${sub} belongs to ${SERVICE_SUBCATEGORIES[sub]}, not ${r.ServiceCategory}`);
    }
    for (const [start, end] of [["ChargePeriodStart", "ChargePeriodEnd"], ["BillingPeriodStart", "BillingPeriodEnd"]] as const) {
      const a = asTime(r[start]);
      const b = asTime(r[end]);
      if (a !== undefined && b !== undefined && b <= a) this.add(n, end, "Period", `is not after ${start}`);
    }
    if (!correction) {
      this.product(n, r, "ListUnitPrice", "ListCost");
      this.product(n, r, "ContractedUnitPrice", "ContractedCost");
    }
    this.split(n, r);
  }

  private pairedNull(n: number, r: FocusRow, dependent: string, on: string): void {
    if (!this.has(dependent) || !this.has(on)) return;
    if (isNull(r[dependent]) !== isNull(r[on])) this.add(n, dependent, "Nullability", `must be null exactly when ${on} is null`);
  }

  private product(n: number, r: FocusRow, unitPrice: string, cost: string): void {
    const price = asNumber(r[unitPrice]);
    const quantity = asNumber(r.PricingQuantity);
    const total = asNumber(r[cost]);
    if (price === undefined || quantity === undefined || total === undefined) return;
    if (Math.abs(price * quantity - total) > 1e-6 * Math.max(1, Math.abs(total))) this.add(n, cost, "UnitPriceProduct", `${total} is not ${unitPrice} × PricingQuantity (${price * quantity})`);
  }

  private split(n: number, r: FocusRow): void {
    if (!isNull(r.AllocatedResourceId) && this.has("AllocatedMethodId") && isNull(r.AllocatedMethodId)) this.add(n, "AllocatedMethodId", "Nullability", "must not be null on an allocated charge");
    const details = r.AllocatedMethodDetails;
    if (typeof details !== "string" || isNull(details)) return;
    const parsed = methodDetails(details);
    if ("problem" in parsed) {
      this.add(n, "AllocatedMethodDetails", "AllocatedMethodDetails", parsed.problem);
      return;
    }
    const key = `${String(r.ResourceId)}|${String(r.ChargePeriodStart)}|${String(r.ChargePeriodEnd)}|${String(r.AllocatedMethodId)}`;
    const known = this.ratios.get(key);
    if (known === undefined) this.ratios.set(key, { sum: parsed.sum, row: n });
    else known.sum += parsed.sum;
  }

  /** Finishes file-level checks (allocation ratios per origin charge) and returns the report. */
  finish(): ValidationReport {
    for (const [key, { sum, row }] of this.ratios) {
      if (Math.abs(sum - 1) > RATIO_TOLERANCE) this.add(row, "AllocatedMethodDetails", "AllocatedRatioSum", `AllocatedRatio adds up to ${sum}, not 1, over the allocated charges of origin ${key.split("|")[0] ?? ""} (${key.split("|")[1] ?? ""})`);
    }
    this.ratios.clear();
    return this.report;
  }
}

/** Validates rows in memory (tests, small files). */
export function validateRows(header: readonly string[], rows: Iterable<FocusRow>, opts?: ValidateOptions): ValidationReport {
  const v = new FocusValidator(header, opts);
  for (const r of rows) v.row(r);
  return v.finish();
}

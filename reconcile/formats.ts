/**
 * The billing export layouts we read, recognised by their header, and how each maps to a bill line.
 *
 * Headers are compared normalised: a BOM dropped, a localised header "Name (Canonical)" read as its
 * canonical name in brackets, then lower-cased with everything but letters and digits removed. So
 * CUR 2.0's `line_item_unblended_cost` and legacy CUR's `lineItem/UnblendedCost` are the same column,
 * as are Azure's `CostInBillingCurrency`, `costInBillingCurrency` and the German `... (CostInBillingCurrency)`.
 */

export type Layout = "focus" | "aws-cur" | "azure" | "gcp";

export function normaliseHeader(header: string): string {
  const bracketed = /\(([^()]+)\)\s*$/.exec(header.replace(/^\ufeff/, ""));
  return (bracketed?.[1] ?? header).toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** One line of a bill, normalised. */
export interface BillLine {
  /** UTC day the charge belongs to, YYYY-MM-DD. */
  day: string;
  /** The resource as the bill names it ("" when the line has none). */
  resourceId: string;
  cost: number;
  currency: string;
  /** What the line is (service, meter category, line item type), for unmatched-item reports. */
  kind: string;
  /** Lines that are not usage of a resource (tax, fees, credits) are never matched to nodes. */
  usage: boolean;
  /** False when the export does not say what the usage cost (committed usage billed 0 without EffectiveCost). */
  costKnown?: boolean;
  /** The line's own id when the export has one (CUR identity/LineItemId + TimeInterval), for duplicates. */
  lineId?: string;
  /** The cluster its tags name (normalised, see cluster-tags.ts), when they name one. */
  clusterTag?: string;
}

/** A row that cannot be read: which column and why. */
export class BadRowError extends Error {
  override readonly name = "BadRowError";
  readonly column: string;
  constructor(column: string, message: string) {
    super(message);
    this.column = column;
  }
}

export interface LayoutSpec {
  layout: Layout;
  /** Which column the cost came from, for the report. */
  costColumn: string;
  /** Maps a record (normalised header → value) to a bill line; throws BadRowError. */
  read(get: (column: string) => string | undefined, record: Record<string, unknown>): BillLine;
}

/** ISO 8601 (`2026-11-20`, `2026-11-20T00:00:00Z`, `2026-11-20 00:00:00 UTC`, with an offset). */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/;
/** Azure's US-style `MM/DD/YYYY`, with an optional time. */
const US = /^(\d{2})\/(\d{2})\/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?$/i;

function validDay(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * A bill's date as its layout documents it, to the UTC day; never guessed. Every layout writes ISO
 * 8601; Azure's exports may write `MM/DD/YYYY` instead (its documented format — `20/11/2026` is not a
 * date there, not the 20th of November). Anything else is a bad row naming the column.
 */
export function dayOf(column: string, value: string | undefined, layout: Layout = "focus"): string {
  const v = (value ?? "").trim();
  const bad = (why: string) => new BadRowError(column, `${JSON.stringify(value ?? "")} is not a date (${why})`);
  const iso = ISO.exec(v);
  if (iso !== null) {
    const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    if (!validDay(y, m, d) || Number(iso[4] ?? 0) > 23 || Number(iso[5] ?? 0) > 59 || Number(iso[6] ?? 0) > 60) throw bad("no such day or time");
    const zone = iso[7];
    if (zone === undefined || zone === "Z" || zone === "UTC" || iso[4] === undefined) return `${iso[1]}-${iso[2]}-${iso[3]}`;
    const t = Date.parse(`${iso[1]}-${iso[2]}-${iso[3]}T${iso[4]}:${iso[5]}:${iso[6] ?? "00"}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
    if (Number.isNaN(t)) throw bad("bad UTC offset");
    return new Date(t).toISOString().slice(0, 10);
  }
  const us = layout === "azure" ? US.exec(v) : null;
  if (us !== null) {
    if (!validDay(Number(us[3]), Number(us[1]), Number(us[2]))) throw bad("Azure writes MM/DD/YYYY; month or day out of range");
    return `${us[3]}-${us[1]}-${us[2]}`;
  }
  throw bad(layout === "azure" ? "expected YYYY-MM-DD or MM/DD/YYYY" : "expected ISO 8601, e.g. 2026-11-20T00:00:00Z");
}

function money(column: string, value: string | undefined, required = true): number {
  const v = (value ?? "").trim();
  if (v === "" && !required) return 0;
  const n = Number(v);
  if (v === "" || !Number.isFinite(n)) throw new BadRowError(column, `${JSON.stringify(value ?? "")} is not a number`);
  return n;
}

function first(get: (c: string) => string | undefined, columns: string[]): string | undefined {
  for (const c of columns) {
    const v = get(c);
    if (v !== undefined && v !== "") return v;
  }
  return undefined;
}

/** AWS line item types and the cost that reflects what was paid for the usage (amortised). */
const AWS_NOT_USAGE = new Set(["tax", "credit", "refund", "fee", "rifee", "savingsplanrecurringfee", "savingsplanupfrontfee", "bundleddiscount", "edpdiscount", "privaterateddiscount"]);

/** The unused part of a Savings Plan or reservation fee line, or undefined when the export does not say. */
function commitmentUnused(type: string, get: (c: string) => string | undefined, fee: number): number | undefined {
  if (type === "savingsplanrecurringfee") {
    const used = get("savingsplanusedcommitment");
    return used === undefined || used.trim() === "" ? undefined : Math.max(0, fee - money("savings_plan_used_commitment", used));
  }
  const parts = ["reservationunusedrecurringfee", "reservationunusedamortizedupfrontfeeforbillingperiod"].map((c) => get(c)).filter((v): v is string => v !== undefined && v.trim() !== "");
  return parts.length === 0 ? undefined : parts.reduce((sum, v) => sum + money("reservation_unused_recurring_fee", v), 0);
}

const awsCur: LayoutSpec = {
  layout: "aws-cur",
  costColumn: "line_item_unblended_cost; savings_plan_savings_plan_effective_cost for SavingsPlanCoveredUsage; reservation_effective_cost for DiscountedUsage; SavingsPlanNegation skipped; SavingsPlanRecurringFee only its unused part (fee − savings_plan_used_commitment); RIFee only its unused part (reservation_unused_recurring_fee + reservation_unused_amortized_upfront_fee_for_billing_period)",
  read: (get) => {
    const type = get("lineitemlineitemtype") ?? "Usage";
    const t = type.toLowerCase();
    const day = dayOf("line_item_usage_start_date", get("lineitemusagestartdate"), "aws-cur");
    let cost: number;
    let commitment: string | undefined;
    if (t === "savingsplancoveredusage") cost = money("savings_plan_savings_plan_effective_cost", get("savingsplansavingsplaneffectivecost"));
    else if (t === "discountedusage") cost = money("reservation_effective_cost", get("reservationeffectivecost"));
    else if (t === "savingsplannegation") cost = 0;
    else if (t === "savingsplanrecurringfee" || t === "rifee") {
      // The used part of a commitment is already in the covered usage's effective cost: only the unused
      // part is a charge of its own. An export without the columns that say so keeps the whole fee
      // (visible, named as such) rather than hiding it.
      const fee = money("line_item_unblended_cost", get("lineitemunblendedcost"));
      const unused = commitmentUnused(t, get, fee);
      cost = unused ?? fee;
      commitment = unused === undefined ? `${t === "rifee" ? "Reservation" : "Savings Plan"} fee (used part unknown: the export has no ${t === "rifee" ? "reservation_unused_*" : "savings_plan_used_commitment"} column)` : t === "rifee" ? "Reservation unused" : "Savings Plan unused commitment";
    } else cost = money("line_item_unblended_cost", get("lineitemunblendedcost"));
    const lineItemId = get("identitylineitemid");
    return {
      day,
      resourceId: get("lineitemresourceid") ?? "",
      cost,
      currency: get("lineitemcurrencycode") ?? "",
      kind: commitment ?? `${get("lineitemproductcode") ?? "AWS"} ${type}`.trim(),
      usage: !AWS_NOT_USAGE.has(t) && t !== "savingsplannegation",
      ...(lineItemId === undefined || lineItemId === "" ? {} : { lineId: `${lineItemId}|${get("identitytimeinterval") ?? ""}` }),
    };
  },
};

const focus = (effective: boolean): LayoutSpec => ({
  layout: "focus",
  costColumn: effective ? "EffectiveCost" : "BilledCost (the file has no EffectiveCost; committed usage billed 0 is left as estimated)",
  read: (get) => {
    const category = get("chargecategory") ?? "Usage";
    const cost = effective ? money("EffectiveCost", get("effectivecost")) : money("BilledCost", get("billedcost"));
    // Committed usage is billed 0 (the commitment was paid by its purchase); without EffectiveCost the
    // export does not say what it cost, and 0 must not be taken as its price.
    const unknown = !effective && cost === 0 && category.toLowerCase() === "usage" && (get("pricingcategory") ?? "").toLowerCase() === "committed";
    return {
      day: dayOf("ChargePeriodStart", get("chargeperiodstart"), "focus"),
      resourceId: get("resourceid") ?? "",
      cost,
      ...(unknown ? { costKnown: false } : {}),
      currency: get("billingcurrency") ?? "",
      kind: `${get("servicename") ?? get("providername") ?? "FOCUS"} ${category}`.trim(),
      usage: category.toLowerCase() === "usage",
    };
  },
});

const azure = (costColumns: string[]): LayoutSpec => ({
  layout: "azure",
  costColumn: `${costColumns[0] ?? "cost"} (as exported: actual or amortised)`,
  read: (get) => {
    const cost = first(get, costColumns);
    const charge = (get("chargetype") ?? "Usage").toLowerCase();
    const dateColumn = ["date", "usagedatetime", "usagedate"].find((c) => (get(c) ?? "") !== "") ?? "date";
    return {
      day: dayOf(dateColumn, get(dateColumn), "azure"),
      resourceId: azureResource(first(get, ["resourceid", "instanceid", "instancename"]) ?? "", get("additionalinfo")),
      cost: money(costColumns[0] ?? "cost", cost),
      currency: first(get, ["billingcurrencycode", "billingcurrency", "currency"]) ?? "",
      kind: `Azure ${first(get, ["metercategory"]) ?? ""}`.trim(),
      usage: charge === "usage",
    };
  },
});

/**
 * A VM scale set bills per instance with the scale set's id and the instance in AdditionalInfo
 * (`"VMName": "aks-nodepool1-12345678-vmss_0"`); nodes name `.../virtualMachineScaleSets/<set>/virtualMachines/0`.
 */
function azureResource(id: string, additionalInfo: string | undefined): string {
  if (!/\/virtualmachinescalesets\/[^/]+$/i.test(id) || additionalInfo === undefined) return id;
  const vm = /"VMName"\s*:\s*"([^"]+)"/.exec(additionalInfo)?.[1];
  const index = vm === undefined ? undefined : /_(\d+)$/.exec(vm)?.[1];
  return index === undefined ? id : `${id}/virtualMachines/${index}`;
}

function gcpCredits(record: Record<string, unknown>, get: (c: string) => string | undefined): number {
  let credits: unknown = record["credits"];
  if (typeof credits === "string" || credits === undefined) {
    const raw = get("credits");
    if (raw === undefined || raw.trim() === "") return 0;
    try {
      credits = JSON.parse(raw);
    } catch {
      throw new BadRowError("credits", `credits ${JSON.stringify(raw.slice(0, 80))} is not a JSON list`);
    }
  }
  if (!Array.isArray(credits)) return 0;
  return credits.reduce((sum: number, c: unknown) => sum + (typeof c === "object" && c !== null && typeof (c as { amount?: unknown }).amount === "number" ? (c as { amount: number }).amount : 0), 0);
}

const gcp: LayoutSpec = {
  layout: "gcp",
  costColumn: "cost + credits (committed-use, sustained-use and other credits)",
  read: (get, record) => {
    const resource = first(get, ["resourcename", "resourceglobalname"]) ?? "";
    return {
      day: dayOf("usage_start_time", get("usagestarttime"), "gcp"),
      resourceId: resource,
      cost: money("cost", get("cost")) + gcpCredits(record, get),
      currency: get("currency") ?? "",
      kind: `GCP ${first(get, ["servicedescription", "skudescription"]) ?? ""}`.trim(),
      usage: true,
    };
  },
};

/** The layout of a file from its (normalised) columns, or the reason none fits. */
export function detectLayout(columns: ReadonlySet<string>): LayoutSpec | string {
  const has = (c: string) => columns.has(c);
  if (has("lineitemusagestartdate") && has("lineitemunblendedcost")) return awsCur;
  if (has("chargeperiodstart") && (has("effectivecost") || has("billedcost"))) return focus(has("effectivecost"));
  if (has("usagestarttime") && has("cost")) return gcp;
  const azureCost = ["costinbillingcurrency", "pretaxcost", "cost", "costinusd"].filter(has);
  if ((has("date") || has("usagedatetime")) && azureCost.length > 0 && (has("resourceid") || has("instanceid") || has("instancename"))) return azure(azureCost);
  return (
    "unknown billing export layout: expected FOCUS (ChargePeriodStart, EffectiveCost/BilledCost, ResourceId), " +
    "AWS CUR (line_item_usage_start_date or lineItem/UsageStartDate, line_item_unblended_cost), Azure cost export " +
    "(Date/UsageDateTime, CostInBillingCurrency/PreTaxCost, ResourceId/InstanceId) or GCP billing export " +
    "(usage_start_time, cost)"
  );
}

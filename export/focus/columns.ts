/**
 * The FOCUS columns we write and check, with the content constraints of their column pages.
 *
 * Source: FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec (CC-BY-4.0). FOCUS 1.2 columns from
 * `specification/columns/*.md` @04f8bb3 (feature level, nulls, data type, allowed values); the split
 * cost allocation columns introduced in 1.3 from `specification/datasets/cost_and_usage/columns/
 * allocated*.md` (@00d4b9b, @0a167c5, @0b91cb1). Facts only; the wording here is ours.
 */

export const FOCUS_VERSION = "1.2";
/** The 1.3 split cost allocation columns are written too (see ALLOCATION_COLUMNS). */
export const FOCUS_SPLIT_VERSION = "1.3";

export type FocusType = "String" | "Decimal" | "DateTime" | "JSON";
export type FeatureLevel = "Mandatory" | "Recommended" | "Conditional";

export interface FocusColumn {
  name: string;
  type: FocusType;
  level: FeatureLevel;
  nullable: boolean;
  allowed?: readonly string[];
  /** Currency code (ISO 4217 alphabetic) when national. */
  currency?: boolean;
  /** JSON key-value object (string, number, boolean or null values). */
  keyValue?: boolean;
}

export const CHARGE_CATEGORIES = ["Usage", "Purchase", "Tax", "Credit", "Adjustment"] as const;
export const CHARGE_FREQUENCIES = ["One-Time", "Recurring", "Usage-Based"] as const;
export const PRICING_CATEGORIES = ["Standard", "Dynamic", "Committed", "Other"] as const;

/** ServiceSubcategory → its one parent ServiceCategory (FOCUS 1.2 allowed values). */
export const SERVICE_SUBCATEGORIES: Readonly<Record<string, string>> = {
  "AI Platforms": "AI and Machine Learning",
  "Bots": "AI and Machine Learning",
  "Generative AI": "AI and Machine Learning",
  "Machine Learning": "AI and Machine Learning",
  "Natural Language Processing": "AI and Machine Learning",
  "Other (AI and Machine Learning)": "AI and Machine Learning",
  "Analytics Platforms": "Analytics",
  "Business Intelligence": "Analytics",
  "Data Processing": "Analytics",
  "Search": "Analytics",
  "Streaming Analytics": "Analytics",
  "Other (Analytics)": "Analytics",
  "Productivity and Collaboration": "Business Applications",
  "Other (Business Applications)": "Business Applications",
  "Containers": "Compute",
  "End User Computing": "Compute",
  "Quantum Compute": "Compute",
  "Serverless Compute": "Compute",
  "Virtual Machines": "Compute",
  "Other (Compute)": "Compute",
  "Caching": "Databases",
  "Data Warehouses": "Databases",
  "Ledger Databases": "Databases",
  "NoSQL Databases": "Databases",
  "Relational Databases": "Databases",
  "Time Series Databases": "Databases",
  "Other (Databases)": "Databases",
  "Developer Platforms": "Developer Tools",
  "Continuous Integration and Deployment": "Developer Tools",
  "Development Environments": "Developer Tools",
  "Source Code Management": "Developer Tools",
  "Quality Assurance": "Developer Tools",
  "Other (Developer Tools)": "Developer Tools",
  "Identity and Access Management": "Identity",
  "Other (Identity)": "Identity",
  "API Management": "Integration",
  "Messaging": "Integration",
  "Workflow Orchestration": "Integration",
  "Other (Integration)": "Integration",
  "IoT Analytics": "Internet of Things",
  "IoT Platforms": "Internet of Things",
  "Other (Internet of Things)": "Internet of Things",
  "Architecture": "Management and Governance",
  "Compliance": "Management and Governance",
  "Cost Management": "Management and Governance",
  "Data Governance": "Management and Governance",
  "Disaster Recovery": "Management and Governance",
  "Endpoint Management": "Management and Governance",
  "Observability": "Management and Governance",
  "Support": "Management and Governance",
  "Other (Management and Governance)": "Management and Governance",
  "Content Creation": "Media",
  "Gaming": "Media",
  "Media Streaming": "Media",
  "Mixed Reality": "Media",
  "Other (Media)": "Media",
  "Data Migration": "Migration",
  "Resource Migration": "Migration",
  "Other (Migration)": "Migration",
  "Other (Mobile)": "Mobile",
  "Multicloud Integration": "Multicloud",
  "Other (Multicloud)": "Multicloud",
  "Application Networking": "Networking",
  "Content Delivery": "Networking",
  "Network Connectivity": "Networking",
  "Network Infrastructure": "Networking",
  "Network Routing": "Networking",
  "Network Security": "Networking",
  "Other (Networking)": "Networking",
  "Secret Management": "Security",
  "Security Posture Management": "Security",
  "Threat Detection and Response": "Security",
  "Other (Security)": "Security",
  "Backup Storage": "Storage",
  "Block Storage": "Storage",
  "File Storage": "Storage",
  "Object Storage": "Storage",
  "Storage Platforms": "Storage",
  "Other (Storage)": "Storage",
  "Application Platforms": "Web",
  "Other (Web)": "Web",
  "Other (Other)": "Other",
};

export const SERVICE_CATEGORIES = [
  "AI and Machine Learning", "Analytics", "Business Applications", "Compute", "Databases", "Developer Tools", "Multicloud", "Identity",
  "Integration", "Internet of Things", "Management and Governance", "Media", "Migration", "Mobile", "Networking", "Security", "Storage", "Web", "Other",
] as const;

const c = (name: string, type: FocusType, level: FeatureLevel, nullable: boolean, extra: Partial<FocusColumn> = {}): FocusColumn => ({ name, type, level, nullable, ...extra });

/** The FOCUS 1.2 columns, Mandatory ones first as the spec lists them, then the Recommended and Conditional ones we write. */
export const FOCUS_COLUMNS: readonly FocusColumn[] = [
  c("BilledCost", "Decimal", "Mandatory", false),
  c("BillingAccountId", "String", "Mandatory", false),
  c("BillingAccountName", "String", "Mandatory", true),
  c("BillingCurrency", "String", "Mandatory", false, { currency: true }),
  c("BillingPeriodEnd", "DateTime", "Mandatory", false),
  c("BillingPeriodStart", "DateTime", "Mandatory", false),
  c("ChargeCategory", "String", "Mandatory", false, { allowed: CHARGE_CATEGORIES }),
  c("ChargeClass", "String", "Mandatory", true, { allowed: ["Correction"] }),
  c("ChargeDescription", "String", "Mandatory", true),
  c("ChargePeriodEnd", "DateTime", "Mandatory", false),
  c("ChargePeriodStart", "DateTime", "Mandatory", false),
  c("ContractedCost", "Decimal", "Mandatory", false),
  c("EffectiveCost", "Decimal", "Mandatory", false),
  c("InvoiceIssuerName", "String", "Mandatory", false),
  c("ListCost", "Decimal", "Mandatory", false),
  c("PricingQuantity", "Decimal", "Mandatory", true),
  c("PricingUnit", "String", "Mandatory", true),
  c("ProviderName", "String", "Mandatory", false),
  c("PublisherName", "String", "Mandatory", false),
  c("ServiceCategory", "String", "Mandatory", false, { allowed: SERVICE_CATEGORIES }),
  c("ServiceName", "String", "Mandatory", false),
  c("AvailabilityZone", "String", "Recommended", true),
  c("ChargeFrequency", "String", "Recommended", false, { allowed: CHARGE_FREQUENCIES }),
  c("ServiceSubcategory", "String", "Recommended", false, { allowed: Object.keys(SERVICE_SUBCATEGORIES) }),
  c("PricingCategory", "String", "Conditional", true, { allowed: PRICING_CATEGORIES }),
  c("RegionId", "String", "Conditional", true),
  c("RegionName", "String", "Conditional", true),
  c("ResourceId", "String", "Conditional", true),
  c("ResourceName", "String", "Conditional", true),
  c("ResourceType", "String", "Conditional", true),
  c("SubAccountId", "String", "Conditional", true),
  c("SubAccountName", "String", "Conditional", true),
  c("Tags", "JSON", "Conditional", true, { keyValue: true }),
];

/** FOCUS 1.3's split cost allocation columns: an origin charge (a node's bill line) split into allocated charges. */
export const ALLOCATION_COLUMNS: readonly FocusColumn[] = [
  c("AllocatedMethodId", "String", "Conditional", true),
  c("AllocatedMethodDetails", "JSON", "Recommended", true),
  c("AllocatedResourceId", "String", "Conditional", true),
  c("AllocatedResourceName", "String", "Conditional", true),
  c("AllocatedTags", "JSON", "Conditional", true, { keyValue: true }),
];

/**
 * FOCUS 1.2 columns we do not write (we are not the cloud: no SKUs, unit prices or commitments of our own),
 * known so that `kce export validate` checks them in files from elsewhere (a cloud's FOCUS export).
 */
export const OTHER_FOCUS_COLUMNS: readonly FocusColumn[] = [
  c("BillingAccountType", "String", "Conditional", false),
  c("CapacityReservationId", "String", "Conditional", true),
  c("CapacityReservationStatus", "String", "Conditional", true, { allowed: ["Used", "Unused"] }),
  c("CommitmentDiscountCategory", "String", "Conditional", true, { allowed: ["Spend", "Usage"] }),
  c("CommitmentDiscountId", "String", "Conditional", true),
  c("CommitmentDiscountName", "String", "Conditional", true),
  c("CommitmentDiscountQuantity", "Decimal", "Conditional", true),
  c("CommitmentDiscountStatus", "String", "Conditional", true, { allowed: ["Used", "Unused"] }),
  c("CommitmentDiscountType", "String", "Conditional", true),
  c("CommitmentDiscountUnit", "String", "Conditional", true),
  c("ConsumedQuantity", "Decimal", "Conditional", true),
  c("ConsumedUnit", "String", "Conditional", true),
  c("ContractedUnitPrice", "Decimal", "Conditional", true),
  c("InvoiceId", "String", "Recommended", true),
  c("ListUnitPrice", "Decimal", "Conditional", true),
  c("PricingCurrency", "String", "Conditional", true, { currency: true }),
  c("PricingCurrencyContractedUnitPrice", "Decimal", "Conditional", true),
  c("PricingCurrencyEffectiveCost", "Decimal", "Conditional", true),
  c("PricingCurrencyListUnitPrice", "Decimal", "Conditional", true),
  c("SkuId", "String", "Conditional", true),
  c("SkuMeter", "String", "Conditional", true),
  c("SkuPriceDetails", "JSON", "Conditional", true, { keyValue: true }),
  c("SkuPriceId", "String", "Conditional", true),
  c("SubAccountType", "String", "Conditional", true),
];

/** Our custom columns (FOCUS: custom columns carry the `x_` prefix and follow the FOCUS ones). */
export const CUSTOM_COLUMNS: readonly FocusColumn[] = [
  c("x_Cluster", "String", "Conditional", false),
  c("x_Namespace", "String", "Conditional", true),
  c("x_ControllerKind", "String", "Conditional", true),
  c("x_Controller", "String", "Conditional", true),
  c("x_Pod", "String", "Conditional", true),
  c("x_Node", "String", "Conditional", true),
  c("x_InstanceType", "String", "Conditional", true),
  c("x_CostKind", "String", "Conditional", false, { allowed: ["pod", "idle", "volume", "unmounted"] }),
  c("x_Idle", "String", "Conditional", false, { allowed: ["true", "false"] }),
  c("x_CostSource", "String", "Conditional", false, { allowed: ["list-estimate", "reconciled"] }),
  c("x_CpuCost", "Decimal", "Conditional", true),
  c("x_RamCost", "Decimal", "Conditional", true),
  c("x_GpuCost", "Decimal", "Conditional", true),
  c("x_CpuCoreHours", "Decimal", "Conditional", true),
  c("x_RamGiBHours", "Decimal", "Conditional", true),
  c("x_GpuHours", "Decimal", "Conditional", true),
];

/** Every column of an export file, in file order. */
export const EXPORT_COLUMNS: readonly FocusColumn[] = [...FOCUS_COLUMNS, ...ALLOCATION_COLUMNS, ...CUSTOM_COLUMNS];

/** Every column the validator knows, by name (FOCUS 1.2 + 1.3 allocation + ours). */
export const COLUMNS_BY_NAME: ReadonlyMap<string, FocusColumn> = new Map([...EXPORT_COLUMNS, ...OTHER_FOCUS_COLUMNS].map((col) => [col.name, col]));

export type FocusValue = string | number | null;
export type FocusRow = Record<string, FocusValue>;

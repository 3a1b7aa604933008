/**
 * Volume type behind well-known default StorageClass names of the managed Kubernetes services
 * (EKS, GKE, AKS), used when `pricing.storageClasses` does not name a class. A class named like a
 * volume type (`gp3`, `pd-ssd`, `Premium_LRS`) maps to that type.
 */
const WELL_KNOWN: Record<string, Record<string, string>> = {
  aws: { gp2: "gp2", gp3: "gp3", "ebs-sc": "gp3", io1: "io1", io2: "io2", st1: "st1", sc1: "sc1" },
  gcp: {
    standard: "pd-standard",
    "standard-rwo": "pd-balanced",
    "premium-rwo": "pd-ssd",
    "pd-standard": "pd-standard",
    "pd-balanced": "pd-balanced",
    "pd-ssd": "pd-ssd",
  },
  azure: {
    default: "StandardSSD_LRS",
    "managed-csi": "StandardSSD_LRS",
    "managed-csi-premium": "Premium_LRS",
    "managed-premium": "Premium_LRS",
    managed: "StandardSSD_LRS",
    "managed-standard": "Standard_LRS",
  },
};

/** The volume type of a StorageClass, from config first, then the well-known names. */
export function volumeTypeOf(
  provider: string,
  storageClass: string,
  configured: Record<string, { volumeType: string }>,
): string | undefined {
  return configured[storageClass]?.volumeType ?? WELL_KNOWN[provider]?.[storageClass];
}

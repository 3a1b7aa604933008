/**
 * StorageClasses defined in the manifests being estimated, and the class a claim uses: its
 * `spec.storageClassName`, else the legacy `volume.beta.kubernetes.io/storage-class` annotation, else
 * the input's default class (`storageclass.kubernetes.io/is-default-class: "true"`).
 */
export interface InputStorageClass {
  name: string;
  /** The cloud volume type its parameters name (gp3, pd-ssd, Premium_LRS), when they name one. */
  volumeType: string | undefined;
  isDefault: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Parameters that name the disk type: EBS and GCE PD `type`, Azure Disk `skuName` (and its older spellings). */
const TYPE_PARAMETERS = ["type", "skuName", "skuname", "storageaccounttype", "storageAccountType"];

export function storageClassOf(doc: Obj): InputStorageClass | undefined {
  const meta = isObj(doc["metadata"]) ? doc["metadata"] : {};
  const name = str(meta["name"]);
  if (name === undefined) return undefined;
  const params = isObj(doc["parameters"]) ? doc["parameters"] : {};
  const annotations = isObj(meta["annotations"]) ? meta["annotations"] : {};
  const volumeType = TYPE_PARAMETERS.map((p) => str(params[p])).find((v) => v !== undefined);
  const isDefault = [annotations["storageclass.kubernetes.io/is-default-class"], annotations["storageclass.beta.kubernetes.io/is-default-class"]].includes("true");
  return { name, volumeType, isDefault };
}

/** The class a claim (a volumeClaimTemplate or a PersistentVolumeClaim) asks for; "" when it names none. */
export function claimClass(claim: unknown): string {
  if (!isObj(claim)) return "";
  const spec = isObj(claim["spec"]) ? claim["spec"] : {};
  const meta = isObj(claim["metadata"]) ? claim["metadata"] : {};
  const annotations = isObj(meta["annotations"]) ? meta["annotations"] : {};
  return str(spec["storageClassName"]) ?? str(annotations["volume.beta.kubernetes.io/storage-class"]) ?? "";
}

/** `pricing.storageClasses` entries for the input's classes that name a volume type. */
export function storageClassConfig(classes: readonly InputStorageClass[]): Record<string, { volumeType: string }> {
  const out: Record<string, { volumeType: string }> = {};
  for (const c of classes) if (c.volumeType !== undefined) out[c.name] = { volumeType: c.volumeType };
  return out;
}

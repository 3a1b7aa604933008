/**
 * Which Kubernetes cluster a bill line belongs to, from the tags and labels the managed services and
 * cloud controllers put on what they create (NAT gateways, load balancers, disks, the control plane):
 *   `kubernetes.io/cluster/<name>` (owned/shared; EKS, kops, the AWS load balancer controller),
 *   `eks:cluster-name` / `aws:eks:cluster-name` / `alpha.eksctl.io/cluster-name` (EKS),
 *   `aks-managed-cluster-name` (AKS), `goog-k8s-cluster-name` (GKE), and our own `kce-cluster`.
 * Exports spell tag keys differently (CUR 2.0 `user_…`, legacy CUR columns `resourceTags/user:…`, FOCUS
 * and Azure JSON objects, GCP label lists), so keys and cluster names are compared normalised: lower
 * case, letters and digits only.
 */
export const normaliseName = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, "");

const NAME_KEYS = new Set(["eksclustername", "awseksclustername", "alphaeksctlioclustername", "akmanagedclustername", "aksmanagedclustername", "googk8sclustername", "kcecluster"].flatMap((k) => [k, `user${k}`, `aws${k}`]));
const CLUSTER_PREFIX = "kubernetesiocluster";

/** The cluster (normalised) named by one tag, or undefined. */
export function clusterOfTag(key: string, value: string): string | undefined {
  const k = normaliseName(key).replace(/^resourcetags/, "").replace(/^user/, "");
  if (NAME_KEYS.has(k) && value.trim() !== "") return normaliseName(value);
  if (k.startsWith(CLUSTER_PREFIX) && k.length > CLUSTER_PREFIX.length && /^(owned|shared)$/i.test(value.trim())) return k.slice(CLUSTER_PREFIX.length);
  return undefined;
}

/** Tags from a JSON object (`{"k":"v"}`), a GCP label list (`[{"key":"k","value":"v"}]`) or Azure's bare `"k": "v"` pairs. */
export function parseTags(raw: string | undefined): Array<[string, string]> {
  const text = (raw ?? "").trim();
  if (text === "") return [];
  const candidates = [text, `{${text}}`];
  for (const c of candidates) {
    try {
      const parsed: unknown = JSON.parse(c);
      if (Array.isArray(parsed)) {
        return parsed.flatMap((e: unknown): Array<[string, string]> => {
          const pair = e as { key?: unknown; value?: unknown } | null;
          if (typeof pair !== "object" || pair === null || typeof pair.key !== "string") return [];
          return [[pair.key, typeof pair.value === "string" ? pair.value : JSON.stringify(pair.value ?? "")]];
        });
      }
      if (typeof parsed === "object" && parsed !== null) return Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
    } catch {
      continue;
    }
  }
  return [];
}

/** The cluster a line's tags name, if any: tags as a list of pairs, or as columns read through `get`. */
export function clusterOfTags(tags: ReadonlyArray<[string, string]>): string | undefined {
  for (const [k, v] of tags) {
    const c = clusterOfTag(k, v);
    if (c !== undefined) return c;
  }
  return undefined;
}

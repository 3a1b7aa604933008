import { describe, expect, it } from "vitest";
import { clusterOfTag, clusterOfTags, parseTags } from "./cluster-tags.ts";

describe("cluster tags as each export spells them", () => {
  it("finds the cluster in CUR, FOCUS, Azure and GCP spellings, normalised", () => {
    expect(clusterOfTag("user_kubernetes_io_cluster_prod-eu", "owned")).toBe("prodeu"); // CUR 2.0 resource_tags key
    expect(clusterOfTag("resourcetagsuserkubernetesioclusterprodeu", "shared")).toBe("prodeu"); // legacy CUR column, normalised header
    expect(clusterOfTag("kubernetes.io/cluster/prod-eu", "owned")).toBe("prodeu"); // FOCUS Tags
    expect(clusterOfTag("kubernetes.io/cluster/prod-eu", "something-else")).toBeUndefined();
    expect(clusterOfTag("aws:eks:cluster-name", "Prod-EU")).toBe("prodeu");
    expect(clusterOfTag("aks-managed-cluster-name", "prod-eu")).toBe("prodeu");
    expect(clusterOfTag("goog-k8s-cluster-name", "prod-eu")).toBe("prodeu");
    expect(clusterOfTag("team", "payments")).toBeUndefined();
  });

  it("reads JSON maps, GCP label lists and Azure's bare pairs", () => {
    expect(clusterOfTags(parseTags('{"aks-managed-cluster-name":"prod"}'))).toBe("prod");
    expect(clusterOfTags(parseTags('"aks-managed-cluster-name": "prod","env":"x"'))).toBe("prod");
    expect(clusterOfTags(parseTags('[{"key":"goog-k8s-cluster-name","value":"prod"}]'))).toBe("prod");
    expect(parseTags("not json")).toEqual([]);
  });
});

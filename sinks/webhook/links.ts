import { quoteValue as quote } from "../../api/filter.ts";

/** Where an alert links to: a dashboard URL template, or else the API's web app at its public URL. */
export interface LinkTargets {
  /** `sinks.webhook.dashboardUrl`: `{cluster}` and `{namespace}` are filled in. */
  dashboardUrl: string;
  /** `api.publicUrl`: the web app's allocation page, filtered to the alert's scope. */
  publicUrl: string;
}


/**
 * The link an alert carries for its scope ("" when neither is configured). The web app link opens the
 * allocation explorer over `window`, by controller within a namespace, else by namespace.
 */
export function alertLink(to: LinkTargets, scope: { cluster: string; namespace: string; labels?: Record<string, string> | undefined }, window: string): string {
  if (to.dashboardUrl !== "") return to.dashboardUrl.replaceAll("{cluster}", encodeURIComponent(scope.cluster)).replaceAll("{namespace}", encodeURIComponent(scope.namespace));
  if (to.publicUrl === "") return "";
  const terms = [`cluster:${quote(scope.cluster)}`];
  if (scope.namespace !== "") terms.push(`namespace:${quote(scope.namespace)}`);
  for (const [k, v] of Object.entries(scope.labels ?? {})) terms.push(`label[${k}]:${quote(v)}`);
  const q = new URLSearchParams({ window, aggregate: scope.namespace === "" ? "namespace" : "controller", filter: terms.join("+") });
  return `${to.publicUrl.replace(/\/+$/, "")}/ui/allocation?${q.toString()}`;
}

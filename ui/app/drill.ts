import { quoteValue as quote } from "../../api/filter.ts";

/** Drill-down: what a click on an allocation of each aggregate opens (the next aggregate and the filter term added). */
const NEXT: Record<string, string> = { cluster: "namespace", namespace: "controller", controller: "pod", node: "pod", deployment: "pod", statefulset: "pod", daemonset: "pod", job: "pod" };


/** Names that stand for no single thing (idle, members without the value): not drillable. */
export function isSpecial(name: string): boolean {
  return /(^|\/)__[a-z]+__$/.test(name);
}

/** The filter term an allocation of `aggregate` named `name` stands for. */
export function termFor(aggregate: string, name: string): string | undefined {
  if (isSpecial(name)) return undefined;
  if (aggregate.startsWith("label:")) return `label[${aggregate.slice(6)}]:${quote(name)}`;
  switch (aggregate) {
    case "cluster":
    case "namespace":
    case "node":
      return `${aggregate}:${quote(name)}`;
    case "controller":
      // OpenCost names a controller allocation kind:name.
      return `controllerName:${quote(name.slice(name.indexOf(":") + 1))}`;
    case "deployment":
    case "statefulset":
    case "daemonset":
    case "job":
      return `controllerKind:${quote(aggregate)}+controllerName:${quote(name)}`;
    default:
      return undefined;
  }
}

export function nextAggregate(aggregate: string): string | undefined {
  return aggregate.startsWith("label:") ? "pod" : NEXT[aggregate];
}

/** A filter with one more term (the API's filter language joins terms with +). */
export function narrow(filter: string, term: string): string {
  return filter.trim() === "" ? term : `${filter}+${term}`;
}

/** Breadcrumbs of a drilled-down filter: each term with the filter and aggregate that reached it. */
export function crumbs(filter: string): Array<{ label: string; filter: string; aggregate: string }> {
  const terms = filter.split("+").map((t) => t.trim()).filter((t) => t !== "");
  return terms.map((term, i) => {
    // The term's field (`label` for label[key]) says what was drilled into; labels and controllers open pods.
    const field = /^[A-Za-z]+/.exec(term)?.[0] ?? "";
    return { label: term, filter: terms.slice(0, i + 1).join("+"), aggregate: NEXT[field] ?? "pod" };
  });
}

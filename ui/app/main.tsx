import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useApi, type Loaded } from "./api.ts";
import { setCurrency, time } from "./format.ts";
import { useLive } from "./live.ts";
import { AllocationPage } from "./pages/allocation.tsx";
import { BudgetsPage } from "./pages/budgets.tsx";
import { NodesPage } from "./pages/nodes.tsx";
import { Overview } from "./pages/overview.tsx";
import { ReconciliationPage } from "./pages/reconciliation.tsx";
import { SavingsPage } from "./pages/savings.tsx";
import { PAGES } from "./pages.ts";
import { currentRoute, href, linkClick, navigate, onNavigate, type Route } from "./route.ts";
import type { Summary } from "./types.ts";
import "./style.css";

function Page(props: { route: Route; version: number; summary: Loaded<Summary> }) {
  const { route, version } = props;
  switch (route.page) {
    case "overview":
      return <Overview version={version} summary={props.summary} />;
    case "allocation":
      return <AllocationPage route={route} version={version} summary={props.summary.data} />;
    case "nodes":
      return <NodesPage version={version} />;
    case "savings":
      return <SavingsPage route={route} version={version} />;
    case "budgets":
      return <BudgetsPage version={version} />;
    case "reconciliation":
      return <ReconciliationPage route={route} version={version} />;
    default:
      return <p class="error">No page {route.page}.</p>;
  }
}

function App() {
  const [route, setRoute] = useState<Route>(currentRoute());
  const live = useLive();
  // The summary names the currency and the label keys; it is refetched with every live update.
  const summary = useApi<Summary>("/summary", live.version);
  useEffect(() => onNavigate(() => setRoute(currentRoute())), []);
  useEffect(() => {
    if (summary.data !== undefined) setCurrency(summary.data.currencyCode);
  }, [summary.data?.currencyCode]);
  const title = PAGES.find((p) => p.id === route.page)?.title ?? "kube-cost-exporter";
  useEffect(() => {
    document.title = `${title} · kube-cost-exporter`;
  }, [title]);
  const clusters = summary.data?.clusters.length ?? 0;
  return (
    <div class="app" onClick={linkClick}>
      <header>
        <a class="brand" href={href("overview")}>
          kube-cost-exporter
        </a>
        <nav>
          {PAGES.map((p) => (
            <a key={p.id} href={href(p.id)} class={p.id === route.page ? "active" : ""} aria-current={p.id === route.page ? "page" : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        <span class={`live ${live.connected ? "on" : "off"}`} id="as-of" title={live.connected ? "live: figures update as new windows are rolled up" : "not connected to live updates"}>
          <span class="dot" />
          {`as of ${time(summary.data?.asOf)}`}
          {clusters > 1 ? ` · ${clusters} clusters` : ""}
        </span>
      </header>
      <main>
        <h1>{title}</h1>
        <Page route={route} version={live.version} summary={summary} />
      </main>
    </div>
  );
}

const root = document.getElementById("app");
if (root !== null) {
  root.textContent = "";
  render(<App />, root);
}
// Old links to /ui/ land on the overview.
if (location.pathname === "/ui/" || location.pathname === "/ui") navigate(href("overview"), true);

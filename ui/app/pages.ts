/** The app's pages, each served at /ui/<id> (api/ui/serve.ts reads this list too). */
export const PAGES = [
  { id: "overview", title: "Overview" },
  { id: "allocation", title: "Allocation" },
  { id: "nodes", title: "Nodes & prices" },
  { id: "savings", title: "Savings" },
  { id: "budgets", title: "Budgets & alerts" },
  { id: "reconciliation", title: "Bill reconciliation" },
] as const;

import { listen } from "../telemetry/http.ts";
import { secureServer, type HttpSecurity } from "../telemetry/http-security.ts";
import { ParamError } from "./errors.ts";
import { allocationHandler, assetsHandler, configsHandler, ratesHandler, recommendationsHandler, savingsHandler, type ApiContext, type ApiResponse } from "./handlers.ts";
import { budgetsHandler } from "./budgets.ts";
import { reconciliationHandler } from "./reconciliation.ts";
import { summaryHandler } from "./summary.ts";
import { timeseriesHandler } from "./timeseries.ts";
import { serveUi } from "./ui/serve.ts";

export interface ApiServer {
  readonly port: number;
  close(): Promise<void>;
}

const ROUTES: Record<string, (ctx: ApiContext, params: URLSearchParams) => ApiResponse> = {
  "/allocation": allocationHandler,
  "/allocation/compute": allocationHandler,
  // Kubecost's paths, which kubectl-cost uses by default.
  "/model/allocation": allocationHandler,
  "/model/allocation/compute": allocationHandler,
  "/assets": assetsHandler,
  "/model/assets": assetsHandler,
  "/model/getConfigs": configsHandler,
  "/savings": savingsHandler,
  "/rates": ratesHandler,
  "/recommendations": recommendationsHandler,
  // What the web app's pages need beyond OpenCost's endpoints.
  "/summary": summaryHandler,
  "/timeseries": timeseriesHandler,
  "/budgets": budgetsHandler,
  "/reconciliation": reconciliationHandler,
};

/** The query API over HTTP: JSON answers, 400 naming the bad parameter, never a stack trace. */
export async function startApiServer(ctx: ApiContext, host: string, port: number, healthy: () => boolean, security?: HttpSecurity): Promise<ApiServer> {
  const { server, dispose } = secureServer(security, (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const send = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, { code: 405, message: "only GET" });
    if (url.pathname === "/healthz") return healthy() ? send(200, { code: 200, data: "ok" }) : send(503, { code: 503, message: "not connected" });
    if (url.pathname === "/events" && ctx.live !== undefined) return ctx.live.attach(res);
    if (ctx.ui === true && serveUi(req, res, url.pathname)) return;
    const route = ROUTES[url.pathname];
    if (route === undefined) return send(404, { code: 404, message: `no endpoint ${url.pathname}; try ${Object.keys(ROUTES).join(", ")}, /events, /ui/, /healthz` });
    try {
      const answer = route(ctx, url.searchParams);
      return send(answer.status, answer.body);
    } catch (error) {
      if (error instanceof ParamError) return send(400, { code: 400, message: error.message, parameter: error.param });
      return send(500, { code: 500, message: error instanceof Error ? error.message : String(error) });
    }
  }, { browserLogin: ctx.ui === true });
  return listen(server, host, port, dispose);
}

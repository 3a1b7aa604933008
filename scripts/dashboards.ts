/** `npm run dashboards`: regenerates deploy/grafana from dashboards/definitions.ts. */
import { fileURLToPath } from "node:url";
import { writeDashboards } from "../dashboards/write.ts";

const dir = fileURLToPath(new URL("../deploy/grafana", import.meta.url));
for (const path of writeDashboards(dir)) console.log(`wrote ${path}`);

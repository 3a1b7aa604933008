// prom-client ships types for its index only; its lib files export the same classes (telemetry/prom.ts).
declare module "prom-client/lib/counter.js" {
  const Counter: typeof import("prom-client").Counter;
  export default Counter;
}
declare module "prom-client/lib/gauge.js" {
  const Gauge: typeof import("prom-client").Gauge;
  export default Gauge;
}
declare module "prom-client/lib/registry.js" {
  const Registry: typeof import("prom-client").Registry;
  export default Registry;
}
declare module "prom-client/lib/summary.js" {
  const Summary: typeof import("prom-client").Summary;
  export default Summary;
}

import type { KV } from "@nats-io/kv";
import { toToken } from "../../bus/subjects.ts";
import type { AccumulatorJson } from "./accumulator.ts";

/** What an agent persists after each published window, to resume without gaps after a restart. */
export interface AgentState {
  version: 1;
  /** Every window ending at or before this instant has been published. */
  lastWindowEndMs: number;
  accumulator: AccumulatorJson;
}

/** Agent state in a JetStream KV bucket, one key per cluster and node. */
export class AgentStateStore {
  private readonly kv: KV;
  private readonly key: string;

  constructor(kv: KV, cluster: string, node: string) {
    this.kv = kv;
    this.key = `${toToken("cluster", cluster)}.${toToken("node", node)}`;
  }

  async load(): Promise<AgentState | undefined> {
    const entry = await this.kv.get(this.key);
    if (entry === null || entry.operation !== "PUT") return undefined;
    const state = entry.json<AgentState>();
    return state.version === 1 ? state : undefined;
  }

  async save(state: AgentState): Promise<void> {
    await this.kv.put(this.key, JSON.stringify(state));
  }
}

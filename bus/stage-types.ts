/** A running part of the pipeline: started once, stopped once (stop waits for in-flight work). */
export interface Stage {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A small structured logger writing one line per event to stderr. */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(component: string): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: "text" | "json";
  component?: string;
  write?: (line: string) => void;
}

function render(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

/** Creates a logger; `child(name)` returns one that tags every line with the component. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const format = options.format ?? "text";
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const emit = (at: LogLevel, message: string, fields: LogFields = {}): void => {
    if (ORDER[at] < ORDER[level]) return;
    const time = new Date().toISOString();
    const all: LogFields = options.component === undefined ? fields : { component: options.component, ...fields };
    if (format === "json") {
      const plain = Object.fromEntries(
        Object.entries(all).map(([k, v]) => [k, v instanceof Error ? v.message : v]),
      );
      write(JSON.stringify({ time, level: at, msg: message, ...plain }));
      return;
    }
    const tail = Object.entries(all).map(([k, v]) => `${k}=${render(v)}`).join(" ");
    write(`${time} ${at.toUpperCase().padEnd(5)} ${message}${tail === "" ? "" : " " + tail}`);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (component) => createLogger({ ...options, component }),
  };
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = createLogger({ write: () => undefined, level: "error" });

/**
 * Logs a repeating problem once, then at most once per `everyMs` with the number of repeats,
 * so a failing dependency does not flood the log.
 */
export class ThrottledWarning {
  private readonly log: Logger;
  private readonly everyMs: number;
  private lastAt = -Infinity;
  private suppressed = 0;

  constructor(log: Logger, everyMs = 60_000) {
    this.log = log;
    this.everyMs = everyMs;
  }

  warn(message: string, fields: LogFields = {}, nowMs: number = Date.now()): void {
    if (nowMs - this.lastAt < this.everyMs) {
      this.suppressed += 1;
      return;
    }
    const repeats = this.suppressed;
    this.suppressed = 0;
    this.lastAt = nowMs;
    this.log.warn(message, repeats > 0 ? { ...fields, repeatedSinceLastLog: repeats } : fields);
  }

  /** The problem went away: log it, and log the next occurrence at once. */
  recovered(message: string): void {
    if (this.lastAt === -Infinity) return;
    this.log.info(message);
    this.lastAt = -Infinity;
    this.suppressed = 0;
  }
}

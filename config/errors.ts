/** Raised when the configuration file or an environment override is invalid. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Dotted path of the offending key, e.g. `agent.intervalSeconds`. */
  readonly key: string;

  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super(`config: ${key === "" ? "" : `${key}: `}${message}`, options);
    this.key = key;
  }
}

/** Raised when the configuration file cannot be read or parsed as YAML. */
export class ConfigFileError extends Error {
  override readonly name = "ConfigFileError";
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`config file ${path}: ${message}`, options);
  }
}

/** Could not reach any NATS server at start-up. */
export class NatsConnectError extends Error {
  override readonly name = "NatsConnectError";
  constructor(servers: readonly string[], options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super(
      `cannot connect to NATS at ${servers.join(", ")}${reason}. ` +
        "Is nats-server running with JetStream (-js)? Set nats.servers or KCE_NATS__SERVERS.",
      options,
    );
  }
}

/** A publish was not acknowledged by JetStream (timeout, no stream, storage full). Retryable. */
export class PublishError extends Error {
  override readonly name = "PublishError";
  constructor(subject: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super(`publish to ${subject} was not acknowledged${reason}`, options);
  }
}

/** A stream exists with a configuration this version cannot reconcile (e.g. storage type differs). */
export class StreamProvisionError extends Error {
  override readonly name = "StreamProvisionError";
  constructor(stream: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super(`cannot create or update stream ${stream}${reason}`, options);
  }
}

/**
 * Input that can never be processed (undecodable, fails validation, wrong cluster). It is
 * terminated and copied to the dead-letter queue with this error's reason.
 */
export class PoisonMessageError extends Error {
  override readonly name: string = "PoisonMessageError";
  /** Short machine-readable reason, used as the `error_type` label and the DLQ reason header. */
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** A query parameter is missing or invalid: answered with HTTP 400 naming the parameter. */
export class ParamError extends Error {
  override readonly name = "ParamError";
  readonly param: string;
  constructor(param: string, message: string) {
    super(`${param}: ${message}`);
    this.param = param;
  }
}

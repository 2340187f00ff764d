import { errorStatus, type ErrorCode } from "@model-publisher/contract";

/**
 * The one error that carries a contract code (API.md › Errors). Thrown anywhere in the backend: a route answers it as
 * the error envelope, a job ends failed with its code and message, the CLI prints it.
 */
export class ContractError extends Error {
  /** The HTTP status a route answers it with: the contract's for the code unless given. */
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Facts a client acts on (`retryAfterSeconds`, `issues`…); answered as the envelope's `details`. */
    readonly details?: Record<string, unknown>,
    status?: number,
  ) {
    super(message);
    this.name = "ContractError";
    this.status = status ?? errorStatus[code];
  }
}

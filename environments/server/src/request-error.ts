// A request the server refuses before or instead of touching an environment, with the HTTP status
// and the JSON body to answer: `{"error": ...}` in AgentGym's style, FastAPI's `detail` for 422.

/** One problem with a request field, in the shape FastAPI (pydantic 2) reports validation errors. */
export interface ValidationIssue {
  /** pydantic's error type: `missing`, `int_type`, `string_type`, `json_invalid`, ... */
  readonly type: string;
  /** Where the field is: `["body", "id"]`, `["query", "id"]`. */
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly input?: unknown;
}

/**
 * Refusal of a request: `status` is the HTTP status, `code` a stable machine-readable code sent as
 * `code` next to `error`. Status 200 is used on purpose for errors AgentGym servers report in the
 * body (unknown instance ids), because AgentGym's Python clients assert status 200.
 */
export class RequestError extends Error {
  readonly status: number;
  readonly code: string;
  /** FastAPI-style validation details (422 only). */
  readonly issues: readonly ValidationIssue[] | undefined;

  constructor(status: number, code: string, message: string, issues?: readonly ValidationIssue[]) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }

  /** A 422 for one bad field, worded like FastAPI's. */
  static invalidField(issue: ValidationIssue): RequestError {
    return new RequestError(422, 'validation', `${issue.loc.join('.')}: ${issue.msg}`, [issue]);
  }

  /** The JSON body to answer with. */
  body(): Record<string, unknown> {
    return this.issues
      ? { detail: this.issues, error: this.message, code: this.code }
      : { error: this.message, code: this.code };
  }
}

// The cause of a failure as a clause to put inside a sentence: its message without a final period.

/** `cause`'s message (or `String(cause)` for a non-Error) without its final period. */
export function failureReason(cause: unknown): string {
  return (cause instanceof Error ? cause.message : String(cause)).replace(/\.$/, '');
}

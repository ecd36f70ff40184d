// JSON value types, for payloads that must survive a round trip through storage and the wire.

/** Any value JSON can carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON Schema document (draft 2020-12 or 7), as models and servers read it. */
export type JsonSchema = { [key: string]: unknown };

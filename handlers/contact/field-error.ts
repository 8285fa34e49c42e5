/**
 * One invalid field in a 400 answer's `fields`: its name, a stable code and a human-readable reason.
 * validate.ts reports the form's fields and the idempotency key with it, multipart.ts file parts, and
 * respond.ts sends it as it is.
 */
export interface FieldError {
  readonly field: string;
  readonly code: FieldErrorCode;
  readonly message: string;
}

export type FieldErrorCode =
  'required' | 'not_text' | 'too_long' | 'control_characters' | 'invalid_email' | 'invalid_phone' | 'invalid_key' | 'file_not_accepted';

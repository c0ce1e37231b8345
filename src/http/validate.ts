import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { ApiError } from './errors';
import definitions from '../../schemas/definitions.json';

// strictNumbers refuses NaN and Infinity (what 1e400 becomes); coercion stays off.
const ajv = new Ajv({ allErrors: false, strict: true, strictNumbers: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addSchema(definitions);

function fieldOf(error: ErrorObject): string {
  const base = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return base ? `${base}.${missing}` : missing;
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return base ? `${base}.${extra}` : extra;
  }
  return base || '(body)';
}

export type Validate<T> = (value: unknown) => T;

/**
 * Compiles a JSON Schema from schemas/ once, at start-up. The returned function either returns the value,
 * typed, or throws an ApiError naming the first failing field.
 */
export function compileSchema<T>(schema: object, errorCode: string): Validate<T> {
  const check = ajv.compile(schema);
  return (value: unknown): T => {
    if (check(value)) return value as T;
    const error = check.errors![0];
    const field = fieldOf(error);
    const message =
      error.keyword === 'required'
        ? 'is required'
        : error.keyword === 'additionalProperties'
          ? 'is not an allowed field'
          : error.message ?? 'is invalid';
    throw new ApiError(400, errorCode, `${field} ${message}`, field);
  };
}

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
  const check = compileCheck(schema);
  return (value: unknown): T => {
    const problem = check(value);
    if (!problem) return value as T;
    throw new ApiError(400, errorCode, `${problem.field} ${problem.message}`, problem.field);
  };
}

/** What is wrong with a value by its schema: the ajv keyword that failed, the field and a message; none when valid. */
export interface SchemaProblem {
  keyword: string;
  field: string;
  message: string;
}

/** Compiles a schema once into a check that says what is wrong (for contracts whose error codes tell kinds apart). */
export function compileCheck(schema: object): (value: unknown) => SchemaProblem | undefined {
  const check = ajv.compile(schema);
  return (value) => {
    if (check(value)) return undefined;
    const error = check.errors![0];
    const message =
      error.keyword === 'required'
        ? 'is required'
        : error.keyword === 'additionalProperties'
          ? 'is not an allowed field'
          : error.message ?? 'is invalid';
    return { keyword: error.keyword, field: fieldOf(error), message };
  };
}

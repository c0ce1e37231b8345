import * as schema from './001_schema';

/** Every migration in order. Listed explicitly so that the same list runs from TypeScript and from dist/. */
export const migrations = [{ name: '001_schema', ...schema }];

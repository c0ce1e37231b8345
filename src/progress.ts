/**
 * How far a long operation (ledger-check, reconcile, an export, a migration) has got: `done` of `total` steps or
 * rows in its current `phase`; `total` is null where it is not known in advance. The command line draws it as a
 * bar, HTTP streams it as NDJSON lines (see http/progress).
 */
export interface ProgressEvent {
  phase: string;
  done: number;
  total: number | null;
}

export type OnProgress = (event: ProgressEvent) => void;

export const ignoreProgress: OnProgress = () => undefined;

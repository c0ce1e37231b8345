import { OutcomeUnknown } from '../db';
import type { Call, Commits, GroupCommit, OutcomeRow } from './service';

/**
 * One group commit for a whole cluster (docs/architecture.md "One group commit for every worker"). Each worker
 * batching only its own calls shares the calls in flight out among the workers, so the more cores, the smaller
 * every batch and the dearer every call at the database. Instead, the workers do the HTTP work (parse, verify,
 * answer) and hand each wallet call over IPC to the primary, whose one group commit batches the calls of every
 * worker together.
 */

/** One end of the IPC channel: a cluster worker's `process` towards its primary, or the primary's `Worker` towards one worker. */
export interface Channel {
  send(message: unknown, callback: (error: Error | null) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
}

const CALL = 'wallet:call';
const ANSWER = 'wallet:answer';

interface CallMessage {
  type: typeof CALL;
  id: number;
  call: Call;
}

/** What a failure carries across: enough for the worker to answer it as the contract says (src/http/errors.ts). */
interface FailureOf {
  message: string;
  unknown: boolean;
  code?: string;
  name?: string;
  severity?: string;
}

type AnswerMessage = { type: typeof ANSWER; id: number; row: OutcomeRow } | { type: typeof ANSWER; id: number; failure: FailureOf };

function failureOf(error: unknown): FailureOf {
  const e = error as { message?: string; code?: unknown; name?: string; severity?: unknown };
  return {
    message: e?.message ?? String(error),
    unknown: error instanceof OutcomeUnknown,
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.name === 'string' ? { name: e.name } : {}),
    ...(typeof e?.severity === 'string' ? { severity: e.severity } : {}),
  };
}

function errorOf(failure: FailureOf): Error {
  if (failure.unknown) return new OutcomeUnknown(failure.message);
  const error = new Error(failure.message) as Error & { code?: string; severity?: string };
  if (failure.name) error.name = failure.name;
  if (failure.code) error.code = failure.code;
  if (failure.severity) error.severity = failure.severity;
  return error;
}

/** In the primary: the calls one worker sends, each committed through the cluster's group commit and answered back. */
export function serveWalletCalls(worker: Channel, commits: GroupCommit): void {
  worker.on('message', (message) => {
    const m = message as Partial<CallMessage>;
    if (m?.type !== CALL) return;
    // a worker gone meanwhile gets no answer: its aggregator sends the call again, to another worker, where it is found by its key
    const answer = (reply: AnswerMessage) => worker.send(reply, () => undefined);
    commits.submit(m.call!).then(
      (row) => answer({ type: ANSWER, id: m.id!, row }),
      (error: unknown) => answer({ type: ANSWER, id: m.id!, failure: failureOf(error) }),
    );
  });
}

/**
 * In a worker: its wallet calls committed by the primary. A call sent and never answered (the primary gone) is
 * OutcomeUnknown once the channel closes, never "nothing was changed": it may have committed.
 */
export function primaryCommits(primary: Channel): Commits {
  const waiting = new Map<number, { resolve: (row: OutcomeRow) => void; reject: (error: unknown) => void }>();
  let next = 0;
  let closed = false;
  primary.on('message', (message) => {
    const m = message as Partial<AnswerMessage>;
    if (m?.type !== ANSWER) return;
    const call = waiting.get(m.id!);
    if (!call) return;
    waiting.delete(m.id!);
    if ('row' in m) call.resolve(m.row!);
    else call.reject(errorOf((m as { failure: FailureOf }).failure));
  });
  primary.on('disconnect', () => {
    closed = true;
    for (const call of waiting.values()) call.reject(new OutcomeUnknown('the primary process went away with the call in flight'));
    waiting.clear();
  });
  return {
    submit: (call) => new Promise((resolve, reject) => {
      if (closed) return reject(new OutcomeUnknown('the primary process is gone'));
      const id = next++;
      waiting.set(id, { resolve, reject });
      primary.send({ type: CALL, id, call } satisfies CallMessage, (error) => {
        if (!error || !waiting.delete(id)) return;
        reject(new Error(`the call could not be handed to the primary: ${error.message}`)); // not sent: nothing was changed
      });
    }),
  };
}

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

const CALLS = 'wallet:calls';
const ANSWERS = 'wallet:answers';

interface CallMessage {
  type: typeof CALLS;
  calls: { id: number; call: Call }[];
}

/** What a failure carries across: enough for the worker to answer it as the contract says (src/http/errors.ts). */
interface FailureOf {
  message: string;
  unknown: boolean;
  code?: string;
  name?: string;
  severity?: string;
}

type Answer = { id: number; row: OutcomeRow } | { id: number; failure: FailureOf };

interface AnswerMessage {
  type: typeof ANSWERS;
  answers: Answer[];
}

/**
 * What one turn of the event loop has for the other process, sent as one message once the turn's I/O is done
 * (setImmediate): one write, and one wake-up of the other process, for all the calls read in that turn or all the
 * answers of one batch, where a message each cost each side a system call and a wake-up per call (docs/benchmark.md).
 */
function outbox<T>(send: (items: T[]) => void): (item: T) => void {
  let items: T[] = [];
  return (item) => {
    if (items.length === 0) {
      setImmediate(() => {
        const sending = items;
        items = [];
        send(sending);
      });
    }
    items.push(item);
  };
}

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
  // a worker gone meanwhile gets no answer: its aggregator sends the call again, to another worker, where it is found by its key
  const answer = outbox<Answer>((answers) => worker.send({ type: ANSWERS, answers } satisfies AnswerMessage, () => undefined));
  worker.on('message', (message) => {
    const m = message as Partial<CallMessage>;
    if (m?.type !== CALLS) return;
    const answers = commits.submitTogether(m.calls!.map((c) => c.call));
    m.calls!.forEach(({ id }, i) => answers[i].then(
      (row) => answer({ id, row }),
      (error: unknown) => answer({ id, failure: failureOf(error) }),
    ));
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
  /** The call still waiting under `id`, no longer waiting: settled at most once, whichever of its outcomes comes first. */
  const take = (id: number) => {
    const call = waiting.get(id);
    waiting.delete(id);
    return call;
  };
  const hand = outbox<{ id: number; call: Call }>((calls) => {
    primary.send({ type: CALLS, calls } satisfies CallMessage, (error) => {
      if (!error) return;
      // not sent: nothing was changed
      for (const { id } of calls) take(id)?.reject(new Error(`the call could not be handed to the primary: ${error.message}`));
    });
  });
  primary.on('message', (message) => {
    const m = message as Partial<AnswerMessage>;
    if (m?.type !== ANSWERS) return;
    for (const answer of m.answers!) {
      const call = take(answer.id);
      if (!call) continue;
      if ('row' in answer) call.resolve(answer.row);
      else call.reject(errorOf(answer.failure));
    }
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
      hand({ id, call });
    }),
  };
}

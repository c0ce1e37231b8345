import { SingleBar } from 'cli-progress';
import { ignoreProgress, OnProgress } from '../src/progress';

export interface ProgressBar {
  onProgress: OnProgress;
  /** Draws the last state and ends the line; call it before printing the result. */
  stop(): void;
}

const WIDTH = 30;

function bar(share: number): string {
  const full = Math.round(Math.min(1, Math.max(0, share)) * WIDTH);
  return `${'█'.repeat(full)}${'░'.repeat(WIDTH - full)}`;
}

/**
 * A progress bar on stderr for a long operation, so stdout keeps only the result. Drawn in place when stderr is
 * a terminal; with `force` (--progress) also into a pipe or a log, as a line a second. A phase without a known
 * total shows a running count instead of a bar.
 */
export function progressBar(title: string, force: boolean): ProgressBar {
  if (!process.stderr.isTTY && !force) return { onProgress: ignoreProgress, stop: () => undefined };
  let known = true;
  const display = new SingleBar({
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 1000,
    hideCursor: true,
    format: (_options, params, payload: { phase: string }) => {
      if (!known) return `${title} ${params.value.toLocaleString('en')} so far · ${payload.phase}`;
      const percent = params.total > 0 ? Math.floor((100 * params.value) / params.total) : 100;
      return `${title} ${bar(params.total > 0 ? params.value / params.total : 1)} ${percent}% ${params.value.toLocaleString('en')}/${params.total.toLocaleString('en')} · ${payload.phase}`;
    },
  });
  let started = false;
  return {
    onProgress(event) {
      known = event.total !== null;
      if (!started) {
        started = true;
        display.start(event.total ?? 0, event.done, { phase: event.phase });
        return;
      }
      if (event.total !== null) display.setTotal(event.total);
      display.update(event.done, { phase: event.phase });
    },
    stop() {
      if (started) display.stop();
    },
  };
}

// @ts-check
// The operator console: one page whose views (chosen by the URL's hash) work through the operator API. The session
// cookie authenticates; the X-Wallet-Console header on every call is what the server asks of cookie callers.

const FINAL_PAYOUT = new Set(['succeeded', 'failed', 'cancelled', 'reversed']);
/** @type {Record<string, string>} */
const PROVIDER_LABELS = { sandbox: 'sandbox (pays nothing)' };
const LIMITS = /** @type {const} */ ({ betMax: 'Bet max', loss24h: 'Loss 24 h', loss7d: 'Loss 7 days', loss30d: 'Loss 30 days',
  timeDay: 'Play minutes a day', timeWeek: 'Play minutes a week', timeMonth: 'Play minutes a month' });
/** Play-time limits are whole minutes (numbers in the API); the others money (decimal text). @param {string} name */
const isMinutes = (name) => name.startsWith('time');

const view = /** @type {HTMLElement} */ (document.getElementById('view'));
const notice = /** @type {HTMLElement} */ (document.getElementById('notice'));
/** Incremented on every navigation, so a poll or a late answer of a view left behind draws nothing. */
let generation = 0;

class ApiFailure extends Error {
  /** @param {number} status @param {{code?: string, message?: string, traceId?: string}} error */
  constructor(status, error) {
    super(`${error.code ?? status}: ${error.message ?? 'request failed'}${error.traceId ? ` (trace ${error.traceId})` : ''}`);
  }
}

/**
 * Sends a request to the operator API and returns the successful response; a refusal becomes an ApiFailure, and
 * a lapsed session sends the browser to the login form.
 * @param {string} method @param {string} path @param {{body?: unknown, accept?: string}} [options]
 */
async function send(method, path, { body, accept = 'application/json' } = {}) {
  const response = await fetch(`/operator${path}`, {
    method,
    headers: { 'X-Wallet-Console': '1', Accept: accept, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (response.status === 401) {
    location.assign('/console/login');
    throw new ApiFailure(401, { code: 'UNAUTHORIZED', message: 'the session has ended' });
  }
  if (!response.ok) throw new ApiFailure(response.status, (await response.json()).error ?? {});
  return response;
}

/**
 * Calls the operator API and answers its JSON.
 * @param {string} method @param {string} path @param {unknown} [body] @returns {Promise<any>}
 */
async function api(method, path, body) {
  return (await send(method, path, { body })).json();
}

/**
 * Builds an element: attributes (event handlers as functions) and children (strings become text, never HTML).
 * @param {string} tag @param {Record<string, unknown>} [attributes] @param {...(Node | string | null | undefined | false)} children
 */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/**
 * Says how an action went, announced to screen readers (status, or alert for an error): next to the form named
 * `near` where the page (as redrawn) has one, so it shows beside the button just pressed; else at the top.
 * @param {string} text @param {'error' | 'ok'} kind @param {string} [near]
 */
function say(text, kind, near) {
  for (const old of view.querySelectorAll('.notice.beside')) old.remove();
  const message = text ? h('p', { class: `notice ${kind}${near ? ' beside' : ''}`, role: kind === 'error' ? 'alert' : 'status' }, text) : '';
  const form = near ? [...view.querySelectorAll('form')].find((f) => f.getAttribute('aria-label') === near) : undefined;
  notice.replaceChildren(form ? '' : message);
  if (form && message) form.append(message);
}

/** @param {unknown} error @param {string} [near] */
function sayError(error, near) {
  say(error instanceof Error ? error.message : String(error), 'error', near);
}

/** @param {string[]} headings @param {(Node | string)[][]} rows @param {string} [caption] */
function table(headings, rows, caption) {
  return scrolling(caption ?? headings.join(', '), h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, ...headings.map((heading) => h('th', { scope: 'col' }, heading)))),
    h('tbody', {}, ...(rows.length ? rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))
      : [h('tr', {}, h('td', { colspan: headings.length, class: 'empty' }, 'nothing here'))]))));
}

/**
 * A wide element in a box of its own that scrolls sideways, so the page never does (phones). The box takes the
 * keyboard's focus, so that it scrolls without a mouse too, and is a named region for screen readers.
 * @param {string} label @param {Node} wide
 */
function scrolling(label, wide) {
  return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': label }, wide);
}

/** @param {string} text @param {string} name @param {Record<string, unknown>} [attributes] */
function field(text, name, attributes = {}) {
  return h('label', {}, text, h('input', { name, ...attributes }));
}

/**
 * A form that calls `submit` with its values and, on success, says `done`; its button is disabled while it runs.
 * @param {string} title @param {Node[]} fields @param {string} button
 * @param {(values: Record<string, string>) => Promise<string | void>} submit
 */
function actionForm(title, fields, button, submit) {
  const form = /** @type {HTMLFormElement} */ (h('form', { class: 'action', 'aria-label': title }, h('h2', {}, title), ...fields,
    h('button', { type: 'submit' }, button)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const submitButton = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
    submitButton.disabled = true;
    try {
      const values = Object.fromEntries([...new FormData(form)].map(([name, value]) => [name, String(value).trim()]));
      const done = await submit(values);
      if (done) say(done, 'ok', title);
    } catch (error) {
      sayError(error, title);
    } finally {
      submitButton.disabled = false;
    }
  });
  return form;
}

/** @param {string} id */
const playerLink = (id) => h('a', { href: `#/players/${encodeURIComponent(id)}` }, id);
/** @param {string} id */
const payoutLink = (id) => h('a', { href: `#/payouts/${encodeURIComponent(id)}` }, id.slice(0, 8));
/** @param {string | null} iso */
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');
/** An id the operator API stores with the request, so a double click or a retry moves the money once. */
const newTransactionId = () => `console-${crypto.randomUUID()}`;

// ---- views ---------------------------------------------------------------------------------------------------

/** @param {URLSearchParams} query */
async function playersView(query) {
  const search = query.get('search') ?? '';
  const form = h('form', { class: 'search', role: 'search' },
    field('Player id starts with', 'search', { value: search, maxlength: 45, autofocus: true }),
    h('button', { type: 'submit' }, 'Find'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = String(new FormData(/** @type {HTMLFormElement} */ (form)).get('search') ?? '').trim();
    location.hash = value ? `#/players?search=${encodeURIComponent(value)}` : '#/players';
  });
  // without a search, the newest players
  const { players } = await api('GET', search ? `/players?search=${encodeURIComponent(search)}` : '/players?limit=50');
  return [h('h1', {}, 'Players'), form, table(['Player', 'Name', 'Status', 'Balance', 'Since'], players.map((/** @type {any} */ p) => [
    playerLink(p.playerId), [p.firstName, p.lastName].filter(Boolean).join(' '), p.status, `${p.balance} ${p.currency}`, when(p.createdAt)]))];
}

/** @param {string} playerId */
async function playerView(playerId) {
  const path = `/players/${encodeURIComponent(playerId)}`;
  const [player, history, payouts, accounts, configured, protection, deposits, depositProviders, kyc] = await Promise.all([
    api('GET', path),
    api('GET', `${path}/transactions?limit=20`),
    api('GET', `/payouts?playerId=${encodeURIComponent(playerId)}&limit=10`),
    api('GET', `${path}/payout-accounts`),
    api('GET', '/payout-providers'),
    api('GET', `${path}/protection`),
    api('GET', `/deposits?playerId=${encodeURIComponent(playerId)}&limit=10`),
    api('GET', '/deposit-providers'),
    api('GET', `${path}/kyc`),
  ]);
  /** @type {{name: string, default: boolean, paysRegisteredAccount: boolean}[]} */
  const providers = configured.providers;
  /** Redraws the page from the server, so a success message only shows once the page shows what was saved. */
  const reload = () => render();
  const statementRows = h('tbody');
  const more = h('button', { type: 'button', class: 'link' }, 'Older lines');
  let cursor = history.nextCursor;
  /** @param {any[]} lines */
  const addLines = (lines) => statementRows.append(...lines.map((line) => h('tr', {},
    h('td', {}, when(line.createdAt)), h('td', {}, line.kind), h('td', { class: 'amount' }, line.amount),
    h('td', { class: 'amount' }, line.balanceAfter), h('td', {}, line.reference ?? ''))));
  addLines(history.transactions);
  more.hidden = !cursor;
  more.addEventListener('click', async () => {
    try {
      const page = await api('GET', `${path}/transactions?limit=20&cursor=${cursor}`);
      addLines(page.transactions);
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (error) {
      sayError(error);
    }
  });

  const blocked = player.status === 'blocked';
  const topUpId = newTransactionId();
  const payoutId = newTransactionId();
  const depositId = newTransactionId();
  return [
    h('h1', {}, `Player ${player.playerId}`),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Balance'), h('dd', { 'data-testid': 'balance' }, `${player.balance} ${player.currency}`),
      h('dt', {}, 'Status'), h('dd', { class: `status ${player.status}`, 'data-testid': 'status' }, player.status),
      h('dt', {}, 'Name'), h('dd', {}, [player.firstName, player.lastName].filter(Boolean).join(' ') || '—'),
      h('dt', {}, 'Document'), h('dd', {}, player.documentNumber ?? '—'),
      h('dt', {}, 'Since'), h('dd', {}, when(player.createdAt))),
    h('section', { class: 'actions' },
      can('money.move') && actionForm('Top up', [field('Amount', 'amount', { inputmode: 'decimal', required: true, pattern: '\\d+(\\.\\d+)?' })], 'Top up',
        async ({ amount }) => {
          const answer = await api('POST', `${path}/topups`, { amount, transactionId: topUpId });
          await reload();
          return answer.approvalId ? `Top-up of ${amount} waits for a second person on the Approvals page: ${answer.heldBecause}.`
            : `Topped up ${amount}; balance ${answer.balance} ${answer.currency}.`;
        }),
      can('players.update') && actionForm(blocked ? 'Unblock' : 'Block', [h('p', {}, blocked ? 'The player may bet again.' : 'Bets are refused; wins and refunds still arrive.')],
        blocked ? 'Unblock player' : 'Block player', async () => {
          await api('PATCH', path, { status: blocked ? 'active' : 'blocked' });
          await reload();
          return blocked ? 'Player unblocked.' : 'Player blocked.';
        }),
      can('players.update') && actionForm('Limits', [
        ...Object.entries(LIMITS).map(([name, text]) => {
          const limit = player.limits[name];
          const pending = limit?.pending ? ` (becomes ${limit.pending.amount ?? 'none'} on ${when(limit.pending.effectiveAt)})` : '';
          return field(`${text}${pending}`, name, { value: limit?.amount ?? '', inputmode: isMinutes(name) ? 'numeric' : 'decimal', placeholder: 'none' });
        }),
        h('p', { class: 'hint' }, 'A lower limit applies at once; a higher one, or an emptied one, after 24 hours.'),
      ], 'Save limits', async (values) => {
        /** @type {Record<string, string | number | null>} */
        const limits = {};
        for (const name of Object.keys(LIMITS)) {
          const before = player.limits[name]?.amount ?? '';
          if (values[name] !== before) limits[name] = values[name] === '' ? null : isMinutes(name) ? Number(values[name]) : values[name];
        }
        if (Object.keys(limits).length === 0) return 'No limit changed.';
        await api('PATCH', path, { limits });
        await reload();
        return 'Limits saved.';
      }),
      can('players.update') && actionForm('Pause', [
        field('Pause play until', 'until', { type: 'datetime-local', required: !protection.pausedUntil }),
        h('p', { class: 'hint' }, protection.pausedUntil ? `Paused until ${when(protection.pausedUntil)}. Leave empty to end the pause (after 24 hours).`
          : 'Bets are refused until then; the account stays reachable. Ending a pause early waits 24 hours.'),
      ], protection.pausedUntil ? 'Change pause' : 'Pause play', async ({ until }) => {
        await api('PATCH', path, { pausedUntil: until ? new Date(until).toISOString() : null });
        await reload();
        return until ? `Paused until ${when(new Date(until).toISOString())}.` : 'The pause ends in 24 hours.';
      }),
      can('sessions.open') && actionForm('Launch game', [
        field('Game id', 'gameId', { required: true, maxlength: 100 }),
        field('Locale', 'locale', { required: true, value: 'pt_br' }),
        h('label', {}, 'Platform', h('select', { name: 'platform' }, ...['web', 'mobile'].map((name) => h('option', { value: name }, name)))),
        field('Country', 'country', { required: true, value: 'BR', maxlength: 2 }),
        h('p', { class: 'hint' }, "The aggregator's game opens in a new tab, on a new session for this player."),
      ], 'Launch game', async (values) => {
        const launched = await api('POST', `${path}/launch`, values);
        window.open(launched.url, '_blank', 'noopener');
        return `Game ${launched.gameId} launched on session ${launched.sessionId.slice(0, 8)}….`;
      }),
      !can('payouts.manage') ? null : providers.length === 0 ? h('section', { class: 'action', 'aria-label': 'Pay out by PIX' }, h('h2', {}, 'Pay out by PIX'),
        h('p', { class: 'hint' }, 'No payout provider is configured on this server: set <PROVIDER>_BASE_URL and its credentials (docs/payouts.md), or PAYOUT_SANDBOX=1 in development.'))
      : actionForm('Pay out by PIX', [
        field('Amount', 'amount', { inputmode: 'decimal', required: true }),
        field('PIX key', 'pixKey'),
        ...providers.filter((p) => p.paysRegisteredAccount).map((p) => h('p', { class: 'hint' }, `${p.name} needs no key: it pays the player's registered payout account.`)),
        h('label', {}, 'Key type', h('select', { name: 'pixKeyType' }, h('option', { value: '' }, 'work it out'),
          ...['cpf', 'cnpj', 'phone', 'email', 'evp'].map((type) => h('option', { value: type }, type)))),
        h('label', {}, 'Provider', h('select', { name: 'provider' },
          ...providers.map((p) => h('option', { value: p.name, selected: p.default }, `${PROVIDER_LABELS[p.name] ?? p.name}${p.default ? ' (default)' : ''}`)))),
      ], 'Request payout', async (values) => {
        const payout = await api('POST', `${path}/payouts`, {
          amount: values.amount,
          ...(values.pixKey ? { pixKey: values.pixKey } : {}),
          ...(values.pixKeyType ? { pixKeyType: values.pixKeyType } : {}),
          ...(values.provider ? { provider: values.provider } : {}),
          transactionId: payoutId,
        });
        location.hash = `#/payouts/${payout.payoutId}`;
      }),
      can('deposits.create') && depositForm(path, depositProviders.providers, depositId),
      can('payouts.manage') && actionForm('Register payout account', [
        h('label', {}, 'Provider', h('select', { name: 'provider' }, h('option', { value: 'hashlee' }, 'hashlee'))),
        field('Account id at the provider', 'accountId', { required: true }),
        field('Holder CPF', 'holderDocument', { required: true, value: player.documentNumber ?? '' }),
        field('PIX key (if the provider shows one)', 'pixKey'),
        h('p', { class: 'hint' }, "The account must be in the player's own name."),
      ], 'Register account', async (values) => {
        await api('POST', `${path}/payout-accounts`, {
          provider: values.provider,
          accountId: values.accountId,
          holderDocument: values.holderDocument,
          ...(values.pixKey ? { pixKey: values.pixKey } : {}),
        });
        await reload();
        return `Registered ${values.provider} account ${values.accountId}.`;
      })),
    ...protectionSection(protection),
    ...kycSection(path, kyc, reload),
    h('h2', {}, 'Payout accounts'),
    payoutAccountTable(path, accounts.payoutAccounts),
    h('p', {}, h('a', { href: `#/game-rounds?playerId=${encodeURIComponent(playerId)}` }, 'Rounds this player played')),
    h('h2', {}, 'Payouts'),
    payoutTable(payouts.payouts),
    h('h2', {}, 'Deposits'),
    depositTable(deposits.deposits),
    h('h2', {}, 'Statement'),
    scrolling('Statement', h('table', { class: 'statement' },
      h('thead', {}, h('tr', {}, ...['When', 'Kind', 'Amount', 'Balance after', 'Reference'].map((t) => h('th', { scope: 'col' }, t)))),
      statementRows)),
    more,
  ];
}

/** A player's protection: the SPA register, a pause, play-time alerts, an impediment's steps. @param {any} p */
function protectionSection(p) {
  const impediment = p.impediment;
  return [
    h('h2', {}, 'Protection'),
    h('dl', { class: 'facts', 'data-testid': 'protection' },
      h('dt', {}, 'Jurisdiction'), h('dd', {}, p.jurisdiction ?? 'none'),
      h('dt', {}, 'SPA register'), h('dd', { 'data-testid': 'register' }, `${p.registerState}${p.registerCheckedOn ? ` (cleared ${p.registerCheckedOn})` : ''}`),
      h('dt', {}, 'Paused until'), h('dd', {}, p.pausedUntil ? when(p.pausedUntil) : '—'),
      impediment && h('dt', {}, 'Impeded'), impediment && h('dd', { class: 'status impeded' }, `${when(impediment.impededAt)} (${impediment.reason ?? 'no reason given'})`),
      impediment && h('dt', {}, 'Withdraw until'), impediment && h('dd', {}, when(impediment.withdrawUntil)),
      impediment && h('dt', {}, 'Closed'), impediment && h('dd', {}, closedState(impediment)),
      impediment && h('dt', {}, 'Balance returned'), impediment && h('dd', {}, returnState(impediment))),
    p.alerts.length ? table(['When', 'Limit', 'Played', 'Of'], p.alerts.map((/** @type {any} */ a) => [when(a.at), a.limit, `${a.playedMinutes} min`, `${a.limitMinutes} min`]), 'Play-time alerts') : '',
    table(['When', 'Why', 'Outcome', 'Reason', 'Trace id'], p.checks.slice(0, 10).map((/** @type {any} */ c) => [
      when(c.checkedAt), c.trigger, h('span', { class: `status ${c.outcome}` }, c.outcome), c.reason ?? '', c.traceId ?? '']), 'Register checks, newest first'),
  ];
}

/**
 * A player's identity verification (docs/kyc.md): its state and checks, and a person's suspension or its lifting.
 * @param {string} path @param {any} k @param {() => Promise<void>} reload
 */
function kycSection(path, k, reload) {
  const note = () => field('Why', 'note', { required: true, minlength: 3, maxlength: 500 });
  const suspended = k.kycStatus === 'suspended';
  return [
    h('h2', {}, 'Identity verification'),
    h('dl', { class: 'facts', 'data-testid': 'kyc' },
      h('dt', {}, 'State'), h('dd', { 'data-testid': 'kyc-status' }, h('span', { class: `status ${k.kycStatus}` }, k.kycStatus)),
      h('dt', {}, 'Birth date'), h('dd', {}, k.birthDate ?? '—'),
      h('dt', {}, 'Applicant'), h('dd', {}, k.applicant ? `${k.applicant.vendor} ${k.applicant.applicantId}` : '—')),
    suspended
      ? can('approvals.decide') && actionForm('Lift the suspension', [note(), h('p', { class: 'hint' }, 'A second person lifts it: not whoever suspended.')],
        'Lift suspension', async ({ note: why }) => {
          await api('POST', `${path}/kyc/suspension/lift`, { note: why });
          await reload();
          return 'Suspension lifted.';
        })
      : can('players.update') && actionForm('Suspend', [note(), h('p', { class: 'hint' },
        'Holds sessions, bets, top-ups, deposits and payouts while fraud is investigated; wins of accepted bets still apply.')],
        'Suspend', async ({ note: why }) => {
          await api('POST', `${path}/kyc/suspension`, { note: why });
          await reload();
          return 'Player suspended.';
        }),
    table(['When', 'Check', 'Outcome', 'Before', 'After', 'By', 'Trace id'], k.checks.slice(0, 10).map((/** @type {any} */ c) => [
      when(c.at), c.check, c.outcome, c.statusBefore, c.statusAfter, c.source, c.traceId ?? '']), 'Verification checks, newest first'),
  ];
}

/**
 * Identity verification across players (docs/kyc.md): how many are in each state, and those a person may need to
 * look at, longest waiting first, each with a suspension or its lifting (as the player's page offers them).
 */
async function verificationView() {
  const { counts, needingReview } = await api('GET', '/reports/kyc?limit=200');
  return [
    h('h1', {}, 'Identity verification'),
    table(Object.keys(counts), [Object.values(counts).map(String)], 'Players by verification state'),
    h('h2', {}, 'Waiting for review'),
    h('p', { class: 'hint' }, 'In review at the vendor, asked to retry or verify again, or suspended by a person; longest waiting first.'),
    table(['Player', 'State', 'Since', 'Action'], needingReview.map((/** @type {any} */ p) => [
      playerLink(p.playerId), h('span', { class: `status ${p.kycStatus}` }, p.kycStatus), when(p.since), queueAction(p)]), 'Players waiting for review'),
  ];
}

/** A suspension, or its lifting, from the review queue, with the note it needs. @param {any} p */
function queueAction(p) {
  const suspended = p.kycStatus === 'suspended';
  if (!can(suspended ? 'approvals.decide' : 'players.update')) return suspended ? 'finance or admin lifts it' : '';
  return rowForm(`${suspended ? 'Lift the suspension of' : 'Suspend'} ${p.playerId}`,
    h('input', { name: 'note', placeholder: 'why', 'aria-label': 'Why', required: true, minlength: 3, maxlength: 500 }),
    [h('button', { type: 'submit', class: suspended ? '' : 'secondary' }, suspended ? 'Lift' : 'Suspend')],
    async (_pressed, note) => {
      await api('POST', `/players/${encodeURIComponent(p.playerId)}/kyc/suspension${suspended ? '/lift' : ''}`, { note });
      return suspended ? `Suspension of ${p.playerId} lifted.` : `${p.playerId} suspended.`;
    }, true);
}

/** When the account closed, or by when it must. @param {any} impediment */
const closedState = (impediment) => (impediment.closedAt ? when(impediment.closedAt) : `by ${when(impediment.closeBy)}`);

/** @param {any} impediment */
function returnState(impediment) {
  if (impediment.returnedAt) return `paid back ${when(impediment.returnedAt)}`;
  if (impediment.unclaimed) return `unclaimed ${impediment.unclaimed.amount} ${impediment.unclaimed.currency} until ${when(impediment.unclaimed.until)}`;
  if (impediment.returnPayoutId) return h('span', {}, 'on its way: ', payoutLink(impediment.returnPayoutId));
  return impediment.closedAt ? '—' : 'after closure';
}

/** @param {boolean | null} held */
const deadline = (held) => (held === null ? 'pending' : held ? 'held' : 'MISSED');

/** Accounts the SPA register barred, with each deadline; and the register sweep with its progress. */
async function impedimentsView() {
  const [{ impediments }, { sweeps }] = await Promise.all([api('GET', '/impediments'), api('GET', '/protection/sweeps')]);
  const progress = progressIndicator('Sweep progress', (p) => `${p.done}/${p.total ?? '?'} checked`);
  const last = sweeps[0];
  return [
    h('h1', {}, 'Impediments'),
    table(['Player', 'Reason', 'Impeded', 'Withdraw until', 'Closed', 'Balance', 'Notice', 'Closed in time', 'Returned in time'], impediments.map((/** @type {any} */ i) => [
      playerLink(i.playerId), i.reason ?? '', when(i.impededAt), when(i.withdrawUntil), closedState(i), returnState(i),
      deadline(i.deadlines.notice), deadline(i.deadlines.closed), deadline(i.deadlines.returned)])),
    h('h2', {}, 'Register sweep'),
    h('p', { class: 'hint' }, last ? `Last sweep started ${when(last.startedAt)}: ${last.done} of ${last.total} checked${last.finishedAt ? `, finished ${when(last.finishedAt)}` : ', unfinished'}.`
      : 'No sweep yet: every open account is checked at least every 15 days.'),
    can('players.update') && actionForm('Sweep the register', [
      h('p', {}, 'Checks every open account against the SPA register now (an unfinished sweep resumes).'),
      progress.view,
    ], 'Run sweep', async () => {
      const sweep = await streamed('POST', '/protection/sweeps', progress.onProgress);
      progress.onProgress({ phase: 'done', done: sweep.done, total: Math.max(sweep.total, 1) });
      return `Sweep finished: ${sweep.done} checked, ${sweep.impeded} impeded, ${sweep.unreachable} unreachable.`;
    }),
  ];
}

/** A player's accounts at providers that pay a registered account, each active one with a retire button. @param {string} path @param {any[]} accounts */
function payoutAccountTable(path, accounts) {
  return table(['Provider', 'Account id', 'Holder', 'PIX key', 'Status', 'Registered', 'Action'], accounts.map((a) => {
    const retire = h('button', { type: 'button', class: 'link' }, 'Retire');
    retire.addEventListener('click', async () => {
      try {
        await api('DELETE', `${path}/payout-accounts/${encodeURIComponent(a.payoutAccountId)}`);
        render();
      } catch (error) {
        sayError(error);
      }
    });
    return [a.provider, a.accountId, a.holderDocument, a.pixKey ?? '—', h('span', { class: `status ${a.status}` }, a.status), when(a.registeredAt),
      a.status === 'active' ? retire : when(a.retiredAt)];
  }));
}

/** @param {any[]} payouts */
function payoutTable(payouts) {
  return table(['Payout', 'Player', 'Amount', 'Provider', 'Status', 'Requested'], payouts.map((p) => [
    payoutLink(p.payoutId), playerLink(p.playerId), `${p.amount} ${p.currency}`, p.provider,
    h('span', { class: `status ${p.status}` }, p.status + (p.manualReview ? ' · review' : '')), when(p.requestedAt)]));
}

/** @param {URLSearchParams} query */
async function payoutsView(query) {
  const status = query.get('status') ?? '';
  const select = h('select', { name: 'status' }, h('option', { value: '' }, 'any status'),
    ...['pending_approval', 'requested', 'submitted', 'processing', 'on_hold', 'unknown', 'review', 'succeeded', 'failed', 'cancelled', 'reversed']
      .map((s) => h('option', { value: s, selected: s === status }, s)));
  select.addEventListener('change', () => {
    location.hash = `#/payouts?status=${/** @type {HTMLSelectElement} */ (select).value}`;
  });
  const { payouts } = await api('GET', `/payouts?limit=50${status ? `&status=${status}` : ''}`);
  return [h('h1', {}, 'Payouts'), h('label', { class: 'filter' }, 'Status ', select), payoutTable(payouts)];
}

/** @param {string} payoutId */
async function payoutView(payoutId) {
  const mine = generation;
  const payout = await api('GET', `/payouts/${encodeURIComponent(payoutId)}`);
  const open = !FINAL_PAYOUT.has(payout.status);
  // follow an open payout until the provider's final word
  if (open) setTimeout(() => mine === generation && render(), 2000);
  return [
    h('h1', {}, 'Payout ', h('code', {}, payout.payoutId)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', { class: `status ${payout.status}`, 'data-testid': 'payout-status' }, payout.status),
      h('dt', {}, 'Player'), h('dd', {}, playerLink(payout.playerId)),
      h('dt', {}, 'Amount'), h('dd', {}, `${payout.amount} ${payout.currency}`),
      h('dt', {}, 'PIX key'), h('dd', {}, payout.pixKey ? `${payout.pixKey} (${payout.pixKeyType})` : '—'),
      payout.payoutAccountId && h('dt', {}, 'Paid to'), payout.payoutAccountId && h('dd', {}, `the player's registered ${payout.provider} account`),
      h('dt', {}, 'Provider'), h('dd', {}, `${payout.provider}${payout.providerReference ? ` · ${payout.providerReference}` : ''}`),
      h('dt', {}, 'Requested'), h('dd', {}, when(payout.requestedAt)),
      h('dt', {}, 'Final'), h('dd', {}, payout.finalizedAt ? when(payout.finalizedAt) : open ? 'not yet (refreshing)' : '—'),
      payout.manualReview && h('dt', {}, 'Review'), payout.manualReview && h('dd', {}, payout.reviewReason ?? 'wanted')),
    payout.status === 'review' && can('payouts.manage') && actionForm('Decide', [
      h('p', {}, "The send's outcome is unknown. Ask the provider about this payout id first."),
      h('label', {}, 'Decision', h('select', { name: 'decision' },
        h('option', { value: 'resend' }, 'resend: the provider has no such order'),
        h('option', { value: 'fail' }, 'fail: give the reserve back to the player'))),
      field('What the provider said', 'note', { required: true }),
    ], 'Record decision', async ({ decision, note }) => {
      await api('POST', `/payouts/${encodeURIComponent(payoutId)}/review`, { decision, note });
      render();
      return `Decision recorded: ${decision}.`;
    }),
    payout.status === 'pending_approval' && h('p', { class: 'hint' }, 'Reserved, and not sent until a second person approves it on the ',
      h('a', { href: '#/approvals' }, 'Approvals'), ' page; rejected there, it is cancelled and the reserve goes back.'),
    open && !['review', 'pending_approval'].includes(payout.status) && can('payouts.manage') && actionForm('Cancel', [h('p', {}, 'Only before it is sent, or where the provider allows it.')], 'Cancel payout',
      async () => {
        await api('POST', `/payouts/${encodeURIComponent(payoutId)}/cancel`);
        render();
        return 'Cancel asked.';
      }),
    table(['When', 'From', 'To', 'Source', 'Provider status', 'Detail'], payout.history.map((/** @type {any} */ e) => [
      when(e.at), e.from ?? '', e.to, e.source, e.providerStatus ?? '', e.detail ? JSON.stringify(e.detail) : '']), 'History'),
  ];
}

/**
 * A PIX deposit for the player: the charge is made at the provider, and its page shows the QR code to scan.
 * @param {string} path @param {{name: string, default: boolean, payerShownBy: string | null}[]} providers @param {string} transactionId
 */
function depositForm(path, providers, transactionId) {
  if (providers.length === 0) {
    return h('section', { class: 'action', 'aria-label': 'Take a deposit by PIX' }, h('h2', {}, 'Take a deposit by PIX'),
      h('p', { class: 'hint' }, 'No provider with a PIX pay-in is configured on this server (docs/deposits.md), or PAYOUT_SANDBOX=1 in development.'));
  }
  return actionForm('Take a deposit by PIX', [
    field('Amount', 'amount', { inputmode: 'decimal', required: true }),
    h('label', {}, 'Provider', h('select', { name: 'provider' },
      ...providers.map((p) => h('option', { value: p.name, selected: p.default }, `${PROVIDER_LABELS[p.name] ?? p.name}${p.default ? ' (default)' : ''}`)))),
    h('p', { class: 'hint' }, "Only from the player's own account: a payment from anyone else is held, not credited."),
  ], 'Make PIX charge', async (values) => {
    const deposit = await api('POST', `${path}/deposits`, { amount: values.amount, provider: values.provider, transactionId });
    location.hash = `#/deposits/${deposit.depositId}`;
  });
}

/** @param {string} id */
const depositLink = (id) => h('a', { href: `#/deposits/${encodeURIComponent(id)}` }, id.slice(0, 8));

/** @param {any[]} deposits */
function depositTable(deposits) {
  return table(['Deposit', 'Player', 'Amount', 'Provider', 'Status', 'Made'], deposits.map((d) => [
    depositLink(d.depositId), playerLink(d.playerId), `${d.amount} ${d.currency}`, d.provider,
    h('span', { class: `status ${d.status}` }, d.status + (d.returnRequested ? ' · return asked' : '')), when(d.createdAt)]));
}

const DEPOSIT_STATES = ['created', 'pending', 'paid', 'credited', 'expired', 'failed', 'held', 'returned'];

/** Deposits, held ones first by default: what waits for finance. @param {URLSearchParams} query */
async function depositsView(query) {
  const status = query.get('status') ?? 'held';
  const select = h('select', { name: 'status' }, h('option', { value: 'any', selected: status === 'any' }, 'any status'),
    ...DEPOSIT_STATES.map((s) => h('option', { value: s, selected: s === status }, s)));
  select.addEventListener('change', () => {
    location.hash = `#/deposits?status=${/** @type {HTMLSelectElement} */ (select).value}`;
  });
  const { deposits } = await api('GET', `/deposits?limit=50${status !== 'any' ? `&status=${status}` : ''}`);
  return [h('h1', {}, 'Deposits'), h('label', { class: 'filter' }, 'Status ', select),
    deposits.length ? depositTable(deposits) : h('p', { class: 'empty' }, `No ${status === 'any' ? '' : `${status} `}deposits.`)];
}

/** A deposit: while its charge is open, the QR code and copia-e-cola for the player, refreshed until it ends. @param {string} depositId */
async function depositView(depositId) {
  const mine = generation;
  const path = `/deposits/${encodeURIComponent(depositId)}`;
  const deposit = await api('GET', path);
  const open = ['created', 'pending'].includes(deposit.status);
  // the image comes through the API like every call (it needs the console's header), then shows as a data: URL
  const qr = open && deposit.copyPaste ? await (await send('GET', `${path}/qr`, { accept: 'image/svg+xml' })).text() : '';
  if (open) setTimeout(() => mine === generation && render(), 2000);
  const copy = h('button', { type: 'button' }, 'Copy copia-e-cola');
  copy.addEventListener('click', async () => {
    await navigator.clipboard.writeText(deposit.copyPaste);
    say('Copied.', 'ok');
  });
  return [
    h('h1', {}, 'Deposit ', h('code', {}, deposit.depositId)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', { class: `status ${deposit.status}`, 'data-testid': 'deposit-status' }, deposit.status),
      h('dt', {}, 'Player'), h('dd', {}, playerLink(deposit.playerId)),
      h('dt', {}, 'Amount'), h('dd', {}, `${deposit.amount} ${deposit.currency}${deposit.paidAmount && deposit.paidAmount !== deposit.amount ? ` (paid ${deposit.paidAmount})` : ''}`),
      h('dt', {}, 'Provider'), h('dd', {}, `${deposit.provider}${deposit.providerReference ? ` · ${deposit.providerReference}` : ''}`),
      h('dt', {}, 'Expires'), h('dd', {}, when(deposit.expiresAt) || '—'),
      deposit.payerShownBy && h('dt', {}, 'Payer shown by'), deposit.payerShownBy && h('dd', {}, deposit.payerShownBy.replaceAll('_', ' ')),
      deposit.heldReason && h('dt', {}, 'Held because'), deposit.heldReason && h('dd', {}, deposit.heldReason)),
    open && deposit.copyPaste && h('section', { class: 'qr', 'aria-label': 'PIX charge' },
      h('img', { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr)}`, alt: `PIX QR code for ${deposit.amount} ${deposit.currency}`, width: '240', height: '240' }),
      h('label', {}, 'Copia-e-cola', h('textarea', { readonly: true, rows: '3', 'data-testid': 'copy-paste' }, deposit.copyPaste)), copy),
    deposit.status === 'held' && !deposit.returnRequested && can('payouts.manage') && actionForm('Return', [
      h('p', {}, "Return the money to its payer in the provider's back office first; then record it here. A second person approves before the ledger gives it back."),
      field('How it was returned', 'note', { required: true, maxlength: 500 }),
    ], 'Record return', async ({ note }) => {
      await api('POST', `${path}/return`, { note });
      await render();
      return 'Return recorded: it waits for a second person on the Approvals page.';
    }),
    deposit.returnRequested && h('p', { class: 'hint' }, 'Its return waits for a second person on the ', h('a', { href: '#/approvals' }, 'Approvals'), ' page.'),
    table(['When', 'From', 'To', 'Source', 'Provider status', 'Detail'], deposit.history.map((/** @type {any} */ e) => [
      when(e.at), e.from ?? '', e.to, e.source, e.providerStatus ?? '', e.detail ? JSON.stringify(e.detail) : '']), 'History'),
  ];
}

/** @param {URLSearchParams} query */
/**
 * Every round of a player, or of everyone, in a date range (UTC days), closed and open, with its aggregator: the
 * rounds just played, as finance's rounds report has them. @param {URLSearchParams} query
 */
async function allRoundsView(query) {
  const playerId = query.get('playerId') ?? '';
  const from = query.get('from') ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const to = query.get('to') ?? new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const form = h('form', { class: 'search', 'aria-label': 'Which rounds' },
    field('Player id', 'playerId', { value: playerId, maxlength: 45 }), field('From', 'from', { type: 'date', value: from, required: true }),
    field('To (not included)', 'to', { type: 'date', value: to, required: true }), h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = new FormData(/** @type {HTMLFormElement} */ (form));
    const next = new URLSearchParams([...values].map(([name, value]) => [name, String(value).trim()]).filter(([, value]) => value));
    location.hash = `#/game-rounds?${next}`;
  });
  const filter = new URLSearchParams({ from, to, limit: '200', ...(playerId ? { playerId } : {}) });
  const { rows } = await api('GET', `/reports/rounds?${filter}`);
  return [
    h('h1', {}, 'Rounds'),
    form,
    table(['Round', 'Player', 'Game', 'Aggregator', 'Bets', 'Wins', 'Refunds', 'Net', 'State', 'Opened', 'Closed'], rows.map((/** @type {any} */ r) => [
      r.roundId, playerLink(r.playerId), r.gameId, r.aggregator, `${r.bets} ${r.currency}`, r.wins, r.refunds, r.net,
      h('span', { class: `status ${r.open ? 'open' : 'closed'}` }, r.open ? 'open' : 'closed'), when(r.openedAt), r.closedAt ? when(r.closedAt) : '—'])),
  ];
}

async function roundsView(query) {
  const olderThan = query.get('olderThan') ?? 'PT2H';
  const select = h('select', { name: 'olderThan' },
    ...[['PT15M', '15 minutes'], ['PT2H', '2 hours'], ['P1D', '1 day'], ['P7D', '7 days']]
      .map(([value, text]) => h('option', { value, selected: value === olderThan }, text)));
  select.addEventListener('change', () => {
    location.hash = `#/rounds?olderThan=${/** @type {HTMLSelectElement} */ (select).value}`;
  });
  const { rows } = await api('GET', `/reports/open-rounds?olderThan=${olderThan}&limit=200`);
  return [
    h('h1', {}, 'Open rounds'),
    h('label', { class: 'filter' }, 'Opened more than ', select, ' ago'),
    table(['Round', 'Player', 'Game', 'Bets', 'Wins', 'Opened'], rows.map((/** @type {any} */ r) => [
      r.roundId, playerLink(r.playerId), r.gameId, `${r.bets} ${r.currency}`, r.wins, when(r.openedAt)])),
  ];
}

/**
 * Adjustments and payouts above APPROVAL_THRESHOLD, waiting for a second person. Each pending one offers a decision,
 * except to the person who asked for it (the server refuses them too).
 * @param {URLSearchParams} query
 */
async function approvalsView(query) {
  const status = query.get('status') ?? 'pending';
  const select = h('select', { name: 'status' }, ...['pending', 'approved', 'rejected'].map((s) => h('option', { value: s, selected: s === status }, s)));
  select.addEventListener('change', () => {
    location.hash = `#/approvals?status=${/** @type {HTMLSelectElement} */ (select).value}`;
  });
  const { approvals } = await api('GET', `/approvals?status=${status}`);
  return [
    h('h1', {}, 'Approvals'),
    h('p', { class: 'hint' }, 'Four eyes: what one person moves by hand above the 24-hour threshold, the first payout to a destination that is not provably the player\'s, and the return of a held deposit, move only once a second finance or admin account approves it.'),
    h('label', { class: 'filter' }, 'Status ', select),
    table(['Asked', 'Kind', 'Player', 'Amount', 'What', 'Asked by', 'Decision'], approvals.map((/** @type {any} */ a) => [
      when(a.requestedAt), a.kind, playerLink(a.playerId), `${a.amount} ${a.currency}`,
      h('span', {}, ...(a.payoutId ? [payoutLink(a.payoutId), ' '] : []), ...(a.depositId ? [depositLink(a.depositId), ' '] : []), a.reason, h('br'), h('small', {}, `Held: ${a.heldBecause}`)),
      `${a.requestedBy === 'bootstrap' ? 'bootstrap token' : a.requestedBy.slice(0, 8)} · ${a.requestedRole}`,
      a.status !== 'pending' ? `${a.status}${a.note ? `: ${a.note}` : ''}` : a.requestedBy === me.staffId ? 'yours: another person decides' : decisionForm(a)])),
  ];
}

/** Approve or reject one request, with an optional note. @param {any} approval */
function decisionForm(approval) {
  return rowForm(`Decide ${approval.approvalId}`, h('input', { name: 'note', placeholder: 'note (optional)', 'aria-label': 'Note' }), [
    h('button', { type: 'submit', value: 'approve' }, 'Approve'),
    h('button', { type: 'submit', value: 'reject', class: 'secondary' }, 'Reject'),
  ], async (decision, note) => {
    await api('POST', `/approvals/${approval.approvalId}/${decision}`, note ? { note } : {});
    return `${decision === 'approve' ? 'Approved' : 'Rejected'}: ${approval.kind} of ${approval.amount} ${approval.currency} for ${approval.playerId}.`;
  });
}

/**
 * A form inside a table row: a note and its buttons. `act` gets the pressed button's value and the note, and answers
 * what was done: the page is drawn again and says so. The buttons wait while it runs; a refusal is said at the top,
 * or beside the form when `errorsBeside`.
 * @param {string} label @param {Node} note @param {Node[]} buttons
 * @param {(pressed: string, note: string) => Promise<string>} act @param {boolean} [errorsBeside]
 */
function rowForm(label, note, buttons, act, errorsBeside = false) {
  const form = /** @type {HTMLFormElement} */ (h('form', { class: 'decision', 'aria-label': label }, note, ...buttons));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const pressed = /** @type {HTMLButtonElement} */ (/** @type {SubmitEvent} */ (event).submitter).value;
    const text = String(new FormData(form).get('note') ?? '').trim();
    for (const button of form.querySelectorAll('button')) button.disabled = true;
    try {
      const done = await act(pressed, text);
      await render();
      say(done, 'ok');
    } catch (error) {
      sayError(error, errorsBeside ? label : undefined);
      for (const button of form.querySelectorAll('button')) button.disabled = false;
    }
  });
  return form;
}

/** @param {Date} date */
const isoDay = (date) => date.toISOString().slice(0, 10);

/** The audit trail of a day: who, in which role, did what to whom. @param {URLSearchParams} query */
async function auditView(query) {
  const from = query.get('from') ?? isoDay(new Date());
  const to = isoDay(new Date(Date.parse(from) + 86_400_000));
  const action = query.get('action') ?? '';
  const form = h('form', { class: 'search' },
    field('Day (UTC)', 'from', { type: 'date', value: from, required: true }),
    field('Action', 'action', { value: action, placeholder: 'e.g. player.topup' }),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = new FormData(/** @type {HTMLFormElement} */ (form));
    location.hash = `#/audit?${new URLSearchParams([...values].filter(([, v]) => v !== '').map(([k, v]) => [k, String(v)]))}`;
  });
  const { rows } = await api('GET', `/audit?from=${from}&to=${to}&limit=500${action ? `&action=${encodeURIComponent(action)}` : ''}`);
  return [
    h('h1', {}, 'Audit trail'),
    form,
    table(['When', 'Who', 'Role', 'Action', 'Player', 'Details', 'Trace id'], rows.map((/** @type {any} */ r) => [
      when(r.at), r.actorEmail ?? r.actor ?? '—', r.actorRole ?? '—', r.action, r.playerId ? playerLink(r.playerId) : '—', h('code', { class: 'details', title: r.details }, r.details), r.traceId ?? '']),
    `${from}, oldest first`),
  ];
}

/** @param {URLSearchParams} query */
async function chartsView(query) {
  const to = query.get('to') ?? isoDay(new Date(Date.now() + 86_400_000));
  const from = query.get('from') ?? isoDay(new Date(Date.parse(to) - 30 * 86_400_000));
  const summary = await api('GET', `/reports/summary?groupBy=day&from=${from}&to=${to}`);
  const currencies = [...new Set(summary.rows.map((/** @type {any} */ r) => r.currency))].sort();
  const currency = query.get('currency') ?? busiestCurrency(summary.rows) ?? '';
  const rows = summary.rows.filter((/** @type {any} */ r) => r.currency === currency);
  const form = h('form', { class: 'search' },
    field('From', 'from', { type: 'date', value: from, required: true }),
    field('To (exclusive)', 'to', { type: 'date', value: to, required: true }),
    h('label', {}, 'Currency', h('select', { name: 'currency' }, ...currencies.map((c) => h('option', { value: c, selected: c === currency }, c)))),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/charts?${new URLSearchParams(/** @type {any} */ (new FormData(/** @type {HTMLFormElement} */ (form))))}`;
  });
  return [
    h('h1', {}, 'Daily GGR and payouts'),
    form,
    // the chart keeps a readable size on a phone and scrolls sideways in its own box, like a wide table
    rows.some(charted) ? scrolling('Daily GGR and payouts chart', barChart(rows)) : h('p', { class: 'empty', 'data-testid': 'chart-empty' }, `No GGR and no payouts${currency ? ` in ${currency}` : ''} from ${from} to ${to}.`),
    table(['Day', 'Bets', 'Wins', 'GGR', 'Payouts paid', 'Rounds', 'Players'], rows.map((/** @type {any} */ r) => [
      r.day, r.bets, r.wins, r.ggr, r.payoutsSucceeded, String(r.rounds), String(r.activePlayers)]), `${currency} per UTC day`),
  ];
}

/** A day the chart has something to draw for. @param {any} row */
const charted = (row) => Number(row.ggr) !== 0 || Number(row.payoutsSucceeded) !== 0;

/** The currency with the most rounds and payouts in the range: what the chart opens on. @param {any[]} rows */
function busiestCurrency(rows) {
  /** @type {Map<string, number>} */
  const activity = new Map();
  for (const r of rows) activity.set(r.currency, (activity.get(r.currency) ?? 0) + r.rounds + (r.payoutsSucceededCount ?? 0) + (charted(r) ? 1 : 0));
  return [...activity].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0];
}

const SVG = 'http://www.w3.org/2000/svg';
/** @param {string} tag @param {Record<string, string | number>} attributes @param {string} [text] */
function svg(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * Two bars a day, GGR and payouts paid, drawn to scale (negative GGR below the axis). The amounts become numbers
 * here only to be drawn; every figure shown as text is the API's exact decimal.
 * @param {any[]} rows
 */
function barChart(rows) {
  const width = 900, height = 280, left = 70, top = 20, bottom = 40;
  const series = [['ggr', 'GGR', 'bar-ggr'], ['payoutsSucceeded', 'Payouts paid', 'bar-payouts']];
  const values = rows.flatMap((r) => series.map(([key]) => Number(r[key])));
  const max = Math.max(0, ...values), min = Math.min(0, ...values);
  const span = max - min || 1;
  const y = (/** @type {number} */ v) => top + ((max - v) / span) * (height - top - bottom);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Daily GGR and payouts', class: 'chart' });
  chart.append(svg('line', { x1: left, x2: width, y1: y(0), y2: y(0), class: 'axis' }));
  for (const v of [max, 0, min]) chart.append(svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, v.toFixed(0)));
  const slot = (width - left) / Math.max(rows.length, 1);
  const bar = Math.max(2, Math.min(24, slot / 3));
  rows.forEach((row, i) => {
    series.forEach(([key, name, css], j) => {
      const value = Number(row[key]);
      const x = left + i * slot + slot / 2 - bar + j * bar;
      const rect = svg('rect', { x, y: Math.min(y(value), y(0)), width: bar - 1, height: Math.abs(y(value) - y(0)), class: css });
      rect.append(svg('title', {}, `${row.day} ${name}: ${row[key]}`));
      chart.append(rect);
    });
    if (rows.length <= 16 || i % Math.ceil(rows.length / 16) === 0) {
      chart.append(svg('text', { x: left + i * slot + slot / 2, y: height - bottom + 16, 'text-anchor': 'middle', class: 'tick' }, row.day.slice(5)));
    }
  });
  series.forEach(([, name, css], j) => {
    chart.append(svg('rect', { x: left + j * 140, y: height - 14, width: 12, height: 12, class: css }));
    chart.append(svg('text', { x: left + j * 140 + 18, y: height - 4, class: 'tick' }, name));
  });
  return h('figure', {}, chart);
}

/**
 * Calls an operator endpoint that streams NDJSON progress (see README "Progress"), calling `onProgress` for each
 * progress line; resolves with the result line.
 * @param {string} method @param {string} path @param {(progress: {phase: string, done: number, total: number | null}) => void} onProgress
 */
async function streamed(method, path, onProgress) {
  const response = await send(method, path, { accept: 'application/x-ndjson' });
  const reader = /** @type {ReadableStream} */ (response.body).pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const message = JSON.parse(line);
      if (message.progress) onProgress(message.progress);
      if (message.error) throw new ApiFailure(500, message.error);
      if ('result' in message) return message.result;
    }
  }
  throw new Error('the stream ended without a result');
}

/**
 * A progress bar with its caption, and the onProgress that moves it (streamed's callback).
 * @param {string} label @param {(progress: {phase: string, done: number, total: number | null}) => string} caption
 */
function progressIndicator(label, caption) {
  const bar = /** @type {HTMLProgressElement} */ (h('progress', { max: 1, value: 0, 'aria-label': label }));
  const text = h('span', { class: 'hint' });
  /** @param {{phase: string, done: number, total: number | null}} progress */
  const onProgress = (progress) => {
    bar.max = progress.total ?? 1;
    bar.value = progress.done;
    text.textContent = caption(progress);
  };
  return { view: h('div', { class: 'progress' }, bar, text), onProgress };
}

async function ledgerView() {
  const progress = progressIndicator('Ledger check progress', (p) => `${p.done}/${p.total ?? '?'} · ${p.phase}`);
  const outcome = h('div');
  const run = actionForm('Prove the ledger adds up', [
    h('p', {}, 'Runs every proof on one snapshot: sums, cached balances, negatives, references, refunds, payouts.'),
    progress.view,
  ], 'Run ledger check', async () => {
    outcome.replaceChildren();
    const report = await streamed('GET', '/reports/ledger-check', progress.onProgress);
    outcome.replaceChildren(
      h('p', { class: `notice ${report.sound ? 'ok' : 'error'}`, 'data-testid': 'verdict' },
        `${report.sound ? 'Ledger sound' : `Ledger NOT sound: ${report.problems.length} problem(s)`}; ` +
        `${report.accounts} accounts, ${report.transfers} transfers, checked in ${report.ms} ms.`),
      report.problems.length ? table(['Check', 'Detail'], report.problems.map((/** @type {any} */ p) => [p.check, JSON.stringify(p.detail)])) : '');
  });
  return [h('h1', {}, 'Ledger check'), run, outcome];
}

// ---- routing -------------------------------------------------------------------------------------------------

/** @type {[RegExp, (match: RegExpMatchArray, query: URLSearchParams) => Promise<(Node | string | false | null)[]>][]} */
const ROUTES = [
  [/^\/players\/(.+)$/, (m) => playerView(decodeURIComponent(m[1]))],
  [/^\/players$/, (_m, q) => playersView(q)],
  [/^\/payouts\/(.+)$/, (m) => payoutView(decodeURIComponent(m[1]))],
  [/^\/payouts$/, (_m, q) => payoutsView(q)],
  [/^\/deposits\/(.+)$/, (m) => depositView(decodeURIComponent(m[1]))],
  [/^\/deposits$/, (_m, q) => depositsView(q)],
  [/^\/rounds$/, (_m, q) => roundsView(q)],
  [/^\/game-rounds$/, (_m, q) => allRoundsView(q)],
  [/^\/charts$/, (_m, q) => chartsView(q)],
  [/^\/ledger$/, () => ledgerView()],
  [/^\/audit$/, (_m, q) => auditView(q)],
  [/^\/approvals$/, (_m, q) => approvalsView(q)],
  [/^\/impediments$/, () => impedimentsView()],
  [/^\/verification$/, () => verificationView()],
];

async function render() {
  const mine = ++generation;
  const [path, search = ''] = (location.hash.slice(1) || '/players').split('?');
  const route = ROUTES.find(([pattern]) => pattern.test(path));
  for (const link of document.querySelectorAll('nav a')) {
    link.classList.toggle('current', path.startsWith(String(link.getAttribute('href')).slice(1)));
  }
  try {
    const parts = route ? await route[1](/** @type {RegExpMatchArray} */ (path.match(route[0])), new URLSearchParams(search))
      : [h('h1', {}, 'Not found'), h('p', {}, `No console page ${path}.`)];
    if (mine !== generation) return;
    view.replaceChildren(...parts.filter((part) => part !== false && part !== null));
    view.dataset.ready = path;
  } catch (error) {
    if (mine !== generation) return;
    sayError(error);
    view.dataset.ready = path;
  }
}

const menu = /** @type {HTMLButtonElement} */ (document.getElementById('menu-button'));
/** On a narrow screen the navigation folds behind the Menu button; a page change folds it again. @param {boolean} open */
const showMenu = (open) => {
  menu.setAttribute('aria-expanded', String(open));
  document.body.classList.toggle('menu-open', open);
};
menu.addEventListener('click', () => showMenu(menu.getAttribute('aria-expanded') !== 'true'));

/** Who is signed in, and what their role may do (GET /operator/me): the pages offer only that. */
const me = await api('GET', '/me');
/** @param {string} permission */
function can(permission) {
  return me.permissions.includes(permission);
}

window.addEventListener('hashchange', () => {
  showMenu(false);
  say('', 'ok');
  void render();
});
void render();

// a module (app.js is loaded as type="module"), so the top-level await above is allowed
export {};

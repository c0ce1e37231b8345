import { roleGrants } from '../operator';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Wallet console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css">
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * The login form; `problem` is one of the fixed messages of the console router, never user input. After a wrong
 * password the email typed is kept (escaped), so only the password is typed again.
 */
export function loginPage(problem?: string, email = ''): string {
  return page('Sign in', `<main class="login">
<h1>Wallet console</h1>
<form method="post" action="/console/login" aria-label="Sign in">
  <label>Email <input type="email" name="email" autocomplete="username" value="${escapeHtml(email)}"${email ? '' : ' autofocus'}></label>
  <label>Password <input type="password" name="password" autocomplete="current-password"${email ? ' autofocus' : ''}></label>
  ${problem ? `<p class="notice error" role="alert">${problem}</p>` : ''}
  <button type="submit">Sign in</button>
</form>
<details>
<summary>Sign in with the bootstrap token</summary>
<form method="post" action="/console/login" aria-label="Sign in with the token">
  <label>Operator token <input type="password" name="token" autocomplete="off" required></label>
  <button type="submit">Sign in with the token</button>
</form>
</details>
</main>`);
}

/** The app page; the header names who is signed in, and in which role. */
export function appPage(actor: { id: string; role: string; email?: string }): string {
  const who = actor.email ? escapeHtml(actor.email) : 'the bootstrap token';
  return page('Console', `<header>
<strong>Wallet console</strong>
<span class="who" data-testid="who" data-role="${actor.role}">${who} · ${actor.role}</span>
<button type="button" id="menu-button" class="menu" aria-expanded="false" aria-controls="menu">Menu</button>
<div id="menu" class="menu-items">
<nav>
  <a href="#/players">Players</a>
  <a href="#/payouts">Payouts</a>
  <a href="#/deposits">Deposits</a>
  <a href="#/game-rounds">Rounds</a>
  <a href="#/rounds">Open rounds</a>
  <a href="#/charts">GGR and payouts</a>
  <a href="#/ledger">Ledger check</a>
  <a href="#/impediments">Impediments</a>
  <a href="#/verification">Verification</a>
  ${roleGrants(actor.role, 'approvals.decide') ? '<a href="#/approvals">Approvals</a>' : ''}
  ${roleGrants(actor.role, 'audit.read') ? '<a href="#/audit">Audit</a>' : ''}
  <a href="/docs">API docs</a>
</nav>
<form method="post" action="/console/logout"><button type="submit" class="link">Sign out</button></form>
</div>
</header>
<div id="notice" aria-live="polite"></div>
<main id="view"></main>
<script type="module" src="/console/assets/app.js"></script>`);
}

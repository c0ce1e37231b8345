import path from 'node:path';
import express, { Router } from 'express';
import { ApiError, handle } from '../http';
import { Credentials, OperatorAuth } from '../operator';
import { appPage, loginPage } from './pages';

const WRONG = 'That email and password, or that token, is not right.';

/** Static files of the console: copied next to the compiled module by `npm run build`. */
const ASSETS = path.join(__dirname, 'public');

/**
 * The operator console: a login form and a page whose script works through the operator API with the session
 * cookie (see operatorAuth). The pages hold no data, so only the app page itself wants a session.
 */
export function consoleRoutes(auth: OperatorAuth): Router {
  const router = Router();
  router.use('/console/assets', express.static(ASSETS, { index: false, maxAge: '1h' }));

  router.get('/console', handle(async (req, res) => {
    const actor = await auth.consoleActor(req);
    if (!actor) {
      res.redirect(303, '/console/login');
      return;
    }
    res.type('html').send(appPage(actor));
  }));

  router.get('/console/login', (req, res) => {
    res.type('html').send(loginPage(req.query.failed === '1' ? WRONG : undefined));
  });

  router.post('/console/login', express.urlencoded({ extended: false, limit: '2kb' }), handle(async (req, res) => {
    const field = (name: string) => (typeof req.body?.[name] === 'string' ? (req.body[name] as string) : '');
    const credentials: Credentials = field('email') ? { email: field('email'), password: field('password') } : { token: field('token') };
    try {
      if (await auth.login(req, res, credentials)) res.redirect(303, '/console');
      // a wrong password: the form again at once, the email kept; a wrong token: back to the empty form
      else if ('email' in credentials) res.type('html').send(loginPage(WRONG, credentials.email));
      else res.redirect(303, '/console/login?failed=1');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      res.status(error.status).type('html').send(loginPage(error.message.replace(/^./, (c) => c.toUpperCase())));
    }
  }));

  router.post('/console/logout', handle(async (req, res) => {
    await auth.logout(req, res);
    res.redirect(303, '/console/login');
  }));

  return router;
}

import path from 'node:path';
import express, { Router } from 'express';
import { ApiError, handle } from '../http';
import { OperatorAuth } from '../operator';
import { appPage, loginPage } from './pages';

/** Static files of the console: copied next to the compiled module by `npm run build`. */
const ASSETS = path.join(__dirname, 'public');

/**
 * The operator console: a login form and a page whose script works through the operator API with the session
 * cookie (see operatorAuth). The pages hold no data, so only the app page itself wants a session.
 */
export function consoleRoutes(auth: OperatorAuth): Router {
  const router = Router();
  router.use('/console/assets', express.static(ASSETS, { index: false, maxAge: '1h' }));

  router.get('/console', (req, res) => {
    if (!auth.hasConsoleSession(req)) {
      res.redirect(303, '/console/login');
      return;
    }
    res.type('html').send(appPage());
  });

  router.get('/console/login', (req, res) => {
    res.type('html').send(loginPage(req.query.failed === '1' ? 'That is not the operator token.' : undefined));
  });

  router.post('/console/login', express.urlencoded({ extended: false, limit: '2kb' }), handle(async (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    try {
      res.redirect(303, (await auth.login(req, res, token)) ? '/console' : '/console/login?failed=1');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      res.status(error.status).type('html').send(loginPage('Too many wrong tokens from this address; try again later.'));
    }
  }));

  router.post('/console/logout', (_req, res) => {
    auth.logout(res);
    res.redirect(303, '/console/login');
  });

  return router;
}

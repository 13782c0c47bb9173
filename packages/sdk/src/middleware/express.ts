/**
 * @module @keyward/sdk/express
 *
 * @example
 * app.get('/flows', keyward({ verifier, scopes: ['process:start'] }), (req, res) => res.json(req.keyward));
 */
import type { NextFunction, Request, Response } from 'express';
import type { KeyIdentity } from '../types.ts';
import { type KeywardGuardOptions, verifyRequest } from '../verify-request.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The verified key's identity, set by the Keyward middleware. */
    keyward?: KeyIdentity;
  }
}

export function keyward(options: KeywardGuardOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    verifyRequest(options, { rawHeaders: req.rawHeaders, url: req.originalUrl, ip: req.ip }).then(
      (outcome) => {
        if (!outcome.ok) {
          res
            .status(outcome.refusal.status)
            .set(outcome.refusal.headers)
            .send(JSON.stringify(outcome.refusal.body));
          return;
        }
        res.set(outcome.headers);
        req.keyward = outcome.identity;
        next();
      },
      next,
    );
  };
}

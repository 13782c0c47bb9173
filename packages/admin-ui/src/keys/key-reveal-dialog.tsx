/**
 * @module One-time reveal
 *
 * The only moment a key's full value is on screen: right after it is created or regenerated.
 * Keyward keeps just an HMAC of the secret, so the value cannot be shown again; the dialog
 * says so, offers a Copy button and ready-to-paste examples for the two most common clients.
 */
import type { KeyWithSecret } from '../shared/api-types.ts';
import { CopyButton } from '../shared/copy-button.tsx';
import { Dialog } from '../shared/dialog.tsx';

/** Splits `kw_live_<keyId>_<secret+checksum>` into the Basic-auth user and password. */
export function basicAuthParts(key: string): { user: string; password: string } {
  const parts = key.split('_');
  return { user: parts[parts.length - 2] ?? '', password: parts[parts.length - 1] ?? '' };
}

const EXAMPLE_URL = 'https://api.example.com/v1/resource';

function curlExample(key: string): string {
  return `curl ${EXAMPLE_URL} \\\n  -H "Authorization: Api-Key ${key}"`;
}

function pythonExample(key: string): string {
  const { user, password } = basicAuthParts(key);
  return [
    'import requests',
    'from requests.auth import HTTPBasicAuth',
    '',
    `key_id = "${user}"  # public, safe to log`,
    `secret = "${password}"  # keep this out of source control`,
    '',
    `response = requests.get("${EXAMPLE_URL}", auth=HTTPBasicAuth(key_id, secret))`,
    'response.raise_for_status()',
    'print(response.json())',
  ].join('\n');
}

/** Props of {@link KeyRevealDialog}. */
export interface KeyRevealDialogProps {
  created: KeyWithSecret;
  /** "created" right after creation, "regenerated" after a new secret. */
  reason: 'created' | 'regenerated';
  onClose: () => void;
}

/** Shows a new key once, with Copy and usage examples. */
export function KeyRevealDialog({ created, reason, onClose }: KeyRevealDialogProps) {
  const slot = created.slot ? ` (${created.slot} secret)` : '';
  return (
    <Dialog
      title={reason === 'created' ? 'Your new API key' : `New secret for ${created.name}${slot}`}
      onClose={onClose}
      className="dialog--wide"
    >
      <div className="banner banner--warn" role="note">
        <p>
          <strong>Copy this key now. You will not be able to see it again.</strong> Keyward stores only a
          fingerprint of it. If you lose it, regenerate the key and update every client that uses it.
        </p>
      </div>
      <p className="reveal__label" id="reveal-key-label">
        API key <strong>{created.name}</strong> · <code>{created.id}</code> · environment{' '}
        <span className="env">{created.environment}</span>
      </p>
      <div className="reveal">
        <output className="reveal__key mono" aria-labelledby="reveal-key-label" data-testid="revealed-key">
          {created.key}
        </output>
        <CopyButton
          text={created.key}
          label="Copy API key"
          className="button button--primary"
          isInitialFocus
        />
      </div>

      <h3 className="reveal__heading">Use it</h3>
      <p className="hint">
        Send it in the <code>Authorization</code> header. Replace the example URL with your platform's
        endpoint.
      </p>
      <Example title="curl" code={curlExample(created.key)} />
      <Example title="Python (requests, HTTP Basic auth)" code={pythonExample(created.key)} />

      <div className="form__actions">
        <button type="button" className="button button--primary" onClick={onClose}>
          I have copied the key
        </button>
      </div>
    </Dialog>
  );
}

function Example({ title, code }: { title: string; code: string }) {
  return (
    <figure className="example">
      <figcaption className="example__title">
        <span>{title}</span>
        <CopyButton text={code} label={`Copy ${title} example`} className="button button--small" />
      </figcaption>
      <pre className="example__code">
        <code>{code}</code>
      </pre>
    </figure>
  );
}

/**
 * End-to-end tests of the admin UI: a real `keyward serve` process on a random port with a
 * fresh data dir, the UI built from source, and Debian's Chromium clicking through it as an
 * admin would. Every step checks what the user sees; verification is checked over HTTP.
 * Screenshots of the main screens are written to docs/screenshots/ on every run.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, hasChromium, launchChromium } from './support/browser.ts';
import { type KeywardProcess, startKeyward } from './support/keyward-process.ts';

const UI_ROOT = resolve(import.meta.dirname, '..');
const SCREENSHOTS = resolve(UI_ROOT, '../../docs/screenshots');
const OWNER = {
  org: 'Acme Automation',
  name: 'Ada Admin',
  email: 'ada@acme.test',
  password: 'correct-horse-battery-42',
};
const KEY_PATTERN = /^kw_live_[0-9a-z]{12}_[0-9A-Za-z]{39}$/;

if (process.env.CI && !hasChromium)
  throw new Error(`CI needs Chromium at ${CHROMIUM_PATH} (apt-get install chromium).`);

describe.skipIf(!hasChromium)(
  `admin UI in Chromium${hasChromium ? '' : ` (skipped: no browser at ${CHROMIUM_PATH})`}`,
  () => {
    let server: KeywardProcess;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    /** Errors the page logged; the UI must not throw or leave requests unhandled. */
    const pageErrors: string[] = [];

    /** The full key revealed at creation, and after regeneration. */
    let firstKey = '';
    let regeneratedKey = '';
    let keyId = '';

    beforeAll(async () => {
      // Build the UI from source so the test never runs against a stale dist/.
      await build({ root: UI_ROOT, configFile: join(UI_ROOT, 'vite.config.ts'), logLevel: 'warn' });
      mkdirSync(SCREENSHOTS, { recursive: true });
      server = await startKeyward();
      browser = await launchChromium();
      context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        locale: 'en-US',
        timezoneId: 'UTC',
      });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      page = await context.newPage();
      page.setDefaultTimeout(10_000);
      page.on('pageerror', (error) => pageErrors.push(error.message));
      // The UI must work under its own strict Content-Security-Policy: a refused script, style
      // or connection would show here.
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
          pageErrors.push(message.text());
      });
    });

    beforeEach(({ task, onTestFailed }) => {
      // Keep what the browser showed when a step failed (test-results/ is not committed).
      onTestFailed(async () => {
        const name = task.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
        await page?.screenshot({
          path: resolve(UI_ROOT, '../../test-results', `admin-ui-${name}.png`),
          fullPage: true,
        });
      });
    });

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    });

    /**
     * Saves a screenshot for docs/, without transient toasts or the text cursor. The toasts are
     * hidden through the DOM, not an injected style sheet, which the page's CSP would refuse.
     */
    const shot = async (name: string, options: { fullPage?: boolean } = {}) => {
      const hidden = await page.evaluate(() => {
        const toasts = [...document.querySelectorAll<HTMLElement>('.toasts')];
        for (const toast of toasts) toast.style.visibility = 'hidden';
        return toasts.length;
      });
      await page.screenshot({
        path: join(SCREENSHOTS, `${name}.png`),
        fullPage: options.fullPage ?? false,
        animations: 'disabled',
        caret: 'hide',
      });
      if (hidden > 0)
        await page.evaluate(() => {
          for (const toast of document.querySelectorAll<HTMLElement>('.toasts')) toast.style.visibility = '';
        });
    };

    /** Calls the API with the browser's session (cookie and CSRF token), as the UI does. */
    async function apiCall<T>(
      method: string,
      path: string,
      data?: unknown,
    ): Promise<{ status: number; body: T }> {
      const me = await page.request.get(`${server.url}/v1/auth/me`);
      const { csrfToken } = (await me.json()) as { csrfToken: string };
      const response = await page.request.fetch(`${server.url}${path}`, {
        method,
        headers: { 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
        ...(data === undefined ? {} : { data: JSON.stringify(data) }),
      });
      return { status: response.status(), body: (await response.json()) as T };
    }

    const verify = async (key: string) =>
      (await apiCall<{ valid: boolean; code: string }>('POST', '/v1/verify', { key })).body;

    const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
    const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });
    const navLink = (name: string) =>
      page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name });

    it('offers a one-time setup on first run, guarded by the token printed on the console', async () => {
      expect(server.setupToken, 'the server prints a setup token on first start').toBeTruthy();
      const first = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
      expect(first.headers.get('content-security-policy')).toMatch(
        /script-src 'self';.*frame-ancestors 'none'/,
      );
      expect(first.headers.get('x-content-type-options')).toBe('nosniff');
      expect(first.headers.get('referrer-policy')).toBe('no-referrer');
      const deepLink = await fetch(`${server.url}/keys`, { headers: { accept: 'text/html' } });
      expect(deepLink.headers.get('content-security-policy')).toBe(
        first.headers.get('content-security-policy'),
      );
      await page.goto(server.url);
      await heading('Set up Keyward').waitFor();
      expect(await page.getByRole('button', { name: 'Sign in', exact: true }).count()).toBe(0);

      await page.getByLabel('Setup token', { exact: true }).fill('not-the-token');
      await page.getByLabel('Organization name', { exact: true }).fill(OWNER.org);
      await page.getByLabel('Your name', { exact: true }).fill(OWNER.name);
      await page.getByLabel('Email', { exact: true }).fill(OWNER.email);
      await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
      await page.getByLabel('Repeat password', { exact: true }).fill(OWNER.password);
      await page.getByRole('button', { name: 'Create organization and sign in' }).click();
      // The wrong token is refused, and the message sits next to the token field.
      await page.getByText('The setup token is wrong.').waitFor();
      await shot('setup', { fullPage: true });
      expect(await page.getByLabel('Setup token', { exact: true }).getAttribute('aria-invalid')).toBe('true');

      await page.getByLabel('Setup token', { exact: true }).fill(server.setupToken ?? '');
      await page.getByRole('button', { name: 'Create organization and sign in' }).click();
      await heading('API Keys').waitFor();
      await page.getByText(OWNER.org).first().waitFor();
      // Setup in the browser signs the owner in and makes no key that nobody was shown.
      await page.getByText('No API keys yet.').waitFor();
    });

    it('signs out, refuses a wrong password, and signs in again', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('You have signed out.').waitFor();
      await heading('Sign in to Keyward').waitFor();

      await page.reload();
      // After setup, a fresh visit shows the login, never the setup again.
      await heading('Sign in to Keyward').waitFor();
      await page.getByLabel('Email', { exact: true }).fill(OWNER.email);
      await page.getByLabel('Password', { exact: true }).fill('wrong password!');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page
        .getByRole('alert')
        .getByText(/email or password/i)
        .waitFor();
      await shot('login');

      await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await heading('API Keys').waitFor();
    });

    it('creates a key and shows it once, with Copy and examples', async () => {
      await page.getByRole('button', { name: 'Create API Key' }).click();
      const create = dialog('Create API Key');
      await create.waitFor();

      // Submitting an empty form explains what is missing next to each field.
      await create.getByRole('button', { name: 'Create API Key' }).click();
      await create.getByText('Give the key a title').waitFor();
      await create.getByText('Choose at least one module.').waitFor();

      await create.getByLabel('Title', { exact: true }).fill('Billing sync');
      await create.getByLabel('Environment', { exact: true }).selectOption('live');
      await create.getByRole('radio', { name: 'On a date' }).check();
      const nextYear = `${new Date().getUTCFullYear() + 1}-06-30`;
      await create.getByLabel('Expiry date', { exact: true }).fill(nextYear);
      await create.getByRole('checkbox', { name: /Deployment API/ }).check();
      await create.getByRole('checkbox', { name: /Check Dedupe/ }).check();
      await shot('create-key');
      await create.getByRole('button', { name: 'Create API Key' }).click();

      const reveal = dialog('Your new API key');
      await reveal.waitFor();
      await reveal.getByText('You will not be able to see it again.').waitFor();
      firstKey = (await reveal.getByTestId('revealed-key').textContent())?.trim() ?? '';
      expect(firstKey).toMatch(KEY_PATTERN);
      keyId = `key_${firstKey.split('_')[2]}`;

      await reveal.getByRole('button', { name: 'Copy API key' }).click();
      await reveal.getByText('Copied to the clipboard.').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(firstKey);

      const examples = (await reveal.locator('pre').allTextContents()).join('\n');
      expect(examples).toContain(`Authorization: Api-Key ${firstKey}`);
      expect(examples).toContain('HTTPBasicAuth');
      expect(examples).toContain(firstKey.split('_')[3]);
      await shot('key-reveal');

      await reveal.getByRole('button', { name: 'I have copied the key' }).click();
      await reveal.waitFor({ state: 'detached' });
      // Focus returns to the button that opened the dialog.
      expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Create API Key');

      const row = page.getByRole('row', { name: /Billing sync/ });
      await row.waitFor();
      const rowText = await row.textContent();
      expect(rowText).toContain(keyId);
      expect(rowText).toContain('Active');
      expect(rowText).toContain('deployment');
      expect(rowText).toContain(OWNER.name);
      // The full key is never shown again.
      expect(await page.content()).not.toContain(firstKey);
      await shot('keys');
    });

    it('verifies the new key over HTTP', async () => {
      expect(await verify(firstKey)).toMatchObject({ valid: true, code: 'VALID' });
      // A wrong secret for the same id is refused without telling which part was wrong.
      const forged = `${firstKey.slice(0, -39)}${'A'.repeat(39)}`;
      expect((await verify(forged)).valid).toBe(false);
    });

    it('disables the key on its page, and verification fails at once', async () => {
      await page.getByRole('link', { name: 'Billing sync' }).click();
      await heading(/Billing sync/).waitFor();
      const toggle = page.getByRole('switch', { name: 'Enabled' });
      expect(await toggle.getAttribute('aria-checked')).toBe('true');

      await toggle.click();
      await page.getByText('Requests with it now fail.').waitFor();
      expect(await toggle.getAttribute('aria-checked')).toBe('false');
      await heading(/Disabled/).waitFor();
      expect(await verify(firstKey)).toMatchObject({ valid: false, code: 'DISABLED' });

      await toggle.click();
      await page.getByText('Key “Billing sync” enabled.').waitFor();
      expect(await verify(firstKey)).toMatchObject({ valid: true, code: 'VALID' });
    });

    it('regenerates the primary secret and reveals the new key once', async () => {
      await page.getByRole('button', { name: 'Regenerate…' }).click();
      const regenerate = dialog('Regenerate secret');
      await regenerate.getByRole('radio', { name: 'Primary' }).check();
      await regenerate
        .getByLabel('Old secret', { exact: true })
        .selectOption({ label: 'Stop the old secret at once' });
      await regenerate.getByRole('button', { name: 'Regenerate primary secret' }).click();

      const reveal = dialog(/New secret for Billing sync/);
      await reveal.waitFor();
      regeneratedKey = (await reveal.getByTestId('revealed-key').textContent())?.trim() ?? '';
      expect(regeneratedKey).toMatch(KEY_PATTERN);
      expect(regeneratedKey).not.toBe(firstKey);
      expect(regeneratedKey.split('_')[2]).toBe(firstKey.split('_')[2]);
      await reveal.getByRole('button', { name: 'I have copied the key' }).click();

      expect(await verify(regeneratedKey)).toMatchObject({ valid: true, code: 'VALID' });
      expect(await verify(firstKey)).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    });

    it('shows usage by outcome and the key’s audit trail', async () => {
      await page.reload();
      await heading(/Billing sync/).waitFor();
      const trail = page.getByRole('region', { name: 'Audit trail' });
      await trail.getByText('key.create').waitFor();
      await trail.getByText('key.disable').waitFor();
      await trail.getByText('key.regenerate').first().waitFor();

      // Usage is batched on the server; refresh until the verifications above are counted.
      const usage = page.getByRole('region', { name: 'Usage' });
      for (let attempt = 0; attempt < 20; attempt++) {
        if ((await usage.textContent())?.includes('VALID')) break;
        await page.waitForTimeout(500);
        await usage.getByRole('button', { name: 'Refresh' }).click();
      }
      expect(await usage.textContent()).toMatch(/\d+ verifications?:/);
      await shot('key-page', { fullPage: true });
    });

    it('revokes the key after a typed confirmation', async () => {
      await page.getByRole('button', { name: 'Revoke…' }).click();
      const revoke = dialog('Revoke API key');
      await revoke.getByLabel(/Type “Billing sync” to confirm/).fill('Billing');
      await revoke.getByRole('button', { name: 'Revoke key' }).click();
      await revoke.getByText('exactly').waitFor();

      await revoke.getByLabel(/Type “Billing sync” to confirm/).fill('Billing sync');
      await revoke.getByRole('button', { name: 'Revoke key' }).click();
      await revoke.waitFor({ state: 'detached' });
      await heading(/Revoked/).waitFor();
      expect(await page.getByRole('switch', { name: 'Enabled' }).count()).toBe(0);
      expect(await verify(regeneratedKey)).toMatchObject({ valid: false, code: 'NOT_FOUND' });

      await navLink('API Keys').click();
      await page.getByLabel('Status', { exact: true }).selectOption('revoked');
      await page
        .getByRole('row', { name: /Billing sync/ })
        .getByText('Revoked')
        .waitFor();
      await page.getByLabel('Status', { exact: true }).selectOption('active');
      await expect.poll(() => page.getByRole('row', { name: /Billing sync/ }).count()).toBe(0);
    });

    it('creates a service user and a key it owns', async () => {
      await navLink('Users').click();
      await heading('Users').waitFor();
      await page.getByRole('button', { name: 'Create service user' }).click();
      const create = dialog('Create service user');
      await create.getByLabel('Name', { exact: true }).fill('Billing robot');
      await create.getByLabel('Email', { exact: true }).fill('service+billing@acme.test');
      await create.getByLabel('Role', { exact: true }).selectOption('member');
      await create.getByRole('button', { name: 'Create service user' }).click();

      await heading(/Billing robot/).waitFor();
      await page.getByText('Service user · service+billing@acme.test').waitFor();
      await page.getByRole('button', { name: 'Create API Key for Billing robot' }).click();
      const createKey = dialog('Create API Key');
      await createKey.getByLabel('Title', { exact: true }).fill('Robot key');
      // A member's key is offered only the Keyward scopes a member may use.
      await createKey.getByRole('checkbox', { name: /keys:write/ }).waitFor();
      await expect.poll(() => createKey.getByRole('checkbox', { name: /users:write/ }).count()).toBe(0);
      await createKey.getByRole('checkbox', { name: /Start New Process API/ }).check();
      await createKey.getByRole('button', { name: 'Create API Key' }).click();
      const reveal = dialog('Your new API key');
      const robotKey = (await reveal.getByTestId('revealed-key').textContent())?.trim() ?? '';
      expect(robotKey).toMatch(KEY_PATTERN);
      await reveal.getByRole('button', { name: 'I have copied the key' }).click();
      await page
        .getByRole('region', { name: 'API keys of Billing robot' })
        .getByRole('row', { name: /Robot key/ })
        .waitFor();
      expect(await verify(robotKey)).toMatchObject({ valid: true, code: 'VALID' });

      await navLink('Users').click();
      await page
        .getByRole('row', { name: /Billing robot/ })
        .getByText('Service user')
        .waitFor();
      await shot('users');
    });

    it('filters the audit log and exports the period as NDJSON', async () => {
      await navLink('Audit log').click();
      await heading('Audit log').waitFor();
      const events = page.getByRole('region', { name: 'Audit events' });
      await events.getByText('key.revoke').waitFor();
      await shot('audit-log');

      await page.getByLabel('Action', { exact: true }).fill('key.revoke');
      await events.getByText('key.revoke').waitFor();
      await expect.poll(() => events.getByText('key.create').count()).toBe(0);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export period (NDJSON)' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^keyward-audit_.*\.ndjson$/);
      const lines = readFileSync(await download.path(), 'utf8')
        .trim()
        .split('\n');
      const actions = lines.map((line) => (JSON.parse(line) as { action: string }).action);
      expect(actions).toEqual(
        expect.arrayContaining(['key.create', 'key.disable', 'key.regenerate', 'key.revoke', 'user.create']),
      );
      // The export names keys by id only: no secret reaches the audit trail.
      const text = lines.join('\n');
      expect(text).not.toContain(firstKey.split('_')[3]);
      expect(text).not.toContain(regeneratedKey.split('_')[3]);
    });

    it('works with the keyboard alone: dialogs trap focus, Escape closes, focus returns', async () => {
      await navLink('API Keys').click();
      await heading('API Keys').waitFor();
      const opener = page.getByRole('button', { name: 'Create API Key' });
      await expect.poll(() => opener.isEnabled()).toBe(true);
      await opener.focus();
      await page.keyboard.press('Enter');
      const create = dialog('Create API Key');
      await create.waitFor();
      expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
      // Tab through more controls than the dialog has: focus never leaves it.
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => Boolean(document.activeElement?.closest('dialog')))).toBe(true);
      }
      await page.keyboard.press('Escape');
      await create.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Create API Key');
    });

    it('labels every control', async () => {
      for (const path of ['/keys', '/users', '/audit']) {
        await page.goto(`${server.url}${path}`);
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        const unlabelled = await page.evaluate(unlabelledControls);
        expect(unlabelled, `unlabelled controls on ${path}`).toEqual([]);
      }
      await page.goto(`${server.url}/keys`);
      await page.getByRole('button', { name: 'Create API Key' }).click();
      await dialog('Create API Key').waitFor();
      await page.getByText('Limits and restrictions (optional)').click();
      expect(await page.evaluate(unlabelledControls), 'unlabelled controls in Create API Key').toEqual([]);
      await page.keyboard.press('Escape');
    });

    it('does not break the layout at 390×844', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      for (const path of ['/keys', '/users', '/audit']) {
        await page.goto(`${server.url}${path}`);
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        expect(await page.evaluate(horizontalOverflow), `horizontal overflow on ${path}`).toEqual([]);
      }
      await page.goto(`${server.url}/keys`);
      await page.getByRole('row', { name: /Billing sync/ }).waitFor();
      await shot('mobile-keys');
      await page.getByRole('button', { name: 'Create API Key' }).click();
      await dialog('Create API Key').waitFor();
      expect(await page.evaluate(horizontalOverflow), 'horizontal overflow in Create API Key').toEqual([]);
      await shot('mobile-create-key');
      await page.keyboard.press('Escape');
      await page.setViewportSize({ width: 1280, height: 800 });
      for (const path of ['/keys', '/users', '/audit']) {
        await page.goto(`${server.url}${path}`);
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        expect(await page.evaluate(horizontalOverflow), `horizontal overflow on ${path} at 1280`).toEqual([]);
      }
    });

    it('sends an expired session back to the login, then to the same page', async () => {
      await page.goto(`${server.url}/users`);
      await heading('Users').waitFor();
      await context.clearCookies();
      await navLink('Audit log').click();
      await page.getByText('Your session has expired.').waitFor();
      await page.getByLabel('Email', { exact: true }).fill(OWNER.email);
      await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await heading('Audit log').waitFor();
      expect(new URL(page.url()).pathname).toBe('/audit');
    });

    it('shows API errors instead of swallowing them', async () => {
      await page.goto(`${server.url}/keys/key_000000000000`);
      await page.getByRole('alert').getByText('There is no such key in your organization.').waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('NOT_FOUND');
      expect(pageErrors).toEqual([]);
    });
  },
);

/** Inputs, selects, textareas and buttons on the page without an accessible name. */
function unlabelledControls(): string[] {
  const named = (el: Element) => {
    const labelled = el.getAttribute('aria-labelledby');
    if (el.getAttribute('aria-label')?.trim()) return true;
    if (labelled?.split(' ').some((id) => document.getElementById(id)?.textContent?.trim())) return true;
    if ('labels' in el && (el as HTMLInputElement).labels?.length) {
      return [...((el as HTMLInputElement).labels ?? [])].some((label) => label.textContent?.trim());
    }
    return el.tagName === 'BUTTON' && Boolean(el.textContent?.trim());
  };
  return [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
    .filter((el) => !named(el))
    .map((el) => el.outerHTML.slice(0, 120));
}

/** Elements that stick out past the right edge of the viewport. */
function horizontalOverflow(): string[] {
  const width = document.documentElement.clientWidth;
  const out: string[] = [];
  if (document.documentElement.scrollWidth > width + 1)
    out.push(`document is ${document.documentElement.scrollWidth}px wide`);
  for (const el of document.querySelectorAll('main *, header *, nav *, dialog *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    // Content inside a horizontally scrolling container may extend it; that is not a layout break.
    if (el.closest('.table-wrap, pre, .sidenav')) continue;
    if (box.right > width + 1)
      out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)}px`);
  }
  return out.slice(0, 10);
}

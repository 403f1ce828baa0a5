import { parseHTML } from 'linkedom';
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { AccountList } from '../../components/account-list';
import type { Account } from '../../lib/protocol';

const account = (id: string, provider: string, screenName: string): Account => ({
  id,
  provider,
  userId: id,
  screenName,
  createdAt: '2026-11-01T00:00:00.000Z',
  lastUsedAt: null,
  status: 'active',
  access: 'write',
  expiresAt: null,
});

/** The component rendered into a DOM of its own (linkedom), as text and elements. */
function rendered(props: Parameters<typeof AccountList>[0]) {
  const { document } = parseHTML('<!doctype html><html><body><main></main></body></html>');
  const main = document.querySelector('main') as unknown as HTMLElement;
  render(<AccountList {...props} />, main);
  return main;
}

describe('AccountList', () => {
  it('says in words why an account needs attention, and offers a Reconnect for it only', () => {
    const reconnected: string[] = [];
    const main = rendered({
      accounts: [{ ...account('a1', 'x', 'reader'), status: 'needs_permission' }, account('a2', 'x', 'writer')],
      busy: false,
      onReconnect: (id) => reconnected.push(id),
      onRevoke: () => undefined,
      onRevokeAll: () => undefined,
    });
    const [first, second] = [...main.querySelectorAll('li')];
    expect(first?.querySelector('[data-testid="attention"]')?.textContent).toBe(
      'Needs write permission: reconnect it to let sites post.',
    );
    expect(second?.querySelector('[data-testid="attention"]')).toBeNull();
    const button = [...(first?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Reconnect @reader');
    (button as unknown as { click(): void } | undefined)?.click();
    expect(reconnected).toEqual(['a1']);
  });

  it('says which accounts were connected for reading only', () => {
    const main = rendered({
      accounts: [{ ...account('a1', 'x', 'reader'), access: 'read' }, account('a2', 'x', 'writer')],
      busy: false,
      onRevoke: () => undefined,
      onRevokeAll: () => undefined,
    });
    const items = [...main.querySelectorAll('li')].map((item) => item.textContent ?? '');
    expect(items[0]).toContain('read only');
    expect(items[1]).not.toContain('read only');
  });

  it('shows a retiring provider’s notice on that provider’s accounts only', () => {
    const main = rendered({
      accounts: [account('a1', 'garmin', 'runner'), account('a2', 'x', 'alice')],
      retirements: { garmin: { on: '2026-12-31', note: 'Garmin retires OAuth 1.0a on 31 December 2026.' } },
      busy: false,
      onRevoke: () => undefined,
      onRevokeAll: () => undefined,
    });
    const items = [...main.querySelectorAll('li')];
    expect(items).toHaveLength(2);
    expect(items[0]?.querySelector('[data-testid="retirement"]')?.textContent).toBe(
      'Garmin retires OAuth 1.0a on 31 December 2026.',
    );
    expect(items[1]?.querySelector('[data-testid="retirement"]')).toBeNull();
  });
});

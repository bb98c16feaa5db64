import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import { mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { createMemoryHistory } from 'vue-router';

import App from '../../../renderer/src/App.vue';
import { createAuditorApiPlugin } from '../../../renderer/src/api/auditor';
import { createAppRouter } from '../../../renderer/src/router';
import { useSessionStore } from '../../../renderer/src/stores/session';
import { createTestApi, createTestConnection, mountWithApp, sampleStatus, settle } from './helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

describe('App frame', () => {
  it('has a skip link, a main navigation with every area, and the current page marked', async () => {
    const mounted = await mountWithApp(App, createTestApi(), { path: '/' });
    wrapper = mounted.wrapper;
    await settle();
    expect(mounted.router.currentRoute.value.path).toBe('/vendors');
    expect(wrapper.find('a.skip-link').text()).toBe('Skip to content');
    const nav = wrapper.find('nav[aria-label="Main"]');
    const links = nav.findAll('a');
    expect(links.map((link) => link.text())).toEqual([
      'Vendors',
      'Supply chain',
      'Alerts',
      'Bundles',
      'Server',
      'Settings',
      'About',
    ]);
    expect(nav.find('a[aria-current="page"]').text()).toBe('Vendors');
    expect(wrapper.find('main#main h1').text()).toBe('Vendors');
  });

  it('navigates, marks the new page, sets the title and moves focus to its heading', async () => {
    const mounted = await mountWithApp(App, createTestApi(), { path: '/vendors' });
    wrapper = mounted.wrapper;
    await mounted.router.push('/bundles');
    await settle();
    expect(wrapper.find('nav a[aria-current="page"]').text()).toBe('Bundles');
    expect(document.title).toBe('Bundles · Trust Auditor');
    expect(document.activeElement?.textContent).toBe('Bundles');
    expect(document.activeElement?.tagName).toBe('H1');
  });

  it('leaves focus alone on the first navigation, when the page loads', async () => {
    const testApi = createTestApi();
    const router = createAppRouter(createMemoryHistory());
    document.body.focus();
    wrapper = mount(App, {
      attachTo: document.body,
      global: { plugins: [createPinia(), router, createAuditorApiPlugin(testApi.api)] },
    });
    await router.push('/');
    await settle();
    expect(router.currentRoute.value.path).toBe('/vendors');
    expect(wrapper.find('h1').text()).toBe('Vendors');
    expect(document.activeElement?.tagName).not.toBe('H1');
  });

  it('moves focus to the content with the skip link', async () => {
    const mounted = await mountWithApp(App, createTestApi(), { path: '/server' });
    wrapper = mounted.wrapper;
    await settle();
    await wrapper.find('a.skip-link').trigger('click');
    expect(document.activeElement?.id).toBe('main');
    expect(mounted.router.currentRoute.value.path).toBe('/server');
  });

  it('shows the mode and version discreetly', async () => {
    const mounted = await mountWithApp(App, createTestApi(), { path: '/vendors' });
    wrapper = mounted.wrapper;
    await settle();
    const mode = wrapper.find('[data-testid="app-mode"]').text();
    expect(mode).toContain('Headless');
    expect(mode).toContain('v0.1.0');
  });

  it('shows a not-found page for unknown addresses', async () => {
    const mounted = await mountWithApp(App, createTestApi(), { path: '/nowhere' });
    wrapper = mounted.wrapper;
    await settle();
    expect(wrapper.find('h1').text()).toBe('Page not found');
  });

  it('replaces everything with the access-token message once the token is refused', async () => {
    const mounted = await mountWithApp(App, createTestApi(), { path: '/server' });
    wrapper = mounted.wrapper;
    await settle();
    useSessionStore(mounted.pinia).markUnauthorized();
    await settle();
    expect(wrapper.find('nav').exists()).toBe(false);
    expect(wrapper.find('h1').text()).toBe('Access token needed');
    expect(wrapper.text()).toContain(
      'Open the link that trust-auditor serve --ui printed: it carries the access token.',
    );
  });
});

describe('App frame: the server stops answering (headless mode)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function mountLost(path: string) {
    const connection = createTestConnection('127.0.0.1:8443');
    const testApi = createTestApi();
    const mounted = await mountWithApp(App, testApi, { path, connection });
    wrapper = mounted.wrapper;
    await settle();
    return { ...mounted, connection, testApi };
  }

  const banner = () => wrapper!.find('[data-testid="connection-banner"]');

  it('follows the connection while mounted, and shows nothing while the server answers', async () => {
    const { connection } = await mountLost('/vendors');
    expect(connection.followerCount()).toBe(1);
    expect(banner().exists()).toBe(false);
    wrapper!.unmount();
    wrapper = undefined;
    expect(connection.followerCount()).toBe(0);
  });

  it.each(['/vendors', '/alerts', '/bundles', '/server', '/settings', '/about', '/nowhere'])(
    'says so on %s, with the address, when it retries, and a Retry button',
    async (path) => {
      vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
      vi.setSystemTime(1_000_000);
      const { connection } = await mountLost(path);
      connection.set({ reachable: false, retryAt: 1_004_000 });
      await settle();
      expect(banner().attributes('role')).toBe('alert');
      expect(banner().text()).toContain('The server at 127.0.0.1:8443 is not answering.');
      expect(banner().text()).toContain('Retrying in 4 s.');
      expect(banner().text()).toContain('trust-auditor serve --ui');
      // Inside the main landmark, before the page: seen on every page, first.
      expect(wrapper!.find('main#main').element.firstElementChild).toBe(banner().element);

      vi.advanceTimersByTime(3000);
      await settle();
      expect(banner().text()).toContain('Retrying in 1 s.');

      const retry = banner().find('button');
      expect(retry.text()).toBe('Retry');
      await retry.trigger('click');
      expect(connection.retries()).toBe(1);
      connection.set({ reachable: false, retryAt: null });
      await settle();
      expect(banner().text()).toContain('Retrying now…');
      expect(banner().find('button').attributes('disabled')).toBeDefined();

      connection.set({ reachable: true, retryAt: null });
      await settle();
      expect(banner().exists()).toBe(false);
    },
  );

  it('reloads the Server page once the server answers again', async () => {
    const { connection, testApi } = await mountLost('/server');
    expect(testApi.calls.filter((call) => call === 'server.status')).toHaveLength(1);
    connection.set({ reachable: false, retryAt: 1 });
    await settle();
    expect(wrapper!.find('[data-testid="server-live"]').text()).toBe(
      'Not updating: the server is not answering',
    );
    // Not "Listening": nobody knows while it does not answer.
    expect(wrapper!.find('[data-testid="server-state"]').text()).toBe('Not answering');
    testApi.handlers.status = async () => sampleStatus({ startedAt: '2026-02-02T08:00:00Z' });
    connection.set({ reachable: true, retryAt: null });
    await settle();
    expect(testApi.calls.filter((call) => call === 'server.status')).toHaveLength(2);
    expect(wrapper!.find('time').attributes('datetime')).toBe('2026-02-02T08:00:00Z');
    expect(wrapper!.find('[data-testid="server-live"]').text()).toBe('Updates live');
    expect(wrapper!.find('[data-testid="server-state"]').text()).toBe('Listening');
  });

  it('loads the version it could not load while the server was away', async () => {
    const connection = createTestConnection();
    const testApi = createTestApi();
    testApi.handlers.info = () => Promise.reject(new TypeError('Failed to fetch'));
    const mounted = await mountWithApp(App, testApi, { path: '/vendors', connection });
    wrapper = mounted.wrapper;
    await settle();
    expect(wrapper.find('[data-testid="app-mode"]').text()).not.toContain('v0.1.0');
    connection.set({ reachable: false, retryAt: 1 });
    await settle();
    testApi.handlers.info = createTestApi().handlers.info;
    connection.set({ reachable: true, retryAt: null });
    await settle();
    expect(wrapper.find('[data-testid="app-mode"]').text()).toContain('v0.1.0');
  });
});

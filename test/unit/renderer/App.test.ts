import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import { mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { createMemoryHistory } from 'vue-router';

import App from '../../../renderer/src/App.vue';
import { createAuditorApiPlugin } from '../../../renderer/src/api/auditor';
import { createAppRouter } from '../../../renderer/src/router';
import { useSessionStore } from '../../../renderer/src/stores/session';
import { createTestApi, mountWithApp, settle } from './helpers';

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

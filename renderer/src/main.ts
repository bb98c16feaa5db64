/**
 * Starts the renderer: takes the headless access token out of the address, picks the
 * transport (preload IPC or HTTP RPC), and mounts the app.
 */
import { createPinia } from 'pinia';
import { createApp } from 'vue';

import App from './App.vue';
import { createAuditorApiPlugin } from './api/auditor';
import { createConnectionPlugin } from './api/connection';
import { forgetToken, takeToken } from './api/token';
import { resolveApi } from './api/transport';
import { createAppRouter } from './router';
import { useSessionStore } from './stores/session';
import { startTheme } from './theme';
import './styles/main.css';

startTheme();

// Before the router exists: it would otherwise read `#token=...` as a route.
const token = takeToken({
  location: window.location,
  history: window.history,
  storage: window.sessionStorage,
});

const pinia = createPinia();
const session = useSessionStore(pinia);

const { api, kind, connection } = resolveApi({
  preload: window.auditor,
  fetch: (url, init) => window.fetch(url, init),
  baseUrl: window.location.origin,
  token,
  onUnauthorized: () => {
    forgetToken(window.sessionStorage);
    session.markUnauthorized();
  },
});
session.setTransport(kind);

createApp(App)
  .use(pinia)
  .use(createAuditorApiPlugin(api))
  .use(createConnectionPlugin(connection))
  .use(createAppRouter())
  .mount('#app');

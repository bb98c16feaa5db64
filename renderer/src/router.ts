/**
 * The pages. Hash history, because the desktop app loads `index.html` from a file and the
 * headless server serves one static page: neither can answer deep paths.
 */
import {
  createRouter,
  createWebHashHistory,
  type RouteRecordRaw,
  type Router,
  type RouterHistory,
} from 'vue-router';

import AboutView from './views/AboutView.vue';
import AlertsView from './views/AlertsView.vue';
import BundlesView from './views/BundlesView.vue';
import NotFoundView from './views/NotFoundView.vue';
import ServerView from './views/ServerView.vue';
import SettingsView from './views/SettingsView.vue';
import VendorsView from './views/VendorsView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** The page title, shown in the window title. */
    title?: string;
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/vendors' },
  { path: '/vendors', name: 'vendors', component: VendorsView, meta: { title: 'Vendors' } },
  // The pages below load with their route: the chart and graph libraries stay out of the
  // first page (DESIGN "Quality bars").
  {
    path: '/vendors/:name',
    name: 'vendor',
    component: () => import('./views/VendorView.vue'),
    props: true,
    meta: { title: 'Vendor' },
  },
  {
    path: '/vendors/:name/measurement',
    name: 'measurement',
    component: () => import('./views/MeasurementView.vue'),
    props: (route) => ({ name: route.params.name, url: String(route.query.url ?? '') }),
    meta: { title: 'Measurement' },
  },
  {
    path: '/supply-chain',
    name: 'supply-chain',
    component: () => import('./views/SupplyChainView.vue'),
    meta: { title: 'Supply chain' },
  },
  {
    path: '/authorities',
    name: 'authorities',
    component: () => import('./views/VendorAuthoritiesView.vue'),
    meta: { title: 'Signing authorities' },
  },
  {
    path: '/vendors/:name/compliance',
    name: 'vendor-compliance',
    // ECharts loads with this page only (DESIGN "Quality bars": first page ≤ 200 KB).
    component: () => import('./views/VendorComplianceView.vue'),
    meta: { title: 'Vendor compliance' },
  },
  { path: '/alerts', name: 'alerts', component: AlertsView, meta: { title: 'Alerts' } },
  {
    path: '/alerts/triggers',
    name: 'triggers',
    // The CodeMirror editor comes with this page only (first page ≤ 200 KB gzipped).
    component: () => import('./views/TriggersView.vue'),
    meta: { title: 'Triggers' },
  },
  { path: '/bundles', name: 'bundles', component: BundlesView, meta: { title: 'Bundles' } },
  { path: '/server', name: 'server', component: ServerView, meta: { title: 'Server' } },
  { path: '/settings', name: 'settings', component: SettingsView, meta: { title: 'Settings' } },
  { path: '/about', name: 'about', component: AboutView, meta: { title: 'About' } },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: NotFoundView,
    meta: { title: 'Page not found' },
  },
];

export const PRODUCT_NAME = 'Trust Auditor';

export function createAppRouter(history: RouterHistory = createWebHashHistory()): Router {
  const router = createRouter({ history, routes });
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · ${PRODUCT_NAME}` : PRODUCT_NAME;
  });
  return router;
}

import { defineStore } from 'pinia';
import { ref } from 'vue';

/** The views that exist today, in the order an operator uses them. */
export const VIEWS = [
  { id: 'overview', label: 'Overview', icon: 'pi pi-chart-bar' },
  { id: 'connections', label: 'Connections & sync', icon: 'pi pi-server' },
  { id: 'meters', label: 'Meters', icon: 'pi pi-gauge' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

function viewFromHash(hash: string): ViewId {
  const id = hash.replace(/^#\/?/, '');
  return VIEWS.find((v) => v.id === id)?.id ?? 'overview';
}

/**
 * Which view is shown, mirrored in the URL fragment (`#/meters`) so reloads and back/forward keep the place. The
 * launch token is taken out of the fragment (api/token.ts) before this store first reads it.
 */
export const useNavigationStore = defineStore('navigation', () => {
  const current = ref<ViewId>(viewFromHash(window.location.hash));

  function go(view: ViewId): void {
    current.value = view;
    if (viewFromHash(window.location.hash) !== view || window.location.hash === '') window.location.hash = `#/${view}`;
  }

  window.addEventListener('hashchange', () => {
    current.value = viewFromHash(window.location.hash);
  });

  return { current, go };
});

import { defineStore } from 'pinia';
import { ref } from 'vue';

/** The views in the side bar, in the order an operator uses them. */
export const VIEWS = [
  { id: 'overview', label: 'Overview', icon: 'pi pi-chart-bar' },
  { id: 'connections', label: 'Connections & sync', icon: 'pi pi-server' },
  { id: 'meters', label: 'Meters', icon: 'pi pi-gauge' },
  { id: 'explorer', label: 'Usage explorer', icon: 'pi pi-table' },
  { id: 'completeness', label: 'Completeness', icon: 'pi pi-th-large' },
  { id: 'rates', label: 'Rate cards', icon: 'pi pi-tags' },
  { id: 'adjustments', label: 'Adjustments', icon: 'pi pi-percentage' },
  { id: 'chargeback', label: 'Chargeback', icon: 'pi pi-wallet' },
  { id: 'statements', label: 'Statements', icon: 'pi pi-file-check' },
  { id: 'capacity', label: 'Capacity', icon: 'pi pi-microchip' },
  { id: 'transfer', label: 'Transfer', icon: 'pi pi-arrow-right-arrow-left' },
  { id: 'audit', label: 'Audit log', icon: 'pi pi-shield' },
] as const;

/** Pages reached from the views (a meter, a resource), with what they show in the fragment: `#/meter/<id>`. */
const DETAIL_VIEWS = ['meter', 'resource'] as const;

export type ViewId = (typeof VIEWS)[number]['id'] | (typeof DETAIL_VIEWS)[number];

export interface Place {
  view: ViewId;
  /** What a detail page shows (a meter ID, a resource URI); null for the side-bar views. */
  param: string | null;
}

const ALL_VIEWS: readonly string[] = [...VIEWS.map((v) => v.id), ...DETAIL_VIEWS];

export function placeFromHash(hash: string): Place {
  const [id, ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (!ALL_VIEWS.includes(id)) return { view: 'overview', param: null };
  const param = rest.length > 0 ? decodeURIComponent(rest.join('/')) : null;
  if ((DETAIL_VIEWS as readonly string[]).includes(id) && !param) return { view: 'overview', param: null };
  return { view: id as ViewId, param };
}

export function hashOf(place: Place): string {
  return place.param === null ? `#/${place.view}` : `#/${place.view}/${encodeURIComponent(place.param)}`;
}

/**
 * Which view is shown, mirrored in the URL fragment (`#/meters`, `#/meter/<id>`) so reloads and back/forward keep the
 * place. The launch token is taken out of the fragment (api/token.ts) before this store first reads it.
 */
export const useNavigationStore = defineStore('navigation', () => {
  const initial = placeFromHash(window.location.hash);
  const current = ref<ViewId>(initial.view);
  const param = ref<string | null>(initial.param);

  function go(view: ViewId, viewParam: string | null = null): void {
    current.value = view;
    param.value = viewParam;
    const hash = hashOf({ view, param: viewParam });
    if (window.location.hash !== hash) window.location.hash = hash;
  }

  window.addEventListener('hashchange', () => {
    const place = placeFromHash(window.location.hash);
    current.value = place.view;
    param.value = place.param;
  });

  return { current, param, go };
});

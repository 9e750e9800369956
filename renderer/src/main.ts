import { createApp } from 'vue';
import { createPinia } from 'pinia';
import PrimeVue from 'primevue/config';
import ConfirmationService from 'primevue/confirmationservice';
import ToastService from 'primevue/toastservice';
import 'primeicons/primeicons.css';
import './styles/app.css';
import { launch } from './api/client.ts';
import App from './App.vue';
import { stackmeterPreset } from './theme.ts';

// Decide the transport first: in browser mode this takes the launch token out of the URL fragment before the view
// router reads the fragment.
launch();

// PrimeVue would follow the OS dark mode by default; the grids and charts are light-only, so dark mode is tied to a class
// the console never sets.
createApp(App)
  .use(createPinia())
  .use(PrimeVue, { theme: { preset: stackmeterPreset, options: { darkModeSelector: '.stackmeter-dark' } } })
  .use(ToastService)
  .use(ConfirmationService)
  .mount('#app');

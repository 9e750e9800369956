// The test project is compiled by tsc, which does not read single-file components; vitest compiles them with the Vue
// plugin. Components are typed loosely here and checked for real by vue-tsc in renderer/tsconfig.json.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}

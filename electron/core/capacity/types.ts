// The capacity model's types are defined once, in the shared contract types, so that the core, the contract and the
// console cannot drift apart.
export type * from '../../shared/capacity.ts';

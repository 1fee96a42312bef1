import type { Module } from '../../platform/http/server.ts';

export const dossierFormsModule: Module = {
  name: 'dossiers-forms',
  routes() {},
};

import type { Module } from '../../platform/http/server.ts';

export const dossierOfficeModule: Module = {
  name: 'dossiers-office',
  routes() {},
};

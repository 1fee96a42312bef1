import type { Module } from '../../platform/http/server.ts';

export const dossierPortalModule: Module = {
  name: 'dossiers-portal',
  routes() {},
};
